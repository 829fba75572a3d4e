"""Outputs: a :class:`~fitsm_kit.findings.Result` as text, JSON, SARIF, GitHub workflow commands, JUnit or
a Markdown pull-request summary,
the conformity matrix, and ``fitsm history``'s view of a document's versions.

Formatters return text; only :mod:`fitsm_kit.cli` prints it. May import ``engine`` (for rule
descriptions), ``rules``, ``gitcontrol``, ``sms``, ``model`` and the top-level modules; never ``cli``,
``site``, ``scaffold`` or ``evaluation``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from rich.text import Text

from fitsm_kit.findings import Result

# format name -> (module below fitsm_kit.output, function); each module is imported only when used
_FORMATS = {"text": ("text", "text"), "json": ("text", "as_json"), "sarif": ("sarif", "as_sarif"),
            "github": ("github", "as_github"), "junit": ("junit", "as_junit"),
            "markdown": ("markdown", "as_markdown")}


def _formatter(module: str, function: str) -> Callable[[Result], Text | str]:
    def render(result: Result) -> Text | str:
        rendered: Text | str = getattr(importlib.import_module(f"fitsm_kit.output.{module}"), function)(result)
        return rendered
    return render


FORMATTERS: dict[str, Callable[[Result], Text | str]] = {name: _formatter(*where) for name, where in _FORMATS.items()}
