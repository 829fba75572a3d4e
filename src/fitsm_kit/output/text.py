"""Formatters: turn a Result into text for people or machines. They return; only the CLI prints."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.text import Text

from fitsm_kit import __version__
from fitsm_kit.escape import safe
from fitsm_kit.findings import Result, Severity

JSON_SCHEMA_VERSION = 1
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
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
