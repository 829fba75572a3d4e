"""``fitsm check`` and ``fitsm status``: check the SMS, print findings or the conformity matrix."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from fitsm_kit.cli import fast
from fitsm_kit.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    AsOf,
    SmsPath,
    TextOrJson,
    app,
    bug,
    config_with_flags,
    display_root,
    notices,
    out,
    parse_date,
    split,
    write_output,
)
from fitsm_kit.engine import cache
from fitsm_kit.errors import FitsmError
from fitsm_kit.escape import safe
from fitsm_kit.findings import Result, Severity
from fitsm_kit.output import FORMATTERS
from fitsm_kit.sms.config import Config, config_name, find_root, load_config
from fitsm_kit.sms.discovery import Source, read_sources

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fitsm_kit.gitcontrol.reading import Begun

MATRIX_FORMATS = ("text", "json")

Select = Annotated[list[str] | None, typer.Option(help="Only these requirement IDs, prefixes (PR1 = PR1.x) or "
                                                       "rule names.")]
Ignore = Annotated[list[str] | None, typer.Option(help="Skip these requirement IDs, prefixes or rule names.")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Check everything again; ignore and keep no cached "
                                                          "result.")]
FailOn = Annotated[Literal["error", "warning", "info"] | None, typer.Option(
    "--fail-on", help="Lowest severity that fails the check (exit 1); default: fail_on in the config, else warning.")]

# What would only be freed object by object just before the process ends (see cli.run): a checked SMS.
LEFT_FOR_EXIT: list[object] = []


@app.command("check")
def check_command(
    path: SmsPath = Path("."),
    output_format: Annotated[Literal["text", "json", "sarif", "github", "junit", "markdown"] | None, typer.Option(
        "--format", "-f", help="Output format. Default: github when GITHUB_ACTIONS=true and no --output is "
                               "given, else text.")] = None,
    as_of: AsOf = None,
    select: Select = None,
    ignore: Ignore = None,
    output: Output = None,
    no_cache: NoCache = False,
    matrix: Annotated[bool, typer.Option("--matrix", help="Print the conformity matrix instead of the "
                                                          "findings (as 'fitsm status').")] = False,
    changed_since: Annotated[str | None, typer.Option(
        "--changed-since", metavar="REF", help="Pull-request mode: report only findings in files changed since "
                                               "the Git ref REF (REF...HEAD, plus uncommitted files); the whole "
                                               "SMS is still checked.")] = None,
    fail_on: FailOn = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Ignore fitsm-baseline.json: every finding "
                                                                    "counts.")] = False,
) -> None:
    """Check the SMS against FitSM-1 (GR1-GR7, PR1-PR8) and report findings as file:line:col."""
    chosen = output_format or _default_format(matrix, output)
    if matrix and chosen not in MATRIX_FORMATS:
        raise typer.BadParameter(f"the conformity matrix is text or json, not {chosen!r}",
                                 param_hint="--format")
    if matrix and changed_since is not None:
        raise typer.BadParameter("the conformity matrix covers the whole SMS; drop --matrix or --changed-since",
                                 param_hint="--changed-since")
    if changed_since is not None:
        from fitsm_kit.gitcontrol import changes

        root = find_root(path)
        changed = changes.changed_files(root, changed_since)  # checks REF first: a bad one is exit 2
    sources: list[Source] = []
    result, config = check_at(path, as_of, select, ignore, no_cache, fail_on=fail_on, approval_base=changed_since,
                              seen=sources)
    if changed_since is not None:
        result = _pull_request(root, result, config, changed_since, changed, no_cache=no_cache,
                               summary=chosen == "markdown")
    if not matrix and not no_baseline:
        from fitsm_kit.engine import baseline

        known = baseline.load(find_root(path))
        if known is not None:
            result = baseline.apply(result, known)
    if matrix:
        _emit_matrix(result, config, chosen, output, path)
    else:
        _emit(result, chosen, output, path, config)
    notices(result.notices)
    code = _exit_code(result, config)
    if not about_caches(result):
        fast.finish(config.exclude, sources, code)  # a run with the same inputs prints this again (cli.fast)
    raise typer.Exit(code)


@app.command("status")
def status_command(
    path: SmsPath = Path("."),
    output_format: TextOrJson = "text",
    as_of: AsOf = None,
    select: Select = None,
    ignore: Ignore = None,
    output: Output = None,
    no_cache: NoCache = False,
    fail_on: FailOn = None,
) -> None:
    """Show the conformity matrix: each FitSM-1 requirement satisfied, with findings, waived or out of scope."""
    result, config = check_at(path, as_of, select, ignore, no_cache, fail_on=fail_on)
    _emit_matrix(result, config, output_format, output, path)
    notices(result.notices)  # as 'fitsm check' does: e.g. that Git history was not used, and why
    raise typer.Exit(_exit_code(result, config))


@app.command("baseline")
def baseline_command(
    path: SmsPath = Path("."),
    as_of: AsOf = None,
    select: Select = None,
    ignore: Ignore = None,
) -> None:
    """Record today's findings in fitsm-baseline.json: from then on 'fitsm check' fails only on new ones."""
    from fitsm_kit.engine import baseline
    from fitsm_kit.output.text import summary

    result, _ = check_at(path, as_of, select, ignore, no_cache=False)
    root = find_root(path)
    target = baseline.write(root, result)
    out.print(f"wrote {safe(str(display_root(target)))}: {len(result.findings)} known "
              f"finding{'s' if len(result.findings) != 1 else ''}. {summary(result)}", markup=False)
    out.print("'fitsm check' now fails only on findings not in it, lists these as known and says when one is "
              "gone; 'fitsm status' and the site still count them all.", markup=False)


