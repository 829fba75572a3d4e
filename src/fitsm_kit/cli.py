"""The ``fitsm`` command. Only this module prints or exits.

Exit codes: 0 clean, 1 findings, 2 usage / configuration / unreadable input, 3 internal bug.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from fitsm_kit import __version__, cache, catalogue
from fitsm_kit.config import Config, config_name, find_root, load_config
from fitsm_kit.discovery import read_sources
from fitsm_kit.errors import FitsmError
from fitsm_kit.findings import Result, Severity
from fitsm_kit.formatters import FORMATTERS, safe, safe_lines
from fitsm_kit.rules.structural import STRUCTURAL

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
ISSUES_URL = "https://github.com/fitsm-kit/fitsm-kit/issues"
MATRIX_FORMATS = ("text", "json")

app = typer.Typer(
    name="fitsm",
    help="Service management system as code: check a FitSM SMS kept as YAML in Git.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"fitsm-kit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Service management system as code: check a FitSM SMS kept as YAML in Git."""


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def _config_with_flags(config: Config, **flags: object) -> Config:
    """CLI flags override the file: only flags the user gave are applied."""
    given = {k: v for k, v in flags.items() if v not in (None, [])}
    return config.model_copy(update=given) if given else config


# The options `check` and `status` share.
SmsPath = Annotated[Path, typer.Argument(help="The SMS root, or any directory or file inside it.")]
Format = Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")]
AsOf = Annotated[str | None, typer.Option(help="Date that counts as today for every date rule (YYYY-MM-DD).")]
Select = Annotated[list[str] | None, typer.Option(help="Only these requirement IDs, prefixes (PR1 = PR1.x) or "
                                                       "rule names.")]
Ignore = Annotated[list[str] | None, typer.Option(help="Skip these requirement IDs, prefixes or rule names.")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Check everything again; ignore and keep no cached "
                                                          "result.")]
FailOn = Annotated[str | None, typer.Option("--fail-on", help="Lowest severity that fails the check (exit 1): "
                                                              "error, warning or info; default: fail_on in the "
                                                              "config, else warning.")]


@app.command("check")
def check_command(
    path: SmsPath = Path("."),
    output_format: Annotated[str | None, typer.Option(
        "--format", "-f", help="Output format: text, json, sarif, github or junit. Default: github when "
                               "GITHUB_ACTIONS=true and no --output is given, else text.")] = None,
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
) -> None:
    """Check the SMS against FitSM-1 (GR1-GR7, PR1-PR8) and report findings as file:line:col."""
    output_format = output_format or _default_format(matrix, output)
    formats = MATRIX_FORMATS if matrix else tuple(FORMATTERS)
    if output_format not in formats:
        raise typer.BadParameter(f"unknown format {output_format!r}; use one of: {', '.join(formats)}",
                                 param_hint="--format")
    if matrix and changed_since is not None:
        raise typer.BadParameter("the conformity matrix covers the whole SMS; drop --matrix or --changed-since",
                                 param_hint="--changed-since")
    result, config = _run(path, as_of, select, ignore, no_cache, fail_on=fail_on)
    if changed_since is not None:
        from fitsm_kit import changes

        root = find_root(path)
        changed = changes.changed_files(root, changed_since)
        result = changes.only_changed(result, changed, changed_since, config_name(root))
    if matrix:
        _emit_matrix(result, config, output_format, output)
    else:
        _emit(result, output_format, output)
    for notice in result.notices:  # they may quote file names from the SMS: escaped like findings
        err.print(f"fitsm: note: {safe(notice)}", markup=False)
    raise typer.Exit(_exit_code(result, config))


def _default_format(matrix: bool, output: Path | None) -> str:
    """``github`` in a GitHub Actions step that prints to the log (as yamllint does), else ``text``."""
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    return "github" if in_actions and not matrix and output is None else "text"


def _fail_on(value: str | None) -> Severity | None:
    try:
        return None if value is None else Severity(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a severity; use error, warning or info",
                                 param_hint="--fail-on") from None


