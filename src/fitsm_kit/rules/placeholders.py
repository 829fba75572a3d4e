"""Placeholders that ``fitsm init`` and ``fitsm new`` leave for the author to fill in (GR2.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fitsm_kit.findings import Severity
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.rules.base import Context, Doc, Problem, approved, rule
from fitsm_kit.sms.index import references
from fitsm_kit.sms.loader import YList, YMap

# A value that *starts* with the marker is a placeholder; "TODO" inside a sentence is the author's text.
PLACEHOLDER = re.compile(r"\s*TODO\b")
_SHOWN = 70  # characters of the placeholder quoted in the message


def placeholders(node: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every string value below ``node`` that is still a placeholder, with its path."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(node, str):
        return [(loc, node)] if PLACEHOLDER.match(node) else []
    _collect(node, loc, found)
    return found


def _collect(node: Any, loc: tuple[str | int, ...], found: list[tuple[tuple[str | int, ...], str]]) -> None:
    # Runs over every value of every document: plain loops, and the regex only where "TODO" occurs.
    items = node.items() if isinstance(node, YMap) else enumerate(node) if isinstance(node, YList) else ()
    for key, value in items:
        if isinstance(value, str):
            if "TODO" in value and PLACEHOLDER.match(value):
                found.append(((*loc, key), value))
        elif isinstance(value, (YMap, YList)):
            _collect(value, (*loc, key), found)


# Drafts are checked too, but a draft without placeholders is no evidence that documents are controlled
# (GR2.4): only an approved document is.
@rule("GR2.4", "placeholder-text", kinds=tuple(KINDS), severity=Severity.WARNING, evidence=approved(*KINDS),
      fix="replace the TODO placeholder with your own content (the comments above it explain what goes there)")
def placeholder_text(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """No document still holds a ``TODO`` placeholder from ``fitsm init`` or ``fitsm new``.

    A placeholder is a text value that starts with ``TODO``; the generated documents use them for
    content only the service provider can write (goals, commitments, contacts, descriptions). A
    document is not complete, and so not ready for approval, while it holds one. A placeholder where
    an id belongs (``owner: TODO``) is reported once, as the unresolved reference it is, under the
    requirement that asks for that reference.
    """
    found = placeholders(doc.raw)
    refs = {ref.loc for ref in references(doc.model)} if found else set()
    for loc, text in found:
        if loc in refs:
            continue
        shown = " ".join(text.split())
        if len(shown) > _SHOWN:
            shown = shown[: _SHOWN - 1] + "…"
        yield Problem(doc, loc, f"still to be filled in: {shown}")
