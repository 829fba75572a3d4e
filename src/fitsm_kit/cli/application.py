"""The ``fitsm`` application: every command group registered on one typer app, and its error handling.

Imported by :func:`fitsm_kit.cli.run` for every command but ``fitsm --version``.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import gc
import io
import os
import sys
from typing import Annotated, NoReturn, TextIO

import typer

from fitsm_kit import __version__
from fitsm_kit.cli import check, evaluation, fast, git, interop, reference, scaffold, server, site
from fitsm_kit.cli.common import EXIT_BUG, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, ISSUES_URL, app, bug, err, out
from fitsm_kit.errors import FitsmError, io_error
from fitsm_kit.escape import safe_lines
from fitsm_kit.gitcontrol import histcache

# importing them registers the commands
COMMAND_GROUPS = (check, reference, evaluation, git, scaffold, site, interop, server)


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
    histcache.store_behind()  # main() waits for it at its end
    try:
        main()
        code: object = EXIT_CLEAN
    except SystemExit as e:
        code = e.code
    try:
        sys.stdout.flush()
        fast.finish_help(code)  # when it printed help: for the next run to replay
    except FitsmError as e:  # only when main() itself was cut short before its own flush
        code = EXIT_USAGE
        with contextlib.suppress(OSError):
            err.print(f"fitsm: error: {safe_lines(str(e))}", markup=False)
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code if isinstance(code, int) else EXIT_CLEAN if code is None else EXIT_FINDINGS)


class _Stdout(io.TextIOBase):
    """Standard output that reports a failed write (full disk, closed pipe, closed descriptor) as a
    :class:`FitsmError` naming it, so it is exit 2 with a message rather than a crash or silence."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def _fail(self, e: OSError) -> NoReturn:
        raise io_error("write to", "standard output", e) from None

    def write(self, text: str) -> int:
        if self.stream is None:  # started with descriptor 1 closed (fitsm check >&-)
            self._fail(OSError(errno.EBADF, os.strerror(errno.EBADF)))
        try:
            return self.stream.write(text)
        except OSError as e:
            self._fail(e)

    def flush(self) -> None:
        if self.stream is not None:
            try:
                self.stream.flush()
            except OSError as e:
                self._fail(e)

    def isatty(self) -> bool:
        return self.stream is not None and self.stream.isatty()

    def fileno(self) -> int:
        if self.stream is None:
            raise io.UnsupportedOperation("standard output is closed")
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"


def main() -> None:
    """Entry point: user errors and I/O errors exit 2, bugs exit 3 with a request to report them."""
    if not isinstance(sys.stdout, _Stdout):
        sys.stdout = _Stdout(sys.stdout)
    try:
        code = app_for(sys.argv[1:2])(standalone_mode=False)  # returns the exit code of typer.Exit
        sys.stdout.flush()  # a full disk or a closed pipe shows here at the latest, while it can be reported
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
        _error(str(e))
    except OSError as e:  # an I/O error no layer below put into words: still the user's disk, not a bug
        _error(str(io_error("use", e.filename if e.filename is not None else "a file", e)))
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - the last line of defence
        bug("unexpected exception", e)
    finally:
        histcache.stored()  # the history cache a reader still writes, for the next command
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)


def app_for(name: list[str]) -> typer.Typer:
    """The app with only the command (or group) ``name`` names, when it names one: typer inspects every
    registered command's signature and type hints when it builds the command line, ~15 ms for all of them
    against ~3 ms for one, on every run. The root's options and callback stay, so usage, help and errors of
    the command read as with the whole app; anything else (``--help``, a typo to suggest for) gets it whole."""
    commands = [c for c in app.registered_commands if [c.name] == name]
    groups = [g for g in app.registered_groups if [g.name] == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def _error(message: str) -> NoReturn:
    with contextlib.suppress(OSError):  # stderr is gone too: the exit code still says it
        err.print(f"fitsm: error: {safe_lines(message)}", markup=False)
    sys.exit(EXIT_USAGE)


__all__ = ["EXIT_BUG", "ISSUES_URL", "app", "main", "run"]