@app.command("status")
def status_command(
    path: SmsPath = Path("."),
    output_format: Format = "text",
    as_of: AsOf = None,
    select: Select = None,
    ignore: Ignore = None,
    output: Output = None,
    no_cache: NoCache = False,
    fail_on: FailOn = None,
) -> None:
    """Show the conformity matrix: each FitSM-1 requirement satisfied, with findings, waived or out of scope."""
    if output_format not in MATRIX_FORMATS:
        raise typer.BadParameter(f"unknown format {output_format!r}; use one of: {', '.join(MATRIX_FORMATS)}",
                                 param_hint="--format")
    result, config = _run(path, as_of, select, ignore, no_cache, fail_on=fail_on)
    _emit_matrix(result, config, output_format, output)
    raise typer.Exit(_exit_code(result, config))


def _run(path: Path, as_of: str | None, select: list[str] | None, ignore: list[str] | None,
         no_cache: bool, *, fail_on: str | None = None) -> tuple[Result, Config]:
    """Check the SMS that holds ``path`` with its config and the flags, or reuse the cached result."""
    when, fail_level = _parse_date(as_of), _fail_on(fail_on)
    root = find_root(path)
    file_config = load_config(root)
    config = _config_with_flags(file_config, as_of=when, select=_split(select), ignore=_split(ignore),
                                fail_on=fail_level)
    today = config.as_of or dt.date.today()
    display = _display_root(root)
    sources = read_sources(root, config.exclude)  # the bytes the key covers are the bytes checked
    cache_key = None if no_cache else cache.key(root, config, today, " ".join(sys.argv[1:]), sources)
    result = cache.load(display, cache_key)
    if result is None:
        # imported here: a cache hit needs no models or rules (its selectors were checked when it was stored)
        from fitsm_kit import selection
        from fitsm_kit.engine import RuleCrash, check_sms

        bad = (selection.problems(file_config, str(display / config_name(root)))
               + selection.describe("--select", _split(select)) + selection.describe("--ignore", _split(ignore)))
        if bad:
            raise FitsmError("\n".join(bad))
        try:
            sms, result = check_sms(display, config, today, sources)
            _LEFT_FOR_EXIT.append(sms)
        except RuleCrash as crash:
            _bug(f"rule {crash.rule} crashed", crash.__cause__)
        cache.store(root, cache_key, result)
    return result, config


def _exit_code(result: Result, config: Config) -> int:
    failing = [f for f in result.findings if f.severity.rank >= config.fail_on.rank]
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _display_root(root: Path) -> Path:
    """The root relative to the working directory when it is below it, so paths print short."""
    try:
        return root.relative_to(Path.cwd())
    except ValueError:
        return root


def _emit(result: Result, output_format: str, output: Path | None) -> None:
    rendered = FORMATTERS[output_format](result)
    if output is None:
        out.print(rendered, end="", markup=False, emoji=False)  # SMS text in JSON is not rich markup
        return
    _write(rendered if isinstance(rendered, str) else rendered.plain, output)


def _write(text: str, output: Path) -> None:
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise FitsmError(f"cannot write {output}: {e.strerror or e}") from None


def _emit_matrix(result: Result, config: Config, output_format: str, output: Path | None) -> None:
    from fitsm_kit import matrix, selection

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
        _write(text, output)


@app.command("assess")
def assess_command(
    path: Annotated[Path, typer.Argument(help="The SMS root, or any directory or file inside it.")] = Path("."),
    output_format: Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")] = "text",
    as_of: Annotated[str | None, typer.Option(help="Date that counts as today (YYYY-MM-DD).")] = None,
) -> None:
    """FitSM-6-style capability levels per process and requirement group (a self-assessment aid)."""
    from fitsm_kit import assess, matrix, selection
    from fitsm_kit.engine import read_sms

    if output_format not in ("text", "json"):
        raise typer.BadParameter(f"unknown format {output_format!r}; use text or json", param_hint="--format")
    result, config = _run(path, as_of, None, None, False)
    rows = matrix.rows(result, config, selection.rule_requirements())
    capabilities = assess.assess(rows, read_sms(find_root(path), config, dt.date.fromisoformat(result.as_of)))
    if output_format == "json":
        out.print(assess.as_json(result, capabilities), end="", markup=False)
    else:
        out.print(assess.table(result, capabilities))


@app.command("explain")
def explain_command(
    requirement: Annotated[str, typer.Argument(help="A requirement ID (PR2.2) or a rule name.")],
) -> None:
    """Print a requirement's FitSM-1 text, the rules that check it and the evidence they accept."""
    from fitsm_kit.rules import REGISTRY

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


