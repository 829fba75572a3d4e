"""Formatters: turn a Result into text for people or machines. They return; only the CLI prints."""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from rich.text import Text

from fitsm_kit import __version__
from fitsm_kit.findings import Result, Severity

JSON_SCHEMA_VERSION = 1
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# Text from the SMS (file names, keys, values quoted in messages) must not drive the terminal: ESC starts
# colour, title and hyperlink sequences, CR and newlines forge lines, bidi overrides reorder what is shown.
_UNSAFE = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_UNSAFE |= {c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def safe(value: str) -> str:
    """``value`` with control characters and bidi overrides shown as escapes (``\\x1b``), for terminals."""
    return value.translate(_UNSAFE)


def safe_lines(value: str) -> str:
    """As :func:`safe`, keeping line breaks (for multi-line error messages)."""
    return "\n".join(safe(line) for line in value.split("\n"))


def display_path(result: Result, path: str) -> str:
    """A finding's path as the user can open it: below the current directory relative, else absolute."""
    root = result.root
    if os.path.isabs(root) and Path(root).is_relative_to(Path.cwd()):
        root = os.path.relpath(root)
    return path if root in (".", "") else os.path.join(root, path)


def text(result: Result) -> Text:
    """``path:line:col: ID message [rule]`` per finding, a fix hint below, then a summary."""
    out = Text()
    for f in result.findings:
        out.append(f"{safe(display_path(result, f.path))}:{f.line}:{f.col}: ", style="bold")
        out.append(f.requirement, style=_STYLE[f.severity])
        out.append(f" {safe(f.message)} ")
        out.append(f"[{f.rule}]", style="dim")
        out.append("\n")
        if f.fix:
            out.append(f"    fix: {safe(f.fix)}\n", style="dim")
    out.append(summary(result) + "\n", style="bold")
    return out


def summary(result: Result) -> str:
    counts = ", ".join(f"{result.count(s)} {s.value}{'s' if result.count(s) != 1 else ''}"
                       for s in Severity if result.count(s))
    docs = f"{result.documents} document{'s' if result.documents != 1 else ''} in {result.files} files"
    w = len(result.waived)
    waived = f"; {w} finding{'s' if w != 1 else ''} waived" if w else ""
    if not result.findings:
        return f"All checks passed: {docs}, as of {result.as_of}{waived}."
    n = len(result.findings)
    return f"Found {n} finding{'s' if n != 1 else ''} ({counts}) in {docs}, as of {result.as_of}{waived}."


def as_json(result: Result) -> str:
    """The documented, versioned JSON shape (see README, "JSON output")."""
    payload = {
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "fitsm-kit", "version": __version__},
        "root": result.root,
        "as_of": result.as_of,
        "summary": {"documents": result.documents, "files": result.files,
                    "findings": len(result.findings),
                    **{s.value: result.count(s) for s in Severity}, "waived": len(result.waived)},
        "findings": [f.to_dict() for f in result.findings],
        "waived": [f.to_dict() for f in result.waived],
        "notices": list(result.notices),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _format(module: str, function: str) -> Callable[[Result], str]:
    """A formatter kept in its own module, imported when used (those modules use the helpers above)."""
    def run(result: Result) -> str:
        rendered: str = getattr(importlib.import_module(f"fitsm_kit.{module}"), function)(result)
        return rendered
    return run


FORMATTERS: dict[str, Callable[[Result], Text | str]] = {
    "text": text, "json": as_json, "sarif": _format("sarif", "as_sarif"),
    "github": _format("workflow_commands", "as_github"), "junit": _format("junit", "as_junit")}
