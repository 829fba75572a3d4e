"""Markdown building blocks that keep text from YAML inert.

Markdown passes raw HTML through and turns ``[x](javascript:…)`` into a live link, so every character
that HTML or Markdown gives a meaning is written as a numeric character reference: the browser shows
the character, no parser acts on it. Only this module makes :class:`Markup` (trusted Markdown); the
page templates escape everything else automatically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markupsafe import Markup

# Anywhere in a line: HTML (& < >), link and image brackets ([ ]; without them parentheses are plain),
# code (`), emphasis (* _), table cells (|), backslash escapes and attribute lists ({ }).
_REFERENCES = {ord(c): f"&#{ord(c)};" for c in "&<>[]`*_|\\{}"}
# At the start of a line: headings, fences, lists, ordered lists, quotes, rules, setext underlines and the
# block syntax of the extensions (!!! admonitions, ??? details, === tabs, /// blocks, : definitions,
# $$ math, --8<-- snippets, % and @ directives).
_LEADING = re.compile(r"[#>\-+*~`!?=:/|_$%@^]|\d+[.)](\s|$)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi controls would reorder what readers see; they are shown as their code instead.
_BIDI = {c: f"\\u{c:04x}" for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
# A file name that is not UTF-8 reaches Python with its bytes as lone surrogates (U+DC80…): shown as \xNN,
# since no page file can hold them.
_REFERENCES |= {c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)}
_REFERENCES |= {c: "\ufffd" for c in (*range(0xD800, 0xDC80), *range(0xDD00, 0xE000))}


def text(value: object) -> Markup:
    """``value`` as inert inline Markdown: special characters as references, lines joined by ``<br>``."""
    if value is None:
        return Markup("")
    lines = [line.strip() for line in _CONTROL.sub("", str(value)).translate(_BIDI).splitlines()]
    return Markup("<br>".join(_encode(line) for line in lines if line))


def _encode(line: str) -> str:
    if _LEADING.match(line):  # the first character as a reference: no block syntax can start
        return f"&#{ord(line[0])};" + line[1:].translate(_REFERENCES)
    return line.translate(_REFERENCES)


def cell(value: object) -> Markup:
    """A table cell: Markup stays, numbers print plainly, anything else is escaped text."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    return text(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], empty: str = "None.") -> Markup:
    """A Markdown table; ``empty`` (escaped) when there are no rows."""
    # Plain str joins: every cell is already Markup, and Markup.join would escape each one again.
    body = ["| " + " | ".join(cell(c) or "&nbsp;" for c in row) + " |" for row in rows]
    if not body:
        return _emphasis(empty)
    head = "| " + " | ".join(text(h) for h in headers) + " |"
    rule = "|" + "|".join("---" for _ in headers) + "|"
    return Markup("\n".join([head, rule, *body]))


def relative(target: str, page: str) -> str:
    """The link from the Markdown file ``page`` to the Markdown file ``target`` (both docs-relative)."""
    into, base = target.split("/"), page.split("/")[:-1]
    common = 0
    while common < len(base) and common < len(into) - 1 and base[common] == into[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + into[common:])


def link(title: object, target: str, page: str, anchor: str = "") -> Markup:
    """A Markdown link; ``target`` is a docs-relative path fitsm generated (never text from YAML)."""
    return Markup(f"[{text(title)}]({relative(target, page)}{'#' + anchor if anchor else ''})")


def site_root(page: str) -> str:
    """The path from ``page``'s HTML (directory URLs: ``a/b.md`` is ``a/b/``) back to the site root."""
    parts = page.split("/")
    depth = len(parts) - (1 if parts[-1] == "index.md" else 0)
    return "../" * depth or "./"


def bullets(items: Iterable[object], empty: str = "None.") -> Markup:
    """A bullet list of escaped (or Markup) items."""
    lines = ["- " + cell(item) for item in items]
    return Markup("\n".join(lines)) if lines else _emphasis(empty)


def _emphasis(value: str) -> Markup:
    return Markup(f"*{text(value)}*")


def mermaid_label(value: object) -> str:
    """A Mermaid node label: letters, digits and a few marks as they are, the rest as ``#code;``."""
    return "".join(c if c.isalnum() or c in " .,-/" else f"#{ord(c)};" for c in str(value))
