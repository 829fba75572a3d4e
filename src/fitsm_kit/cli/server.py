"""``fitsm server start|stop|status``: the opt-in preloaded server that makes a first ``fitsm check`` fast.

The server is :mod:`fitsm_kit.cli.zygote`; a ``fitsm check`` hands itself over to it in
:mod:`fitsm_kit.cli.handover`. Nothing starts it but ``fitsm server start``.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from fitsm_kit.cli.common import EXIT_FINDINGS, app, out
from fitsm_kit.errors import FitsmError
from fitsm_kit.escape import safe

server_app = typer.Typer(name="server", no_args_is_help=True, rich_markup_mode=None,
                         help="A preloaded per-user process that runs 'fitsm check' without its start-up imports "
                              "(opt-in; outputs and exit codes are the same).")
app.add_typer(server_app, name="server")


@server_app.command("start")
def start_command(
    idle: Annotated[float, typer.Option("--idle", metavar="MINUTES", min=0.001,
                                        help="Exit after this many minutes without a check.")] = 30.0,
) -> None:
    """Start the server for this fitsm-kit and Python in the background (it has no terminal and logs nothing)."""
    from fitsm_kit.cli import handover, zygote

    if not handover.supported():
        raise FitsmError("the fitsm server needs Linux (fork, Unix sockets with SO_PEERCRED, pidfd_open); "
                         "'fitsm check' runs as fast as it can without it")
    try:
        what, pid = zygote.start(idle)
    except handover.Refused as e:
        raise FitsmError(f"refusing to use the server's socket directory: {safe(str(e))}; it must be yours "
                         "with mode 700 (remove it, or set XDG_RUNTIME_DIR)") from None
    except (RuntimeError, OSError) as e:
        raise FitsmError(f"the fitsm server did not start: {safe(str(e))}") from None
    if what == "running":
        out.print(f"fitsm server already running (pid {pid})", markup=False)
    else:
        out.print(f"fitsm server started (pid {pid}); it exits after {idle:g} minutes without a check, on "
                  "'fitsm server stop', or when fitsm-kit is updated", markup=False)


@server_app.command("stop")
def stop_command() -> None:
    """Stop your fitsm servers (a check that is running finishes)."""
    from fitsm_kit.cli import zygote

    stopped = zygote.stop_all()
    if not stopped:
        out.print("no fitsm server was running", markup=False)
    for pid in stopped:
        out.print(f"fitsm server stopped (pid {pid})", markup=False)


@server_app.command("status")
def status_command() -> None:
    """Say whether a server for this fitsm-kit and Python runs (exit 0) or not (exit 1)."""
    from fitsm_kit.cli import handover, zygote

    try:
        mine = zygote.current()
    except handover.Refused as e:
        out.print(f"no fitsm server is running (its socket directory is refused: {safe(str(e))})", markup=False)
        raise typer.Exit(EXIT_FINDINGS) from None
    others = 0
    for path in zygote.servers():
        if path == mine:
            continue
        others += zygote.ask(path, "status") is not None
    answer = zygote.ask(mine, "status")
    note = f"; {others} other for other code or Python settings" if others else ""
    if answer is None:
        out.print(f"no fitsm server is running for this fitsm-kit{note}", markup=False)
        raise typer.Exit(EXIT_FINDINGS)
    quiet = float(answer.get("quiet_seconds", 0))
    idle = float(answer.get("idle_seconds", 0))
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(answer.get("started", 0))))
    out.print(f"fitsm server running (pid {answer.get('pid')}, since {started}, {answer.get('served')} checks run, "
              f"exits after {max(0.0, idle - quiet) / 60:.1f} more minutes without one){note}", markup=False)
