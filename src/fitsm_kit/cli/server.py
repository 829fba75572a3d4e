"""``fitsm server start|stop|status``: the opt-in preloaded server that makes a first ``fitsm check`` fast.

The server is :mod:`fitsm_kit.cli.zygote`; a ``fitsm check`` hands itself over to it in
:mod:`fitsm_kit.cli.handover`. Nothing starts it but ``fitsm server start``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Annotated

import typer

from fitsm_kit.cli import handover
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
    if not handover.supported():
        raise FitsmError("the fitsm server needs Linux (fork, Unix sockets with SO_PEERCRED, pidfd_open); "
                         "'fitsm check' runs as fast as it can without it")
    try:
        what, pid = start(idle)
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
    stopped = stop_all()
    if not stopped:
        out.print("no fitsm server was running", markup=False)
    for pid in stopped:
        out.print(f"fitsm server stopped (pid {pid})", markup=False)


@server_app.command("status")
def status_command() -> None:
    """Say whether a server for this fitsm-kit and Python runs (exit 0) or not (exit 1)."""
    try:
        mine = current()
    except handover.Refused as e:
        out.print(f"no fitsm server is running (its socket directory is refused: {safe(str(e))})", markup=False)
        raise typer.Exit(EXIT_FINDINGS) from None
    others = 0
    for path in servers():
        if path == mine:
            continue
        others += handover.ask(path, "status") is not None
    answer = handover.ask(mine, "status")
    note = f"; {others} other for other code or Python settings" if others else ""
    if answer is None:
        out.print(f"no fitsm server is running for this fitsm-kit{note}", markup=False)
        raise typer.Exit(EXIT_FINDINGS)
    quiet = float(answer.get("quiet_seconds", 0))
    idle = float(answer.get("idle_seconds", 0))
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(answer.get("started", 0))))
    out.print(f"fitsm server running (pid {answer.get('pid')}, since {started}, {answer.get('served')} checks run, "
              f"exits after {max(0.0, idle - quiet) / 60:.1f} more minutes without one){note}", markup=False)


def start(idle_minutes: float) -> tuple[str, int]:
    """Start this user's server for this code and these Python settings, detached; ("started" or "running",
    its process id). Raises :class:`~.handover.Refused` or :class:`RuntimeError` with the reason."""
    directory = handover.socket_dir(create=True)
    ident = handover.identity()
    read_end, write_end = os.pipe()
    flags: list[str] = getattr(subprocess, "_args_from_interpreter_flags", list)()  # -X, -W, -O… as this one
    code = ("import sys, json; sys.path[:] = json.loads(sys.argv.pop(1)); "
            "from fitsm_kit.cli.zygote import main; main()")
    try:
        subprocess.Popen([sys.executable, *flags, "-c", code, json.dumps(sys.path), directory,
                          repr(idle_minutes * 60), str(write_end), ident],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         pass_fds=(write_end,), start_new_session=True, cwd="/")
    finally:
        os.close(write_end)
    answer = b""
    deadline = time.monotonic() + handover.START_WAIT
    with open(read_end, "rb", buffering=0) as ready:
        while (left := deadline - time.monotonic()) > 0 and select.select([ready], [], [], left)[0]:
            chunk = ready.read(4096)
            if not chunk:
                break
            answer += chunk
    word, _, rest = answer.decode("utf-8", "replace").partition(" ")
    if word == "started" and rest.isdigit():
        return word, int(rest)
    if word == "running":  # another one holds the lock: it is running, or about to answer
        while (status := handover.ask(current(), "status")) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if status is not None and isinstance(status.get("pid"), int):
            return word, status["pid"]
    raise RuntimeError(rest or "it did not say it was ready")


def servers() -> Iterator[str]:
    """The sockets in this user's socket directory (none when it is missing or refused)."""
    try:
        directory = handover.socket_dir()
    except handover.Refused:
        return
    with contextlib.suppress(OSError):
        for name in sorted(os.listdir(directory)):
            if name.endswith(".sock"):
                yield os.path.join(directory, name)


def current() -> str:
    """The socket path this code and these Python settings use (the directory may not exist)."""
    return os.path.join(handover.socket_dir(), handover.socket_name(handover.identity()))


def stop_all() -> list[int]:
    """Stop every server of this user; their process ids. Sockets nobody serves are removed."""
    stopped = []
    for path in servers():
        answer = handover.ask(path, "stop")
        pid = answer.get("stopping") if answer else None
        if isinstance(pid, int):
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            stopped.append(pid)
        else:
            _remove_stale(path)
    return stopped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(path: str) -> None:
    """Remove a socket (and its lock) that no server holds: the lock is free."""
    import fcntl  # not on Windows, where no server runs

    lock_path = path[: -len(".sock")] + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # held: a server is starting or running there
    finally:
        os.close(fd)
    for stale in (path, lock_path):
        with contextlib.suppress(OSError):
            os.unlink(stale)