@app.command("schema")
def schema_command(
    kind: Annotated[str | None, typer.Argument(help="The kind, e.g. SLA. Omit to list the kinds.")] = None,
    write: Annotated[Path | None, typer.Option(help="Write every kind's schema into this directory.")] = None,
) -> None:
    """Print the JSON Schema (draft-07) of a kind, for editors and other tools."""
    from fitsm_kit import schemas
    from fitsm_kit.model import KINDS

    if write is not None:
        for path in schemas.write_all(write):
            out.print(str(path), markup=False)
        return
    if kind is None:
        out.print("\n".join(sorted(KINDS)), markup=False)
        return
    match = {k.lower(): k for k in KINDS}.get(kind.lower())
    if match is None:
        raise FitsmError(f"unknown kind {kind!r}; one of: {', '.join(sorted(KINDS))}")
    out.print(schemas.render(match), markup=False, end="")


@app.command("evaluate")
def evaluate_command(
    path: Annotated[Path, typer.Argument(help="The SMS root, or any directory inside it.")] = Path("."),
    period: Annotated[str | None, typer.Option(help="2026-10, 2026-Q3 or 2026-10-01..2026-10-15; "
                                                     "default: the last full month.")] = None,
    outages: Annotated[list[Path] | None, typer.Option(help="Outage CSV (service, component, start, end, "
                                                            "planned); repeatable.")] = None,
    tickets: Annotated[list[Path] | None, typer.Option(help="Ticket CSV (id, service, priority, opened, "
                                                            "first_response, resolved); repeatable.")] = None,
    agreement: Annotated[list[str] | None, typer.Option(help="Only this SLA / OLA / UA; repeatable.")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of CSV times written without an offset.")] = "UTC",
    as_of: Annotated[str | None, typer.Option(help="Date that counts as today (YYYY-MM-DD).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the results; write no records.")] = False,
) -> None:
    """Evaluate SLA / OLA / UA targets from outage and ticket data and record AgreementEvaluations."""
    from rich.table import Table

    from fitsm_kit.evaluation.run import evaluate_sms

    root = find_root(path)
    config = load_config(root)
    today = _parse_date(as_of) or config.as_of or dt.date.today()
    done = evaluate_sms(root, config, today, period=period, outage_files=outages or [], ticket_files=tickets or [],
                        agreement_ids=agreement or [], timezone=timezone, write=not dry_run)
    table = Table("agreement", "target", "agreed", "measured", "met", "how")
    for item in done:
        for r in item.evaluation.results:
            measured = "-" if r.measured is None else f"{r.measured:g}"
            table.add_row(item.evaluation.agreement.id, r.target.id, f"{r.target.value:g} {r.target.unit}",
                          measured, "yes" if r.met else "[bold red]no[/]", r.detail)
    out.print(table)
    for item in done:
        if not dry_run:
            verb = "wrote" if item.created else "kept existing"
            out.print(f"{verb} {item.path}", markup=False)


@app.command("report")
def report_command(
    spec: Annotated[str, typer.Argument(help="The id of a ReportSpecification.")],
    path: Annotated[Path, typer.Option(help="The SMS root, or any directory inside it.")] = Path("."),
    period: Annotated[str | None, typer.Option(help="2026-10, 2026-Q3 or a date range; default: the last "
                                                     "full month, or quarter for quarterly reports.")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Directory for the report files "
                                                               "(default: reports/SPEC/).")] = None,
    record: Annotated[bool, typer.Option(help="Record a ReportDelivery (PR3.3).")] = True,
    as_of: Annotated[str | None, typer.Option(help="Date that counts as today (YYYY-MM-DD).")] = None,
) -> None:
    """Produce the report a ReportSpecification describes (Markdown, HTML, CSV) and record its delivery."""
    from fitsm_kit.engine import read_sms
    from fitsm_kit.evaluation import report

    root = find_root(path)
    config = load_config(root)
    today = _parse_date(as_of) or config.as_of or dt.date.today()
    sms = read_sms(root, config, today)
    built = report.build(sms, spec, period, today)
    for written in report.write(root, sms, built, out_dir, today, record=record):
        out.print(f"wrote {written}", markup=False)


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to create the SMS (created if missing).")] = Path("."),
    organisation: Annotated[str | None, typer.Option(help="The service provider's name.")] = None,
    owner: Annotated[str | None, typer.Option(help="The SMS owner, as 'Name <email>'.")] = None,
    manager: Annotated[str | None, typer.Option(help="The SMS manager, as 'Name <email>'.")] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; what is not given stays a TODO.")]
        = False,
) -> None:
    """Create a new SMS repository: config, skeleton documents, schemas, pre-commit, CI, README."""
    from fitsm_kit import init

    init.refuse_existing(directory.absolute())
    answers = {"organisation": organisation, "owner": owner, "manager": manager}
    if not no_input:
        for key, text in (("organisation", "Organisation (the service provider)"),
                          ("owner", "SMS owner, a member of top management ('Name <email>')"),
                          ("manager", "SMS manager ('Name <email>')")):
            if answers[key] is None:
                answers[key] = _prompt(f"{text}, empty to fill in later", "")
    outcome = init.init(directory, init.options(answers["organisation"], answers["owner"], answers["manager"]))
    for rel in outcome.kept:
        out.print(f"kept {rel} (it exists; not overwritten)", markup=False)
    out.print(f"Created an SMS in {outcome.root}: {len(outcome.written)} files; git: {outcome.git}.", markup=False)
    out.print(f"Next: cd {directory} && fitsm check   # lists what is still to be filled in", markup=False)


