"""The ``fitsm`` command: the only package that prints, prompts or exits.

One module per command group (:mod:`check`, :mod:`reference`, :mod:`git`, :mod:`scaffold`, :mod:`site`,
:mod:`evaluation`); :mod:`common` holds the app, the consoles and the options they share. Each command
imports the stages it uses inside its function, so ``fitsm --version`` and a cached check stay cheap.

Exit codes: 0 clean, 1 findings, 2 usage / configuration / unreadable input, 3 internal bug.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing is a fifth of Python's start-up
if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = ["EXIT_BUG", "ISSUES_URL", "app", "main", "run", "run_handed_over"]


def run() -> NoReturn:
    """The ``fitsm`` command. ``fitsm --version`` answers before typer, rich, pydantic or any stage is
    imported (~0.2 s of imports that a pre-commit hook or script asking for the version would wait for), and
    so do a ``fitsm check`` whose inputs are all as in its last run and help asked for as before
    (:mod:`fitsm_kit.cli.fast`), and a check that a preloaded server runs (:mod:`fitsm_kit.cli.handover`,
    ``fitsm server start``)."""
    if sys.argv[1:] == ["--version"]:
        from fitsm_kit import __version__

        try:
            sys.stdout.write(f"fitsm-kit {__version__}\n")
            sys.stdout.flush()
        except (OSError, AttributeError) as e:  # full or closed standard output: exit 2, as for every command
            from fitsm_kit.errors import io_error

            cause = e if isinstance(e, OSError) else OSError(9, "Bad file descriptor")
            os.write(2, f"fitsm: error: {io_error('write to', 'standard output', cause)}\n".encode())
            os._exit(2)
        os._exit(0)
    from fitsm_kit.cli import fast
    from fitsm_kit.gitcontrol import repo

    repo.remember()  # one command per process: it judges one state of Git
    if fast.asks_help(sys.argv[1:]):
        fast.replay_help_or_record(sys.argv[1:])  # exits here when the same help was printed before
    elif sys.argv[1:2] == ["check"]:
        from fitsm_kit.cli.handover import hand_over

        fast.replay_or_record(sys.argv[1:])  # exits here when nothing changed since the same run
        hand_over(fast.recording())  # exits here when a preloaded server (fitsm server start) ran it
    from fitsm_kit.cli.application import run as run_app

    run_app()


def run_handed_over(record: object) -> NoReturn:
    """:func:`run` from where a ``fitsm check`` handed itself over, in a preloaded server's run
    (:mod:`fitsm_kit.cli.zygote`): record the output for the replay as the client began to (``record``: its
    root and input snapshot), then the command. An exception before ``main()`` catches it (while importing)
    ends the run as Python ends a program: the traceback, then exit 1, or death by SIGINT for Ctrl-C."""
    import signal

    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked since the fork: from here
        from fitsm_kit.gitcontrol import repo

        repo.remember()  # one command in this process, as in run()
        if isinstance(record, list) and len(record) == 2:
            from pathlib import Path

            from fitsm_kit.cli import fast

            fast.record(Path(str(record[0])), str(record[1]), sys.argv[1:])
        from fitsm_kit.cli.application import run as run_app

        run_app()
    except BaseException:  # noqa: BLE001
        sys.excepthook(*sys.exc_info())
        sys.stderr.flush()
        if isinstance(sys.exc_info()[1], KeyboardInterrupt):
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        os._exit(1)


def __getattr__(name: str) -> Any:
    """``app``, ``main`` and the exit codes, from :mod:`fitsm_kit.cli.application` when first asked for."""
    if name in ("EXIT_BUG", "ISSUES_URL", "app", "main"):
        import importlib

        return getattr(importlib.import_module("fitsm_kit.cli.application"), name)
    raise AttributeError(name)