def check_at(path: Path, as_of: str | None, select: list[str] | None, ignore: list[str] | None,
             no_cache: bool, *, fail_on: str | None = None, approval_base: str | None = None,
             seen: list[Source] | None = None) -> tuple[Result, Config]:
    """Check the SMS that holds ``path`` with its config and the flags, or reuse the cached result; the files
    it read are added to ``seen``."""
    root = find_root(path)
    file_config = load_config(root)
    config = config_with_flags(file_config, as_of=parse_date(as_of), select=split(select), ignore=split(ignore),
                               fail_on=None if fail_on is None else Severity(fail_on))
    today = config.as_of or dt.date.today()
    display = display_root(root)
    sources = read_sources(root, config.exclude)  # the bytes the key covers are the bytes checked
    if seen is not None:
        seen.extend(sources)
    cache_key = None if no_cache else cache.key(root, config, today, " ".join(sys.argv[1:]), sources)
    result = cache.load(display, cache_key)
    if result is None:
        history = _history_begun(display, config)
        # imported here: a cache hit needs no models or rules (its selectors were checked when it was stored)
        from fitsm_kit.engine import selection
        from fitsm_kit.engine.run import RuleCrash, check_sms

        bad = (selection.problems(file_config, str(display / config_name(root)))
               + selection.describe("--select", split(select)) + selection.describe("--ignore", split(ignore)))
        if bad:
            raise FitsmError("\n".join(bad))
        try:
            sms, result = check_sms(display, config, today, sources, approval_base=approval_base, history=history)
            LEFT_FOR_EXIT.append(sms)
        except RuleCrash as crash:
            bug(f"rule {crash.rule} crashed", crash.__cause__)
        if not about_caches(result):
            notices([said] if (said := cache.store(root, cache_key, result)) else [])
    return result, config


def _history_begun(root: Path, config: Config) -> Begun | None:
    """Git history, begun before the models and rules are imported when every rule is selected (so some rule
    needs it): on a long history its forked reader is what a cold check waits for, and the imports take
    ~0.2 s. A narrower check begins it only if a selected rule needs it (:func:`~.engine.run.check_sms`)."""
    if config.select or config.ignore:
        return None
    from fitsm_kit.gitcontrol import reading

    return reading.start(root, config)


def about_caches(result: Result) -> bool:
    """Whether ``result`` carries a notice about this run's caches, which a replayed or cached result would
    repeat when it no longer holds (the damaged history cache is rebuilt by this run)."""
    from fitsm_kit.gitcontrol.histcache import CACHE_NOTICE

    return any(n.startswith(CACHE_NOTICE) for n in result.notices)


def _pull_request(root: Path, result: Result, config: Config, ref: str, changed: set[str], *, no_cache: bool,
                  summary: bool) -> Result:
    """``result`` compared with a check of REF's tree; with ``summary``, what the change does to documents."""
    import dataclasses

    from fitsm_kit.engine.compare import check_ref, compare
    from fitsm_kit.engine.run import RuleCrash
    from fitsm_kit.gitcontrol import changes

    today = dt.date.fromisoformat(result.as_of)
    try:
        base = check_ref(root, ref, config, today, no_cache=no_cache)
    except RuleCrash as crash:
        bug(f"rule {crash.rule} crashed", crash.__cause__)
    result = compare(result, base, ref)
    if summary:
        from fitsm_kit.engine.load import read_sms

        sms = read_sms(root, config, today)
        LEFT_FOR_EXIT.append(sms)
        result = dataclasses.replace(result, changes=changes.document_changes(root, ref, changed, sms))
    return result


def _default_format(matrix: bool, output: Path | None) -> str:
    """``github`` in a GitHub Actions step that prints to the log (as yamllint does), else ``text``."""
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    return "github" if in_actions and not matrix and output is None else "text"


def _exit_code(result: Result, config: Config) -> int:
    failing = [f for f in result.findings if f.severity.rank >= config.fail_on.rank]
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _emit(result: Result, output_format: str, output: Path | None, path: Path, config: Config) -> None:
    rendered = FORMATTERS[output_format](result)
    if output is None:
        out.print(rendered, end="", markup=False, emoji=False)  # SMS text in JSON is not rich markup
        return
    write_output(rendered if isinstance(rendered, str) else rendered.plain, output, find_root(path), config)


def _emit_matrix(result: Result, config: Config, output_format: str, output: Path | None, path: Path) -> None:
    from fitsm_kit.engine import selection
    from fitsm_kit.output import matrix

    rows = matrix.rows(result, config, selection.rule_requirements())
    if output_format == "json":
        text = matrix.as_json(result, rows)
    else:
        if output is None:
            out.print(matrix.table(result, rows))
            return
        plain = Console(file=io.StringIO(), width=120, color_system=None, highlight=False)
        plain.print(matrix.table(result, rows))
        text = plain.file.getvalue()  # type: ignore[attr-defined]
    if output is None:
        out.print(text, end="", markup=False)
    else:
        write_output(text, output, find_root(path), config)
