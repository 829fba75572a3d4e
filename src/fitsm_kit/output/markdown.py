"""The pull-request summary: what a reviewer needs, as Markdown for a comment or ``$GITHUB_STEP_SUMMARY``.

``fitsm check --changed-since REF --format markdown``: the documents the change adds, changes, retires
or deletes with their meaningful differences and who must approve each, then the findings the change
introduces and the ones it fixes. Without ``--changed-since`` it is a summary of the findings. Text from
the SMS is written inert: characters Markdown or HTML give a meaning become character references.
"""

from __future__ import annotations

from fitsm_kit.escape import safe
from fitsm_kit.findings import Finding, Result, Severity

# what starts emphasis, code, links, HTML, tables, strikethrough or math ($) anywhere in a line
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]<>#!|~&$"})
_SHOWN = 50  # findings per list; the rest are counted
_ICON = {Severity.ERROR: "❌", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}  # noqa: RUF001 (emoji)


def inert(value: str) -> str:
    """``value`` as literal text in Markdown (and the HTML GitHub allows in it), on one line."""
    return " ".join(safe(value).split()).translate(_INERT)


def _finding(f: Finding) -> str:
    return (f"- {_ICON[f.severity]} `{inert(f.path)}:{f.line}` **{f.requirement}** {inert(f.message)} "
            f"({inert(f.rule)})")


def _findings(title: str, findings: tuple[Finding, ...]) -> list[str]:
    if not findings:
        return []
    lines = [f"### {title} ({len(findings)})", ""]
    lines += [_finding(f) for f in findings[:_SHOWN]]
    if len(findings) > _SHOWN:
        lines.append(f"- … and {len(findings) - _SHOWN} more (run `fitsm check` for all)")
    return [*lines, ""]


def as_markdown(result: Result) -> str:
    """The summary of one check (a comparison in pull-request mode)."""
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    pending = [f for f in result.findings if f.rule == "approval-pending"]
    if result.compared_with:
        head = (f"## fitsm: this change against {inert(result.compared_with)}\n\n"
                f"{len(result.findings)} new finding{'s' if len(result.findings) != 1 else ''} ({errors} "
                f"error{'s' if errors != 1 else ''}), {len(result.fixed)} fixed, {len(result.known)} already there; "
                f"{len(pending)} document{'s' if len(pending) != 1 else ''} awaiting approval.")
    else:
        head = (f"## fitsm: {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} "
                f"({errors} error{'s' if errors != 1 else ''}) in {result.documents} documents, as of {result.as_of}")
        if result.baseline:
            head += f"\n\n{len(result.known)} known in the baseline, {len(result.gone)} gone from it."
    lines = [head, ""]
    if result.changes:
        lines += ["### Documents", "", "| | document | kind | what changed | to be approved by |",
                  "|---|---|---|---|---|"]
        for c in result.changes:
            what = "<br>".join(inert(d) for d in c.differences[:8])
            if len(c.differences) > 8:
                what += f"<br>… and {len(c.differences) - 8} more"
            title = f"{inert(c.document)}<br>{inert(c.title)}" if c.title else inert(c.document)
            lines.append(f"| {c.what} | {title}<br>`{inert(c.path)}` | {inert(c.kind)} | {what or '—'} | "
                         f"{inert(c.approvers)} |")
        lines.append("")
    elif result.compared_with:
        lines += ["No document changed.", ""]
    introduced = "Findings this change introduces" if result.compared_with else "Findings"
    lines += _findings(introduced, result.findings)
    lines += _findings("Findings this change fixes", result.fixed)
    if result.compared_with and pending:
        lines += ["Approval pending is not an error: the approving merge (a merge commit by an approver, or "
                  "a squash commit with an `Approved-by:` trailer) records the approval on the default branch.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
