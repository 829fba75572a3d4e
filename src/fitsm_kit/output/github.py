"""GitHub Actions workflow commands: each finding becomes an annotation on its file and line.

``fitsm check`` chooses this format by itself when ``GITHUB_ACTIONS=true`` and no ``--format`` is given.
Errors come first: GitHub shows at most 10 annotations of each kind per step, and errors matter most.
"""

from __future__ import annotations

from fitsm_kit.escape import safe, safe_lines
from fitsm_kit.findings import Result, Severity
from fitsm_kit.output.text import display_path, summary

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message the way ``@actions/core`` does."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a command property (``file=``, ``title=``): also ``:`` and ``,``, which delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def as_github(result: Result) -> str:
    """One ``::error`` / ``::warning`` / ``::notice`` line per finding, errors first, then the summary."""
    lines = []
    for f in sorted(result.findings, key=lambda f: -f.severity.rank):  # stable: file order within a kind
        # SMS text may hold terminal escapes: shown as \x1b like in the text format, then command-escaped
        props = {"file": safe(display_path(result, f.path)), "line": str(f.line), "col": str(f.col),
                 "title": f"{f.requirement} {f.rule}"}
        head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
        message = safe_lines(f.message) + (f"\nfix: {safe_lines(f.fix)}" if f.fix else "")
        lines.append(f"::{COMMAND[f.severity]} {head}::{escape_data(message)}")
    lines.append(escape_data(summary(result)))
    return "\n".join(lines) + "\n"
