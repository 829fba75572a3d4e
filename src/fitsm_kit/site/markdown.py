"""Markdown building blocks that keep text from YAML inert: the site's one escaping place.

Markdown passes raw HTML through and turns ``[x](javascript:…)`` into a live link, so every character
that HTML or Markdown gives a meaning is written as a numeric character reference: the browser shows
the character, no parser acts on it. Only this module makes :class:`Markup` (trusted Markdown); the
page templates escape everything else automatically.

What a user writes as Markdown (a long description) is read here too (:func:`prose`): a small subset
(paragraphs, lists, strong, emphasis, code, links with a safe scheme) is rebuilt from its parts, each
part encoded as above; anything else stays text. Links from YAML (:func:`url`) are links only with
an http, https or mailto scheme.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
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
    lines = [line.strip() for line in _clean(value).splitlines()]
    return Markup("<br>".join(_encode(line) for line in lines if line))


def _clean(value: object) -> str:
    """Without control characters, bidi controls shown as their code."""
    return _CONTROL.sub("", str(value)).translate(_BIDI)


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


# --- links from YAML --------------------------------------------------------------------------------

# Kept as they are in a link target; everything else (spaces, quotes, brackets, parentheses, < >, \, `,
# non-ASCII) is percent-encoded, so no character of the target means anything to Markdown or HTML.
_URL_SAFE = "/:?#@!$&'*+,;=%-._~"


def safe_url(value: object) -> str | None:
    """``value`` as a link target if it is an absolute http, https or mailto URL, else None.

    A URL with a space or any control or format character (tab, newline, bidi mark) is refused rather
    than cleaned: ``java\tscript:`` must not become a scheme by losing a character.
    """
    url = str(value).strip() if value is not None else ""
    if not url or len(url) > 2048 or any(c.isspace() or unicodedata.category(c).startswith("C") for c in url):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not (scheme in ("http", "https") and host) and not (scheme == "mailto" and "@" in parts.path):
        return None
    return urllib.parse.quote(url, safe=_URL_SAFE)


def url(value: object) -> Markup:
    """A link to ``value``, titled with it; the escaped text when :func:`safe_url` refuses it."""
    target = safe_url(value)
    return Markup(f"[{text(value)}]({target})") if target else text(value)


# --- Markdown a user wrote ----------------------------------------------------------------------------

SHORT = 160  # characters of a long text in a table cell
# Inline Markdown kept: backslash escapes, `code`, [label](url), **strong** / __strong__, *em* / _em_ (as in
# CommonMark, underscores inside a word are no emphasis: snake_case_names stay as typed). Each alternative
# stops at its closing character, so a line is read in linear time.
_INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\[\]]+)\]\((?P<href>[^()\s]+)\)"
    r"|\*\*(?P<strong>[^*\s](?:(?:[^*]|\*(?!\*))*[^*\s])?)\*\*"
    r"|(?<!\w)__(?P<strong_>[^_\s](?:(?:[^_]|_(?!_))*[^_\s])?)__(?!\w)"
    r"|\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*"
    r"|(?<!\w)_(?P<em_>[^_\s](?:[^_]*[^_\s])?)_(?!\w)")
_ITEM = re.compile(r"(?:[-*+]|(\d{1,9})[.)])\s+(\S.*)\Z")
_HEADING = re.compile(r"#{1,6}(\s|\Z)")
_ABBREVIATIONS = {"e.g", "i.e", "etc", "cf", "vs", "approx", "incl", "no", "dr", "mr", "ms", "mrs", "prof", "st"}


def prose(value: object) -> Markup:
    """A long text a user wrote in Markdown, for a page of its own, rebuilt from a safe subset.

    Kept: paragraphs (lines joined as Markdown joins them), bullet and numbered lists (flat), **strong**,
    *emphasis*, ``code`` and ``[links](https://…)`` whose target :func:`safe_url` accepts. A heading
    becomes a strong line, so a description cannot add sections or anchors to the page. Everything else
    (raw HTML, images, tables, quotes, fences, other links) is shown as the characters typed.
    """
    if value is None:
        return Markup("")
    blocks: list[str] = []
    lines: list[str] = []  # of the paragraph or list being read
    kind = ""  # "p", "ul" or "ol"

    def flush() -> None:
        if lines:
            if kind in ("ul", "ol") and blocks and blocks[-1][:2] in ("- ", "1."):
                blocks.append("<!-- -->")  # two lists in a row would be read as one list
            blocks.append("\n".join(lines))
            lines.clear()

    for raw in _clean(value).splitlines():
        line = raw.strip()
        item = _ITEM.match(line)
        if not line or _HEADING.match(line):
            flush()
            kind = ""
            if line:
                blocks.append(f"<strong>{_inline(line.lstrip('#').strip().rstrip('#').strip())}</strong>")
        elif item:
            ordered = item.group(1) is not None
            if kind != ("ol" if ordered else "ul"):
                flush()
                kind = "ol" if ordered else "ul"
            lines.append(f"{len(lines) + 1}. " if ordered else "- ")
            lines[-1] += _inline(item.group(2))
        elif kind in ("ul", "ol") and raw[:1].isspace():
            lines[-1] += " " + _inline(line)  # an indented line continues the item
        else:
            if kind != "p":
                flush()
                kind = "p"
            lines.append(_inline(line))
    flush()
    return Markup("\n\n".join(blocks))


def _inline(line: str, plain: bool = False) -> str:
    """One line of inline Markdown: the kept constructs rebuilt, the rest encoded (or, ``plain``, bare text)."""
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(line):
        out.append(_literal(line[pos:m.start()], pos == 0, plain))
        out.append(_token(m, line[m.start():m.end()], plain))
        if m.group("href") is not None and out[-1].startswith("[") and out[-2].endswith("!"):
            out[-2] = out[-2][:-1] + "&#33;"  # ![x](url) would be an image: the ! stays text
        pos = m.end()
    out.append(_literal(line[pos:], pos == 0, plain))
    return "".join(out)


def _literal(segment: str, at_start: bool, plain: bool) -> str:
    if plain:
        return segment
    return _encode(segment) if at_start else segment.translate(_REFERENCES)


def _token(m: re.Match[str], source: str, plain: bool) -> str:
    if (char := m.group("escaped")) is not None:
        return char if plain else f"&#{ord(char)};"
    if (code := m.group("code")) is not None:
        return code if plain else f"<code>{code.translate(_REFERENCES)}</code>"
    if (label := m.group("label")) is not None:
        target = safe_url(m.group("href"))
        if plain:
            return _inline(label, plain=True)
        return f"[{_inline(label)}]({target})" if target else source.translate(_REFERENCES)
    strong = m.group("strong") if m.group("strong") is not None else m.group("strong_")
    if strong is not None:
        return _inline(strong, plain) if plain else f"<strong>{_inline(strong)}</strong>"
    em = m.group("em") if m.group("em") is not None else m.group("em_")
    return _inline(em, plain) if plain else f"<em>{_inline(em)}</em>"


def plain(value: object) -> str:
    """A Markdown text as plain words on one line: markup, heading and list marks dropped."""
    words = []
    for raw in _clean(value).splitlines():
        line = raw.strip()
        if _HEADING.match(line):
            line = line.lstrip("#").strip().rstrip("#").strip()
        elif item := _ITEM.match(line):
            line = item.group(2)
        if line:
            words.append(_inline(line, plain=True))
    return " ".join(words)


def first_sentence(value: str) -> str:
    """The first sentence of ``value``: up to a full stop (!, ?) followed by a capital letter or the end."""
    for m in re.finditer(r"[.!?](?=\s+(\S)|\s*\Z)", value):
        before = value[max(0, m.start() - 8):m.start()].split()  # longer than any abbreviation
        following = m.group(1)
        if (before[-1].lower() if before else "") not in _ABBREVIATIONS and (following is None or following.isupper()):
            return value[:m.end()]
    return value


def short(value: object, limit: int = SHORT, sentence: bool = True) -> Markup:
    """A long text for a table cell: its first sentence (``sentence``) as plain words, at most ``limit``
    characters (cut at a word, with …); the page of its own shows it in full."""
    if value is None:
        return Markup("")
    shown = plain(value)
    shown = first_sentence(shown) if sentence else shown
    if len(shown) > limit:
        cut = shown.rfind(" ", 0, limit)
        shown = shown[:cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"
    return text(shown)