@app.command("new")
def new_command(
    kind: Annotated[str, typer.Argument(help="The kind: SLA, ola, service, customer, risk, service-review, …")],
    doc_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="The new document's id.")] = None,
    title: Annotated[str | None, typer.Option(help="metadata.title")] = None,
    owner: Annotated[str | None, typer.Option(help="metadata.owner: a Person id")] = None,
    values: Annotated[list[str] | None, typer.Option("--set", help="KEY=VALUE for any question, e.g. "
                                                     "customer=bio-institute, services=a,b")] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; take defaults.")] = False,
    sms: Annotated[Path, typer.Option(help="The SMS root, or a directory inside it.")] = Path("."),
) -> None:
    """Write a new document of KIND from its template, offering references from the SMS; never overwrites."""
    from fitsm_kit import scaffold

    given = dict(_key_value(v) for v in values or [])
    given |= {k: v for k, v in (("title", title), ("owner", owner)) if v is not None}
    draft = scaffold.start(sms, kind)
    answers = scaffold.answer(draft, doc_id, given, None if no_input else _ask)
    path = scaffold.create(draft, answers)
    out.print(f"wrote {_display_root(path)} ({draft.kind} {answers['id']})", markup=False)


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--set")
    return key.strip(), value


def _ask(question: object, error: str) -> str:
    """Prompt for one ``fitsm new`` question on the terminal, showing the candidates from the SMS."""
    from fitsm_kit.questions import Question

    assert isinstance(question, Question)
    if error:
        err.print(f"  {error}", markup=False)
    if question.choices:
        out.print(f"  {question.name}: {', '.join(question.choices)}", markup=False)
    many = " (comma-separated)" if question.many else ""
    return _prompt(f"{question.prompt}{many}", ", ".join(question.default))


def _prompt(text: str, default: str) -> str:
    try:
        return str(typer.prompt(text, default=default, show_default=bool(default)))
    except typer.Abort:
        raise FitsmError(f"no answer to {text!r} (input ended); nothing was written. In scripts, use "
                         "--no-input with flags") from None


@app.command("rules")
def rules_command() -> None:
    """List every rule with its requirement and summary."""
    from fitsm_kit.rules import REGISTRY

    for name, (req, summary) in STRUCTURAL.items():
        out.print(f"{req:<6} {name:<36} {summary}", markup=False)
    for rule in sorted(REGISTRY.values(), key=lambda r: (_req_key(r.requirement), r.name)):
        out.print(f"{rule.requirement:<6} {rule.name:<36} {rule.summary}", markup=False)


@app.command("history")
def history_command(
    target: Annotated[str, typer.Argument(metavar="DOC-OR-ID", help="A document id, or an SMS file (all its "
                                                                    "documents).")],
    sms: Annotated[Path | None, typer.Option(help="The SMS root, or a directory inside it; default: the file's "
                                                  "directory, else the current one.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")] = "text",
) -> None:
    """Show a document's version history from Git: versions, dates, authors, approvals and reviews."""
    from fitsm_kit import doccontrol, historyview
    from fitsm_kit.engine import read_sms

    if output_format not in ("text", "json"):
        raise typer.BadParameter(f"unknown format {output_format!r}; use text or json", param_hint="--format")
    root = find_root(sms or (Path(target) if Path(target).exists() else Path(".")))
    config = load_config(root)
    index = read_sms(root, config, config.as_of or dt.date.today())
    history, notices = doccontrol.for_check(root, index, explicit=True)
    if history is None:
        raise FitsmError(notices[0] if notices else "Git history is switched off (document_control.git: false)")
    items = [historyview.describe(history, doc) for doc in historyview.select(index, root, target)]
    text = historyview.as_json(items, notices) if output_format == "json" else historyview.as_text(items)
    out.print(text, end="", markup=False, emoji=False)
    for notice in notices:
        err.print(f"fitsm: note: {notice}", markup=False)


