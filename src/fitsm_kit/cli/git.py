"""Document control in Git: ``fitsm history``, ``fitsm codeowners`` and ``fitsm review``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer

from fitsm_kit.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    SmsOption,
    SmsPath,
    TextOrJson,
    app,
    complete_ids,
    display_root,
    notices,
    open_sms,
    out,
    parse_date,
)
from fitsm_kit.errors import FitsmError
from fitsm_kit.escape import safe


@app.command("history")
def history_command(
    target: Annotated[str, typer.Argument(metavar="DOC-OR-ID", help="A document id, or an SMS file (all its "
                                                                    "documents).", autocompletion=complete_ids())],
    sms: Annotated[Path | None, typer.Option("--sms", help="The SMS root, or any directory or file inside it; "
                                                           "default: the file's directory, else the current one.")]
        = None,
    output_format: TextOrJson = "text",
    as_of: Annotated[str | None, typer.Option(help="Show the history as it stood on this date (YYYY-MM-DD; default: "
                                                   "as_of in fitsm.yaml): commits dated after it are left out, and "
                                                   "reviews and approvals count as 'fitsm check --as-of' counts "
                                                   "them.")] = None,
) -> None:
    """Show a document's version history from Git: versions, dates, authors, approvals and reviews."""
    from fitsm_kit.engine.load import read_sms
    from fitsm_kit.gitcontrol import doccontrol
    from fitsm_kit.output import history as historyview

    root, config, today = open_sms(sms or (Path(target) if Path(target).exists() else Path(".")), as_of)
    index = read_sms(root, config, today)
    history, said = doccontrol.for_check(root, index, explicit=True)
    if history is None:
        raise FitsmError(said[0] if said else "Git history is switched off (document_control.git: false)")
    items = [historyview.describe(history, doc, today, until=config.as_of)
             for doc in historyview.select(index, root, target)]
    text = historyview.as_json(items, said) if output_format == "json" else historyview.as_text(items)
    out.print(text, end="", markup=False, emoji=False)
    notices(said)


@app.command("codeowners")
def codeowners_command(
    path: SmsPath = Path("."),
    platform: Annotated[Literal["github", "gitlab"], typer.Option(
        help="Whose handles (Person spec.github / spec.gitlab) and which syntax.")] = "github",
    check: Annotated[bool, typer.Option("--check", help="Verify the existing CODEOWNERS instead of writing it; "
                                                        "exit 1 when a document file has other owners.")] = False,
    file: Annotated[Path | None, typer.Option("--file", help="The CODEOWNERS file; default: the one the platform "
                                                             "reads (GitHub: the first of .github/, the root, docs/; "
                                                             "GitLab: the root, docs/, .gitlab/), else "
                                                             ".github/CODEOWNERS (.gitlab/CODEOWNERS).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a CODEOWNERS that fitsm did not generate.")] = False,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the file instead of writing it.")] = False,
) -> None:
    """Write (or --check) a CODEOWNERS that makes each document's approvers review every pull request to it."""
    from fitsm_kit.engine.load import read_sms
    from fitsm_kit.gitcontrol import codeowners

    root, config, today = open_sms(path)
    top, owners = codeowners.plan(root, read_sms(root, config, today), platform)
    target = file or codeowners.find(top, platform) or top / codeowners.WRITTEN[platform]
    shown = safe(str(display_root(target)))
    if check:
        if not target.is_file():
            raise FitsmError(f"{target}: no CODEOWNERS file; write it with 'fitsm codeowners'")
        problems = codeowners.check(owners, target.read_text(encoding="utf-8", errors="replace"), platform)
        for problem in problems:
            out.print(f"{shown}: {safe(problem)}", markup=False)
        wrong = len(problems) - len(owners.unowned)
        out.print(f"{shown}: {len(owners.files) - wrong} of {len(owners.files)} document files with {platform} "
                  f"handles have the expected owners; {len(owners.unowned)} approved document"
                  f"{'s' if len(owners.unowned) != 1 else ''} without an approver's handle.", markup=False)
        if not owners.files:
            out.print(f"{shown}: no document has an approver with a {platform} handle: CODEOWNERS makes nobody "
                      "review anything yet.", markup=False)
        raise typer.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
    text = codeowners.render(owners, platform)
    if stdout:
        out.print(text, end="", markup=False)
        return
    codeowners.write(target, text, force=force)
    out.print(f"wrote {shown}: {len(owners.files)} document files", markup=False)
    notices([f"no {platform} handle for {missing}; set spec.{platform} on the Person" for missing in owners.missing])


@app.command("review")
def review_command(
    doc_id: Annotated[str, typer.Argument(metavar="DOC", help="The id of the reviewed document.",
                                          autocompletion=complete_ids())],
    by: Annotated[str, typer.Option("--by", help="The reviewer: a Person id, email or GitHub/GitLab handle.",
                                    autocompletion=complete_ids("Person"))],
    note: Annotated[str | None, typer.Option(help="What the review found; goes into the commit message.")] = None,
    on: Annotated[str | None, typer.Option(help="The review's date (YYYY-MM-DD); default: today. With --commit "
                                                "it must be the commit's date, which Git counts.")] = None,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the file alone, with Fitsm-Review and "
                                                          "Reviewed-by trailers, dated the review's day.")] = False,
    sms: SmsOption = Path("."),
) -> None:
    """Record a review: set metadata.review (last_reviewed, reviewed_by), keeping the rest of the file as is."""
    from fitsm_kit.engine.load import read_sms
    from fitsm_kit.gitcontrol import review

    root, config, _ = open_sms(sms)
    given = parse_date(on)  # else the review happens today (the commit's day), whatever as_of the checks use
    index = read_sms(root, config, config.as_of or given or dt.date.today())
    path, when, sha = review.record(root, index, doc_id, by, given, note=note, commit=commit)
    shown, doc = safe(str(display_root(path))), safe(doc_id)
    out.print(f"recorded the review of {doc} on {when} in {shown}", markup=False)
    if sha:
        out.print(f"committed {sha[:12]} with Fitsm-Review: {doc}", markup=False)
    elif when == dt.date.today():
        out.print(f"next: git commit -m 'Review {doc}' --trailer 'Fitsm-Review: {doc}' -- {shown}", markup=False)
    else:  # a Fitsm-Review trailer would date the review the day it is committed
        out.print(f"next: git commit -m 'Record the review of {doc} on {when}' -- {shown}", markup=False)
