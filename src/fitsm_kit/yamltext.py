"""YAML scalars that read back as exactly the value written, for every file fitsm writes by hand.

A string is written plain only when it cannot mean anything else (a letter first, a small set of
characters, no YAML 1.1 or 1.2 keyword); otherwise it is double-quoted on one line, with every character
YAML would not read back as itself escaped: backslash, quote, control and non-printable characters,
and the characters YAML 1.1 takes as line breaks (NEL, U+2028, U+2029). One line means no fold:
ruamel.yaml 0.19.1 reads a folded double-quoted string wrongly when the fold follows an escaped
backslash (``$\\nabla`` near column 76 came back as ``$\\ nabla``), so fitsm never lets one fold.
"""

from __future__ import annotations

import datetime as dt
import math
import re

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()@+-]*")
_KEYWORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


def _printable(code: int) -> bool:
    """YAML's printable set, less the characters YAML 1.1 reads as line breaks and the BOM."""
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD and code != 0xFEFF
            or 0x10000 <= code <= 0x10FFFF) and code not in (0x2028, 0x2029)


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if _printable(code):
        return char
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def quoted(text: str) -> str:
    """``text`` as a one-line double-quoted YAML scalar."""
    return '"' + "".join(_escape(c) for c in text) + '"'


def scalar(value: object) -> str:
    """``value`` (a string, number, boolean, None or date) as a YAML scalar that reads back equal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written as a YAML number")
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        # YAML 1.1 readers (PyYAML) take 1e-09 for a string: the mantissa needs a point
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    plain = _PLAIN.fullmatch(text) and not text.endswith(" ") and "  " not in text and text.lower() not in _KEYWORDS
    return text if plain else quoted(text)


def flow_list(values: object) -> str:
    """A flow sequence of scalars, ``[a, "b: c"]``."""
    assert isinstance(values, (list, tuple))
    return "[" + ", ".join(scalar(v) for v in values) + "]"