@app.command("codeowners")
def codeowners_command(
    path: SmsPath = Path("."),
    platform: Annotated[str, typer.Option(help="github or gitlab: whose handles (Person spec.github / "
                                               "spec.gitlab) and which syntax.")] = "github",
    check: Annotated[bool, typer.Option("--check", help="Verify the existing CODEOWNERS instead of writing it; "
                                                        "exit 1 when a document file has other owners.")] = False,
    file: Annotated[Path | None, typer.Option("--file", help="The CODEOWNERS file; default: the first that exists "
                                                             "of .github/ (or .gitlab/), the root and docs/, else "
                                                             ".github/CODEOWNERS (.gitlab/CODEOWNERS).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a CODEOWNERS that fitsm did not generate.")] = False,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the file instead of writing it.")] = False,
) -> None:
    """Write (or --check) a CODEOWNERS that makes each document's approvers review every pull request to it."""
    from fitsm_kit import codeowners
    from fitsm_kit.engine import read_sms

    if platform not in codeowners.PLATFORMS:
        raise typer.BadParameter(f"unknown platform {platform!r}; use github or gitlab", param_hint="--platform")
    root = find_root(path)
    config = load_config(root)
    today = config.as_of or dt.date.today()
    top, owners = codeowners.plan(root, read_sms(root, config, today), platform, today)
    target = file or codeowners.find(top, platform) or top / codeowners.LOCATIONS[platform][0]
    if check:
        if not target.is_file():
            raise FitsmError(f"{target}: no CODEOWNERS file; write it with 'fitsm codeowners'")
        problems = codeowners.check(owners, target.read_text(encoding="utf-8", errors="replace"))
        for problem in problems:
            out.print(f"{_display_root(target)}: {problem}", markup=False)
        out.print(f"{_display_root(target)}: {len(owners.files) - len(problems)} of {len(owners.files)} document "
                  "files have the expected owners.", markup=False)
        raise typer.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
    text = codeowners.render(owners, platform)
    if stdout:
        out.print(text, end="", markup=False)
        return
    codeowners.write(target, text, force=force)
    out.print(f"wrote {_display_root(target)}: {len(owners.files)} document files", markup=False)
    for missing in owners.missing:
        err.print(f"fitsm: note: no {platform} handle for {missing}; set spec.{platform} on the Person", markup=False)


@app.command("review")
def review_command(
    doc_id: Annotated[str, typer.Argument(metavar="DOC", help="The id of the reviewed document.")],
    by: Annotated[str, typer.Option("--by", help="The reviewer: a Person id, email or GitHub/GitLab handle.")],
    note: Annotated[str | None, typer.Option(help="What the review found; goes into the commit message.")] = None,
    on: Annotated[str | None, typer.Option(help="The review's date (YYYY-MM-DD); default: today.")] = None,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the file alone, with Fitsm-Review and "
                                                          "Reviewed-by trailers.")] = False,
    sms: Annotated[Path, typer.Option(help="The SMS root, or a directory inside it.")] = Path("."),
) -> None:
    """Record a review: set metadata.review (last_reviewed, reviewed_by), keeping the rest of the file as is."""
    from fitsm_kit import review
    from fitsm_kit.engine import read_sms

    root = find_root(sms)
    config = load_config(root)
    when = _parse_date(on) or dt.date.today()
    path, sha = review.record(root, read_sms(root, config, config.as_of or when), doc_id, by, when, note=note,
                              commit=commit)
    out.print(f"recorded the review of {doc_id} on {when} in {_display_root(path)}", markup=False)
    if sha:
        out.print(f"committed {sha[:12]} with Fitsm-Review: {doc_id}", markup=False)
    else:
        out.print(f"next: git commit -m 'Review {doc_id}' --trailer 'Fitsm-Review: {doc_id}' -- "
                  f"{_display_root(path)}", markup=False)


