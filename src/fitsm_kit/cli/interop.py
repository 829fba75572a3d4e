"""``fitsm import eosc`` and ``fitsm export eosc``: EOSC service records in and out of the SMS."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from fitsm_kit.cli.common import EXIT_CLEAN, EXIT_FINDINGS, SmsOption, app, display_root, err, open_sms, out
from fitsm_kit.escape import safe

import_app = typer.Typer(name="import", help="Bring service records of other catalogues into the SMS.",
                         no_args_is_help=True, rich_markup_mode=None)
export_app = typer.Typer(name="export", help="Write the SMS's services as records of other catalogues.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

Catalogue = Annotated[str, typer.Option(help="The ServiceCatalogue id the EOSC services are listed in.")]


def _say(text: str, stream: Console = out) -> None:
    """One line of a report; what it quotes from records and the SMS is escaped by the caller."""
    stream.print(text, markup=False, emoji=False)


@import_app.command("eosc")
def import_eosc(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="EOSC service records (YAML or JSON files, "
                                                "or directories of them).")],
    sms: SmsOption = Path("."),
    catalogue: Catalogue = "eosc",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
) -> None:
    """EOSC service records (EOSC EU Node profile v3) as Service drafts, their Suppliers and a ServiceCatalogue.

    New documents are never written over a file; on a new import only the fields the import owns are
    updated, and the rest of each document (and its comments) stays as you wrote it.
    """
    from fitsm_kit.interop import eosc_import

    root, config, today = open_sms(sms)
    result = eosc_import.plan(root, config, today, paths, catalogue)
    if not dry_run:
        eosc_import.apply(result)
    _import_report(result, dry_run)
    raise typer.Exit(EXIT_FINDINGS if result.problems else EXIT_CLEAN)


def _import_report(result: object, dry_run: bool) -> None:
    from fitsm_kit.interop.eosc_import import Plan, mapping_rows

    assert isinstance(result, Plan)
    would = "would " if dry_run else ""
    names = {"create": f"{would}create", "update": f"{would}update"}
    for w in result.writes:
        if w.action == "unchanged":
            continue  # counted in the summary: a re-import of 1,000 records would list 1,000 lines
        rel = safe(str(display_root(w.path)))
        line = f"  {names[w.action]:<16} {rel} ({w.kind} {safe(w.doc_id)})"
        if w.changes:
            line += ": " + safe("; ".join(w.changes))
        _say(line)
    for problem in result.problems:
        _say(f"  skipped          {safe(str(problem))}", err)
    changed = sum(w.action != "unchanged" for w in result.writes)
    same = len(result.writes) - changed
    imported = result.records - result.skipped
    if changed:
        done = f"{_count(changed, 'document')} {'to write' if dry_run else 'written'}" + (
            f", {same} up to date" if same else "")
    else:
        done = (f"nothing changed, every document is up to date ({_count(same, 'document')})" if same
                else "no document to write")
    summary = (f"{imported} of {_count(result.records, 'EOSC record')} from {_count(result.files, 'file')} imported: "
               + done)
    if result.kept or result.mapped:
        mapped = [f"{f} -> {p}" for f, p in mapping_rows() if result.mapped.get(f)]
        kept = [f"{k} ({n})" for k, n in result.kept.items()]
        _say("Mapped to FitSM fields: " + ", ".join(mapped))
        if kept:
            _say("Kept as extension fields (no FitSM meaning, or a detail the FitSM field does not hold; "
                 "fitsm export eosc writes them back): " + safe(", ".join(sorted(kept))))
    if result.unknown:
        unknown = [f"{name} -> {place} ({n})" for (name, place), n in sorted(result.unknown.items())]
        _say("Not fields of the EOSC service profile v3, kept as they are in extension fields (fitsm export eosc "
             "writes them back): " + safe(", ".join(unknown)))
    for item in result.todo:
        _say(f"To fill in: {safe(item)}")
    for note in result.notes:
        _say(f"Check: {safe(note)}")
    _say(summary + (" (dry run: nothing written)" if dry_run and changed else "")
         + (f"; {result.skipped} skipped" if result.skipped else "") + ".")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@export_app.command("eosc")
def export_eosc(
    sms: SmsOption = Path("."),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="A file for all records, or a directory "
                                                "for one file per record (default: standard output).")] = None,
    fmt: Annotated[Literal["yaml", "json"] | None, typer.Option("--format", "-f", help="yaml or json (default: "
                                                                "from the file name, else yaml).")] = None,
    catalogue: Catalogue = "eosc",
    force: Annotated[bool, typer.Option("--force", help="Replace existing files of EOSC records.")] = False,
) -> None:
    """The catalogue's live services as EOSC service records (EOSC EU Node profile v3), checked against its schema."""
    from fitsm_kit.interop import eosc_export

    root, config, today = open_sms(sms)
    result = eosc_export.collect(root, config, today, catalogue)
    chosen = fmt or ("json" if output is not None and output.suffix == ".json" else "yaml")
    if output is None:
        # the renderer has escaped what a terminal would act on (as YAML or JSON escapes that read back the same)
        out.print(eosc_export.render([r for _, r in result.records], chosen), end="", markup=False, emoji=False)
    else:
        for w in eosc_export.write(eosc_export.targets(result, output, chosen), root, force=force):
            _say(f"  {w.action:<10} {safe(str(display_root(w.path)))}", err)
    for note in result.notes:
        _say(f"fitsm: note: {safe(note)}", err)
    for problem in result.problems:
        _say(f"  left out   {safe(problem)}", err)
    _say(f"Exported {len(result.records)} services of catalogue {safe(catalogue)} as EOSC records"
         + (f"; {len(result.problems)} problems" if result.problems else "") + ".", err)
    raise typer.Exit(EXIT_FINDINGS if result.problems else EXIT_CLEAN)
