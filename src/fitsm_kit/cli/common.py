"""What every ``fitsm`` command shares: the app, the consoles, the options and how an SMS is found.

One grammar for every command: the SMS is the ``PATH`` argument where it is the command's only
operand (``fitsm check [PATH]``), else the ``--sms PATH`` option (``fitsm new KIND --sms PATH``); either
way PATH is the SMS root or any directory or file inside it. Every option with a fixed set of values
lists them in ``--help`` and completes them in the shell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Literal, NoReturn

import typer
from rich.console import Console

from fitsm_kit import __version__
from fitsm_kit.errors import FitsmError
from fitsm_kit.escape import safe_lines
from fitsm_kit.sms.config import Config, find_root, load_config

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
ISSUES_URL = "https://github.com/fitsm-kit/fitsm-kit/issues"

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


# The SMS, as an argument (the command's only operand) or as --sms (commands with another operand).
SmsPath = Annotated[Path, typer.Argument(help="The SMS root, or any directory or file inside it.")]
SmsOption = Annotated[Path, typer.Option("--sms", help="The SMS root, or any directory or file inside it.")]
# A fixed set of values is a Literal: typer shows it in --help as <a|b>, completes it and rejects others.
TextOrJson = Annotated[Literal["text", "json"], typer.Option("--format", "-f", help="Output format.")]
AsOf = Annotated[str | None, typer.Option(help="Date that counts as today for every date rule (YYYY-MM-DD).")]


def parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def split(values: list[str] | None) -> list[str]:
    """Repeated and comma-separated values as one list (``--select PR1,PR2 --select GR``)."""
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def config_with_flags(config: Config, **flags: object) -> Config:
    """CLI flags override the file: only flags the user gave are applied."""
    given = {k: v for k, v in flags.items() if v not in (None, [])}
    return config.model_copy(update=given) if given else config


def open_sms(path: Path, as_of: str | None = None) -> tuple[Path, Config, dt.date]:
    """The SMS root that holds ``path``, its configuration (with ``--as-of``) and the date that is today."""
    root = find_root(path)
    config = config_with_flags(load_config(root), as_of=parse_date(as_of))
    return root, config, config.as_of or dt.date.today()


def display_root(root: Path) -> Path:
    """The root relative to the working directory when it is below it, so paths print short."""
    try:
        return root.relative_to(Path.cwd())
    except ValueError:
        return root


def write_output(text: str, output: Path, root: Path, config: Config) -> None:
    """Write a report to ``--output``: a new file or a previous report, never an SMS document."""
    from fitsm_kit.output.destination import write_report

    write_report(text, output, root, config.exclude)


def prompt(text: str, default: str) -> str:
    try:
        return str(typer.prompt(text, default=default, show_default=bool(default)))
    except typer.Abort:
        raise FitsmError(f"no answer to {text!r} (input ended); nothing was written. In scripts, use "
                         "--no-input with flags") from None


def notices(lines: Sequence[str]) -> None:
    """Notes on stderr; they may quote SMS file names or Git text, so they are escaped like findings."""
    for line in lines:
        err.print(f"fitsm: note: {safe_lines(line)}", markup=False)


def bug(what: str, cause: BaseException | None) -> NoReturn:
    err.print(f"fitsm: internal error: {what}: {type(cause).__name__ if cause else ''} {safe_lines(str(cause or ''))}",
              markup=False)
    err.print(f"This is a bug in fitsm-kit {__version__}, not in your SMS. Please report it at {ISSUES_URL} "
              "with the command you ran and the output of 'fitsm --version'.", markup=False)
    raise SystemExit(EXIT_BUG)


def requirement_key(req_id: str) -> tuple[int, int, int]:
    """Catalogue order: GR before PR, then by number (PR2.10 after PR2.9)."""
    family, number = req_id[:2], req_id[2:].split(".")
    return (family != "GR", int(number[0]), int(number[1]))


def complete_kinds(incomplete: str) -> list[str]:
    """Shell completion of kind names as ``fitsm schema`` takes them: ``SLA`` or ``sla``."""
    from fitsm_kit.model.kinds import KINDS

    names = {*KINDS, *(k.lower() for k in KINDS)}
    return sorted(n for n in names if n.startswith(incomplete))


def complete_ids(*kinds: str) -> Callable[[typer.Context, str], list[str]]:
    """Shell completion of document ids of ``kinds`` (all kinds when none) in the SMS at ``--sms`` or here."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from fitsm_kit.engine.load import read_sms

        try:
            root, config, today = open_sms(Path(ctx.params.get("sms") or "."))
            sms = read_sms(root, config, today)
        except (FitsmError, OSError):
            return []
        docs = sms.of_kind(*kinds) if kinds else sms.docs
        return sorted(d.id for d in docs if d.id.startswith(incomplete))

    return complete