@app.command("render")
def render_command(
    path: Annotated[Path, typer.Argument(help="The SMS root, or any directory or file inside it.")] = Path("."),
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Directory for the site; default: site/ in "
                                                 "the SMS root. Replaced only when empty or a previous fitsm "
                                                 "site.")] = None,
    engine: Annotated[str, typer.Option(help="Site engine: mkdocs (mkdocs-material) or zensical.")] = "mkdocs",
    force: Annotated[bool, typer.Option("--force", help="Replace --out even when it is not a previous fitsm "
                                                        "site.")] = False,
    as_of: Annotated[str | None, typer.Option(help="Date that counts as today (YYYY-MM-DD).")] = None,
) -> None:
    """Render the SMS as a static site: catalogue, portfolio, agreements, roles, reviews, conformity."""
    from fitsm_kit import site
    from fitsm_kit.site.builder import BuildFailed

    if engine not in site.ENGINES:
        raise typer.BadParameter(f"unknown engine {engine!r}; use one of: {', '.join(site.ENGINES)}",
                                 param_hint="--engine")
    root = find_root(path)
    config = _config_with_flags(load_config(root), as_of=_parse_date(as_of))
    try:
        with _progress() as progress:
            done = site.render(root, out_dir or root / "site", config, config.as_of or dt.date.today(),
                               engine_name=engine, force=force, progress=progress)
    except BuildFailed as failed:
        _bug("the site engine rejected the generated pages", failed)
    for notice in done.notices:
        err.print(f"fitsm: note: {notice}", markup=False)
    out.print(f"Rendered {done.pages} pages into {done.out} with {engine} "
              f"({len(done.result.findings)} findings shown on the site).", markup=False)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar on a terminal (stage, done, total); silent otherwise."""
    if not err.is_terminal:
        yield lambda stage, done, total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        tasks: dict[str, TaskID] = {}
        totals: dict[str, int | None] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                for before in tasks:  # a new stage: the ones before it are done
                    bar.update(tasks[before], total=totals[before] or 1, completed=totals[before] or 1)
                tasks[stage], totals[stage] = bar.add_task(stage, total=total), total
            bar.update(tasks[stage], completed=done)

        yield update


def _req_key(req_id: str) -> tuple[int, int, int]:
    family, number = req_id[:2], req_id[2:].split(".")
    return (family != "GR", int(number[0]), int(number[1]))


def _bug(what: str, cause: BaseException | None) -> NoReturn:
    err.print(f"fitsm: internal error: {what}: {type(cause).__name__ if cause else ''} {safe_lines(str(cause or ''))}",
              markup=False)
    err.print(f"This is a bug in fitsm-kit {__version__}, not in your SMS. Please report it at {ISSUES_URL} "
              "with the command you ran and the output of 'fitsm --version'.", markup=False)
    raise SystemExit(EXIT_BUG)


# What would only be freed object by object just before the process ends (see run): a checked SMS.
_LEFT_FOR_EXIT: list[object] = []


def run() -> NoReturn:
    """The ``fitsm`` command: :func:`main`, then end the process as soon as its output is out.

    Freeing a 5,000-document SMS object by object takes ~0.07 s, and a cyclic collection over it
    another ~0.03 s; a command is about to end anyway, so it runs without the cyclic collector and
    ends with ``os._exit`` (mypy's "hard exit" does the same). No exit handler is needed: files are
    written atomically before this point, and a Git history reader the run no longer needs stops when
    its pipe closes.
    """
    gc.disable()
    try:
        main()
        code: object = EXIT_CLEAN
    except SystemExit as e:
        code = e.code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        pass  # a closed pipe (fitsm check | head): nothing more can be said
    os._exit(code if isinstance(code, int) else EXIT_CLEAN if code is None else EXIT_FINDINGS)


def main() -> None:
    """Entry point: user errors exit 2, bugs exit 3 with a request to report them."""
    try:
        code = app(standalone_mode=False)  # returns the exit code of typer.Exit
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except typer.TyperException as e:  # usage errors: bad option, bad parameter
        show = getattr(e, "show", None)
        if show is None:
            raise
        show()
        sys.exit(EXIT_USAGE)
    except FitsmError as e:
        err.print(f"fitsm: error: {safe_lines(str(e))}", markup=False)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - the last line of defence
        _bug("unexpected exception", e)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
