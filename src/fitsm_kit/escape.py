"""The one place where text from an SMS, a file name or Git is made safe for a terminal or a CI log.

Every command that prints such text passes it through :func:`safe` (one line) or :func:`safe_lines`
(a multi-line message). Formats with their own quoting (JSON, SARIF, JUnit XML, GitHub workflow
commands, YAML records) quote on top of this.
"""

from __future__ import annotations

# Text from the SMS (file names, keys, values quoted in messages) must not drive the terminal: ESC starts
# colour, title and hyperlink sequences, CR and newlines forge lines, bidi overrides reorder what is shown.
_UNSAFE = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_UNSAFE |= {c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0x200E, 0x200F,
                                       0x2028, 0x2029)}  # bidi marks, and line breaks Python's splitlines sees
# lone surrogates: a non-UTF-8 byte of a file name or commit (surrogateescape) is shown as that byte
_UNSAFE |= {c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)}
_UNSAFE |= {c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)}


def safe(value: str) -> str:
    """``value`` with control characters and bidi overrides shown as escapes (``\\x1b``), for terminals;
    the old workflow-command opener ``##[`` (read anywhere in a CI log line) is broken up too."""
    return value.translate(_UNSAFE).replace("##[", "#\\x23[")


def safe_lines(value: str) -> str:
    """As :func:`safe`, keeping line breaks (for multi-line error messages); no line can start a CI
    workflow command (:func:`inert_line`), whatever the message quoted."""
    return "\n".join(inert_line(safe(line)) for line in value.split("\n"))


def inert_line(line: str) -> str:
    """``line`` unable to act as a GitHub Actions workflow command: the runner reads ``::cmd`` at the start of
    a line (after blanks) and the old ``##[cmd]`` anywhere in it; their first character is shown escaped."""
    stripped = line.lstrip()
    if stripped.startswith("::"):
        line = line[:len(line) - len(stripped)] + "\\x3a" + stripped[1:]
    return line.replace("##[", "#\\x23[")


# In JSON every character outside ASCII structure is inside a string, where \uXXXX means the same
# character: C1 controls, DEL, bidi marks and line separators can be written that way without changing
# the data, and so can the "#" of "##[" (which a GitHub runner reads as a workflow command anywhere)
# and a lone surrogate (a file name that is not UTF-8), which could not be written to stdout at all.
_JSON_UNSAFE = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                                          0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0xD800, 0xE000))}


def inert_json(text: str) -> str:
    """Serialised JSON (``json.dumps``) that decodes to the same data but shows no terminal control, bidi
    mark or ``##[`` workflow command in a CI log; JSON already escapes C0 controls and no line can start
    with ``::`` (lines start with indentation, a bracket or a quote)."""
    return text.translate(_JSON_UNSAFE).replace("##[", "#\\u0023[")
