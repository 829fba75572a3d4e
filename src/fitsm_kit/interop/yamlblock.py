"""YAML in one block style for what ``fitsm import`` and ``fitsm export`` write, read back as written.

:func:`dump` writes new SMS documents and exported records: block mappings and lists (items indented
under their key, as ``fitsm new`` writes them), multi-line text as a literal block (``|``) where that
reads back exactly, every other scalar through :func:`fitsm_kit.yamltext.scalar`. Characters a terminal
would act on (bidi controls, which YAML counts as printable) are written as ``\\uXXXX`` escapes inside
double quotes, so exported records can go to standard output as they are. :func:`edited` and
:func:`styled` edit an existing document with ruamel.yaml's round trip in the same style, so comments
and every untouched value stay as the user left them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from fitsm_kit.escape import safe
from fitsm_kit.yamltext import quoted, scalar

Path = tuple[str | int, ...]


def _printable(char: str) -> bool:
    """YAML's printable set less what YAML 1.1 reads as a line break, and nothing a terminal acts on."""
    code = ord(char)
    yaml_ok = (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD and code != 0xFEFF
               or 0x10000 <= code <= 0x10FFFF) and code not in (0x2028, 0x2029)
    return yaml_ok and safe(char) == char


def literal(text: str) -> bool:
    """Whether ``text`` (several lines) reads back exactly from a literal block scalar, and none of its lines
    could act as a CI workflow command (``::cmd`` at the start of a line, ``##[`` anywhere)."""
    lines = text.rstrip("\n").split("\n")
    content = [line for line in lines if line]
    return (len(lines) > 1 and bool(content) and not content[0].startswith(" ")
            and all(not line.endswith(" ") and not line.lstrip().startswith("::") for line in lines)
            and "##[" not in text and all(_printable(c) for c in text if c != "\n"))


def _text(value: str) -> str:
    """A one-line scalar, with characters a terminal acts on escaped inside double quotes, and the ``#`` of
    ``##[`` (a workflow command wherever a CI runner reads it) as ``\\x23``."""
    written = scalar(value)
    if all(_printable(c) for c in value) and "##[" not in value:
        return written
    written = written if written.startswith('"') else quoted(value)
    escaped = "".join(c if _printable(c) or c in '"\\' else f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF
                      else f"\\U{ord(c):08X}" for c in written)
    return escaped.replace("##[", "#\\x23[")


def _block(value: str, indent: int) -> list[str]:
    """A literal block scalar: the indicator, then the lines at ``indent``."""
    body = value.rstrip("\n")
    breaks = len(value) - len(body)
    chomp = "-" if breaks == 0 else "" if breaks == 1 else "+"
    pad = " " * indent
    return [f"|{chomp}", *(pad + line if line else "" for line in body.split("\n")), *([""] * (breaks - 1))]


def _scalar_lines(value: Any, indent: int, in_list: bool) -> list[str]:
    if value is None:
        return ["null" if in_list else ""]
    if isinstance(value, str) and "\n" in value and literal(value):
        return _block(value, indent)
    return [_text(value) if isinstance(value, str) else scalar(value)]


def _lines(value: Any, indent: int, path: Path, out: list[str], notes: Mapping[Path, str], head: str) -> None:
    """``head`` (``key:`` or ``- ``) and ``value`` below it, into ``out``."""
    note = f"   # {notes[path]}" if path in notes else ""
    if isinstance(value, dict) and value:
        if head.endswith("- "):  # a mapping in a list starts on the dash's line
            first, *rest = list(value.items())
            _lines(first[1], indent, (*path, first[0]), out, notes, head + f"{_text(str(first[0]))}:")
            for key, item in rest:
                _lines(item, indent, (*path, key), out, notes, " " * indent + f"{_text(str(key))}:")
            return
        out.append(head + note)
        for key, item in value.items():
            _lines(item, indent + 2, (*path, key), out, notes, " " * (indent + 2) + f"{_text(str(key))}:")
        return
    if isinstance(value, list) and value:
        out.append(head + note)
        for i, item in enumerate(value):
            _lines(item, indent + 4, (*path, i), out, notes, " " * (indent + 2) + "- ")
        return
    if isinstance(value, (dict, list)):
        written = ["{}" if isinstance(value, dict) else "[]"]
    else:
        written = _scalar_lines(value, indent + 2, head.endswith("- "))
    sep = "" if head.endswith(" ") or not written[0] else " "
    out.append(head + sep + written[0] + note)
    out.extend(written[1:])


