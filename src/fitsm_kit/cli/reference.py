"""Reference commands: ``fitsm explain``, ``fitsm rules`` and ``fitsm schema`` (no SMS needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitsm_kit.cli.common import app, complete_kinds, out, requirement_key
from fitsm_kit.errors import FitsmError, did_you_mean


@app.command("explain")
def explain_command(
    requirement: Annotated[str, typer.Argument(help="A requirement ID (PR2.2) or a rule name.")],
) -> None:
    """Print a requirement's FitSM-1 text, the rules that check it and the evidence they accept."""
    from fitsm_kit.model import catalogue
    from fitsm_kit.rules import REGISTRY
    from fitsm_kit.rules.structural import STRUCTURAL

    reqs = catalogue.requirements()
    if requirement in REGISTRY or requirement in STRUCTURAL:
        rule = REGISTRY.get(requirement)
        req_id = rule.requirement if rule else STRUCTURAL[requirement][0]
        names = [requirement]
    elif requirement.upper() in reqs:
        req_id = requirement.upper()
        names = [r.name for r in REGISTRY.values() if r.requirement == req_id]
        names += [n for n, (r, _) in STRUCTURAL.items() if r == req_id]
    else:
        raise FitsmError(f"{requirement!r} is neither a requirement ID (GR1.1 … PR8.4) nor a rule name; "
                         "'fitsm rules' lists the rules")
    req = reqs[req_id]
    out.print(f"[bold]{req.id}[/bold] — {req.group} {req.group_title}\n")
    out.print(req.full_text, markup=False)
    out.print(f"\n[dim]Source: FitSM-1 as quoted in the FitSM SPD training. {catalogue.attribution()}[/dim]")
    out.print("\n[bold]Rules[/bold]" if names else "\nNo rule checks this requirement yet.")
    for name in names:
        rule = REGISTRY.get(name)
        if rule is None:
            out.print(f"\n  [bold]{name}[/bold] (structural)\n    {STRUCTURAL[name][1]}", markup=True)
            continue
        out.print(f"\n  [bold]{name}[/bold] ({rule.severity.value})")
        out.print("    " + rule.doc.replace("\n", "\n    "), markup=False)
        if rule.fix:
            out.print(f"    Fix: {rule.fix}", markup=False)
    out.print("\n[dim]fitsm-kit checks the recorded evidence, not the truth of it: an auditor still judges "
              "whether the SMS works in practice.[/dim]")


@app.command("rules")
def rules_command() -> None:
    """List every rule with its requirement and summary."""
    from fitsm_kit.rules import REGISTRY
    from fitsm_kit.rules.structural import STRUCTURAL

    for name, (req, summary) in STRUCTURAL.items():
        out.print(f"{req:<6} {name:<36} {summary}", markup=False)
    for rule in sorted(REGISTRY.values(), key=lambda r: (requirement_key(r.requirement), r.name)):
        out.print(f"{rule.requirement:<6} {rule.name:<36} {rule.summary}", markup=False)


@app.command("schema")
def schema_command(
    kind: Annotated[str | None, typer.Argument(help="The kind, e.g. SLA. Omit to list the kinds.",
                                                autocompletion=complete_kinds)] = None,
    write: Annotated[Path | None, typer.Option(help="Write every kind's schema into this directory.")] = None,
) -> None:
    """Print the JSON Schema (draft-07) of a kind, for editors and other tools."""
    from fitsm_kit.model import schemas
    from fitsm_kit.model.kinds import KINDS

    if write is not None:
        for path in schemas.write_all(write):
            out.print(str(path), markup=False)
        return
    if kind is None:
        out.print("\n".join(sorted(KINDS)), markup=False)
        return
    match = {k.lower(): k for k in KINDS}.get(kind.lower())
    if match is None:
        raise FitsmError(f"unknown kind {kind!r}{did_you_mean(kind, KINDS)} (one of: {', '.join(sorted(KINDS))})")
    out.print(schemas.render(match), markup=False, end="")


