"""The one place where text from an SMS, a file name or Git is made safe for a terminal or a CI log.

Every command that prints such text passes it through :func:`safe` (one line) or :func:`safe_lines`
(a multi-line message). Formats with their own quoting (JSON, SARIF, JUnit XML, GitHub workflow
commands, YAML records) quote on top of this.
"""

from __future__ import annotations

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