def dump(data: Mapping[str, Any], *, header: Sequence[str] = (), notes: Mapping[Path, str] | None = None) -> str:
    """``data`` (plain mappings, lists and scalars) as a YAML document; ``header`` lines become comments
    above it, ``notes`` end-of-line comments at the given paths."""
    out = [f"# {line}".rstrip() for line in header]
    for key, value in data.items():
        _lines(value, 0, (key,), out, notes or {}, f"{_text(str(key))}:")
    return "\n".join(out) + "\n"


def round_trip() -> YAML:
    """ruamel.yaml set to write what :func:`dump` writes, comments and quoting kept."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 2**31 - 1  # never fold: ruamel 0.19.1 loses characters in some folded double-quoted strings
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def styled(value: Any) -> Any:
    """Plain data as ruamel.yaml nodes in :func:`dump`'s style, to put into a document being edited."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = styled(item)
        return node
    if isinstance(value, list):
        return CommentedSeq(styled(item) for item in value)
    if isinstance(value, str):
        if "\n" in value and literal(value):
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value) if scalar(value).startswith('"') else value
    return value


def edited(document: Any) -> str:
    """A document loaded with :func:`round_trip`, written back."""
    out = io.StringIO()
    round_trip().dump(document, out)
    text = out.getvalue()
    return text[: -len("...\n")] if text.endswith("\n...\n") else text  # ruamel ends a '|+' document with '...'


# ruamel.yaml keeps the comment lines that follow an entry with the entry's last value (in the comment after
# a mapping value, index 2, or after a list item, index 0): removing or replacing that value would take the
# user's comment about the *next* field with it. These move those lines to where they still come next.

def _last(container: Any, key: Any) -> tuple[Any, Any]:
    """Where the comment after the entry ``container[key]`` is kept: its last nested value (block style)."""
    value = container[key]
    while isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style():
        container, key = value, (list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
        value = container[key]
    return container, key


def _slot(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def _take(container: Any, key: Any) -> str:
    """Remove and return the comment lines below the entry (its own end-of-line comment stays)."""
    holder, at = _last(container, key)
    items = holder.ca.items.get(at)
    token = items[_slot(holder)] if items else None
    if token is None:
        return ""
    own, newline, rest = str(token.value).partition("\n")
    if not rest.strip():
        return ""
    token.value = own + newline
    return rest


def _give(container: Any, key: Any, lines: str) -> None:
    """Put comment lines below the entry ``container[key]``."""
    holder, at = _last(container, key)
    items = holder.ca.items.setdefault(at, [None, None, None, None])
    token = items[_slot(holder)]
    if token is None:
        items[_slot(holder)] = CommentToken("\n" + lines, CommentMark(0), None)
    else:
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + lines


def replace(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set ``mapping[key]`` to ``value`` (styled), keeping the comment lines below the old value."""
    lines = _take(mapping, key)
    mapping[key] = value
    if lines:
        _give(mapping, key, lines)


def drop(mapping: CommentedMap, key: str) -> None:
    """Remove ``key``; the comment lines below it go below the entry before it (or above the first one)."""
    keys = list(mapping)
    at = keys.index(key)
    lines = _take(mapping, key)
    del mapping[key]
    if not lines:
        return
    if at > 0:
        _give(mapping, keys[at - 1], lines)
        return
    if mapping.ca.comment is None:
        mapping.ca.comment = [None, []]
    if mapping.ca.comment[1] is None:
        mapping.ca.comment[1] = []
    mapping.ca.comment[1].append(CommentToken(lines.lstrip(" "), CommentMark(len(lines) - len(lines.lstrip(" "))),
                                              None))
