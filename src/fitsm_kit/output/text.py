"""Formatters: turn a Result into text for people or machines. They return; only the CLI prints."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from rich.text import Text

from fitsm_kit import __version__
from fitsm_kit.escape import inert_json, safe
from fitsm_kit.findings import Finding, Result, Severity

JSON_SCHEMA_VERSION = 1
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
def display_path(result: Result, path: str) -> str:
    """A finding's path as the user can open it: below the current directory relative, else absolute."""
    root = result.root
    if os.path.isabs(root) and Path(root).is_relative_to(Path.cwd()):
        root = os.path.relpath(root)
    return path if root in (".", "") else os.path.join(root, path)


def text(result: Result) -> Text:
    """``path:line:col: ID message [rule]`` per finding, a fix hint below, then a summary.

    After a comparison: the findings the change fixes, the known ones (listed when they come from a
    baseline: the to-do list; counted when they were already at the compared ref) and baselined
    findings that are gone.
    """
    out = Text()
    _findings(out, result, result.findings)
    if result.fixed:
        out.append(f"Fixed by this change ({len(result.fixed)}):\n", style="bold")
        for f in result.fixed:
            _line(out, result, f, fix=False)
    if result.known and result.baseline and not result.compared_with:
        out.append(f"Known, in the baseline {safe(result.baseline)} (not failing, {len(result.known)}):\n",
                   style="bold")
        _findings(out, result, result.known)
    if result.gone:
        out.append(f"Gone since the baseline ({len(result.gone)}): run 'fitsm baseline' to remove them from "
                   f"{safe(result.baseline)}:\n", style="bold")
        for f in result.gone:
            _line(out, result, f, fix=False)
    out.append(summary(result) + "\n", style="bold")
    return out


# What to do first on a young SMS: the organisation (owner, manager, policy, scope, plan), then the
# processes, then services and agreements; findings about the SMS as a whole belong to the first.
GROUPS = (
    ("1. The organisation: SMS owner and manager, policy, scope, plan", ("Person", "RoleAssignment", "Policy",
                                                                         "Scope", "Plan", "")),
    ("2. The processes", ("Process",)),
    ("3. Services and agreements", ("Service", "ServiceCatalogue", "ServiceProposal", "Customer", "Supplier", "SLA",
                                    "OLA", "UA")),
)


def _findings(out: Text, result: Result, findings: tuple[Finding, ...]) -> None:
    """The findings in file order; on a young SMS grouped in the order to work through them, with counts."""
    if not result.young_kinds:
        for f in findings:
            _line(out, result, f)
        return
    kinds = dict(result.young_kinds)
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        kind = kinds.get(f.document, "")
        title = next((t for t, members in GROUPS if kind in members), "4. Everything else")
        groups.setdefault(title, []).append(f)
    for title in sorted(groups):
        found = groups[title]
        out.append(f"{title} ({len(found)} finding{'s' if len(found) != 1 else ''}):\n", style="bold")
        for f in found:
            _line(out, result, f)


def _line(out: Text, result: Result, f: Finding, *, fix: bool = True) -> None:
    out.append(f"{safe(display_path(result, f.path))}:{f.line}:{f.col}: ", style="bold")
    out.append(f.requirement, style=_STYLE[f.severity])
    out.append(f" {safe(f.message)} ")
    out.append(f"[{f.rule}]", style="dim")
    out.append("\n")
    if f.fix and fix:
        out.append(f"    fix: {safe(f.fix)}\n", style="dim")


def summary(result: Result) -> str:
    counts = ", ".join(f"{result.count(s)} {s.value}{'s' if result.count(s) != 1 else ''}"
                       for s in Severity if result.count(s))
    docs = f"{result.documents} document{'s' if result.documents != 1 else ''} in {result.files} files"
    w = len(result.waived)
    waived = f"; {w} finding{'s' if w != 1 else ''} waived" if w else ""
    waived += _compared(result)
    if not result.findings:
        passed = "No new findings" if result.compared_with or result.baseline else "All checks passed"
        return f"{passed}: {docs}, as of {result.as_of}{waived}."
    n = len(result.findings)
    new = " new" if result.compared_with or result.baseline else ""
    return f"Found {n}{new} finding{'s' if n != 1 else ''} ({counts}) in {docs}, as of {result.as_of}{waived}."


def _compared(result: Result) -> str:
    parts = []
    if result.compared_with:
        parts.append(f"compared with {safe(result.compared_with)}: {len(result.fixed)} fixed")
        if result.known:
            parts.append(f"{len(result.known)} already there")
    elif result.baseline:
        parts.append(f"{len(result.known)} known in the baseline")
        if result.gone:
            parts.append(f"{len(result.gone)} gone from it")
    return "".join(f"; {p}" for p in parts)


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
    if result.compared_with or result.baseline:  # a comparison: "findings" holds only the new ones
        payload["compared_with"] = result.compared_with or None
        payload["baseline"] = result.baseline or None
        payload["known"] = [f.to_dict() for f in result.known]
        payload["fixed"] = [f.to_dict() for f in result.fixed]
        payload["gone"] = [f.to_dict() for f in result.gone]
        if result.changes:
            payload["changes"] = [dataclasses.asdict(c) for c in result.changes]
    return inert_json(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"
