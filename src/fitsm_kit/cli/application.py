"""The ``fitsm`` application: every command group registered on one typer app, and its error handling.

Imported by :func:`fitsm_kit.cli.run` for every command but ``fitsm --version``.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Annotated, NoReturn

import typer

from fitsm_kit import __version__
from fitsm_kit.cli import check, evaluation, git, reference, scaffold, site
from fitsm_kit.cli.common import EXIT_BUG, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, ISSUES_URL, app, bug, err, out
from fitsm_kit.errors import FitsmError
from fitsm_kit.escape import safe_lines

COMMAND_GROUPS = (check, reference, evaluation, git, scaffold, site)  # importing them registers the commands


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
        bug("unexpected exception", e)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)


__all__ = ["EXIT_BUG", "ISSUES_URL", "app", "main", "run"]
