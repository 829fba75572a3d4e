"""The preloaded server of ``fitsm server start``: a process that has paid the imports, forking one run per check.

It imports typer, rich, pydantic (building every model's validator), the rules and the engine once
(:data:`PRELOAD`) and listens on a Unix socket named after :func:`~.handover.identity`. Each check is a fork
(nothing one check computes survives to the next) that takes on the client's standard streams, working
directory, environment, umask and arguments, forks the run (``fitsm check`` from where
:mod:`~fitsm_kit.cli.fast` left it), passes the client's signals on and sends back its exit status. Not
preloaded: ``fitsm_kit.cli``, whose consoles read the terminal when created. Variables read while preloading
(``TYPER_USE_RICH``…) are recorded: a client whose values differ runs in-process. It exits after ``--idle``
minutes without a check, on ``fitsm server stop`` or SIGTERM, and within :data:`CHECK_EVERY` seconds of
fitsm-kit's code changing; it has no terminal (own session, streams on ``/dev/null``) and logs nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import os
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from fitsm_kit.cli import handover

# What `fitsm check` imports before it prints, but nothing that looks at the terminal, the working
# directory or the environment when imported (tests/test_server.py checks the list against a real run).
PRELOAD = (
    "typer", "typer.core", "typer.main", "rich.console", "rich.table", "rich.text", "pydantic", "yaml",
    "fitsm_kit.cli.fast", "fitsm_kit.engine.run", "fitsm_kit.engine.selection", "fitsm_kit.engine.cache",
    "fitsm_kit.engine.baseline", "fitsm_kit.engine.replay", "fitsm_kit.output", "fitsm_kit.output.matrix",
    "fitsm_kit.gitcontrol.reading", "fitsm_kit.gitcontrol.histcache", "fitsm_kit.gitcontrol.changes",
    "fitsm_kit.sms.config", "fitsm_kit.sms.discovery", "fitsm_kit.output.text", "rich._emoji_codes",
    "typer._adapters", "typer._click.decorators", "pydantic.type_adapter", "encodings.utf_8_sig",
)
CHECK_EVERY = 5.0  # seconds between looks at whether the installed code changed


@dataclass
class _State:
    ident: str
    path: str
    inode: int
    idle: float
    import_env: dict[str, str | None]
    started: float = field(default_factory=time.time)
    last: float = field(default_factory=time.monotonic)
    served: int = 0


def main() -> NoReturn:
    """The server process: ``python -c … DIRECTORY IDLE_SECONDS READY_FD IDENTITY`` (see :func:`start`)."""
    _, directory, idle, ready_fd, expected = sys.argv
    ready = int(ready_fd)
    try:
        _serve(directory, float(idle), expected, ready)
    except Exception as e:  # noqa: BLE001 - said to `fitsm server start` while it waits, else nowhere
        _tell(ready, f"error {type(e).__name__}: {e}")
        os._exit(1)
    os._exit(0)


def _tell(ready: int, text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(ready, text.encode("utf-8", "replace"))
        os.close(ready)


def _serve(directory: str, idle: float, expected: str, ready: int) -> None:
    ident = handover.identity(again=True)
    if ident != expected:
        raise RuntimeError("this server's Python settings differ from the command's (an interpreter flag or "
                           "import path fitsm server start cannot pass on)")
    path = os.path.join(directory, handover.socket_name(ident))
    lock = os.open(path[: -len(".sock")] + ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another server for this identity runs, or is starting
        _tell(ready, "running")
        return
    import_env = preload()
    if handover.identity(again=True) != ident:
        raise RuntimeError("fitsm-kit's installed code changed while the server started; start it again")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)  # the socket is the user's only (its directory is too)
    listener.bind(path)
    os.umask(umask)
    listener.listen(64)
    state = _State(ident, path, os.stat(path).st_ino, idle, import_env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    gc.collect()
    gc.freeze()  # what preloading made stays shared with the forked runs, untouched by their collections
    _tell(ready, f"started {os.getpid()}")
    try:
        _loop(listener, lock, state)
    finally:
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == state.inode:
                os.unlink(path)
        listener.close()
        os.close(lock)


class _Watched(os._Environ[str]):
    """``os.environ``'s class while preloading: notes each variable read ("*" when all are listed)."""

    read: set[str] = set()

    def __getitem__(self, key: str) -> str:  # also under get(), `in` and os.getenv()
        _Watched.read.add(key)
        return super().__getitem__(key)

    def __iter__(self) -> Iterator[str]:
        _Watched.read.add("*")
        return super().__iter__()


def preload() -> dict[str, str | None]:
    """Import :data:`PRELOAD`; the environment variables read meanwhile, with their values then."""
    environ_class = type(os.environ)
    os.environ.__class__ = _Watched
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    finally:
        os.environ.__class__ = environ_class
    return {key: None if key == "*" else os.environ.get(key) for key in sorted(_Watched.read)}


def _loop(listener: socket.socket, lock: int, state: _State) -> None:
    next_look = time.monotonic() + CHECK_EVERY
    while True:
        now = time.monotonic()
        left = state.last + state.idle - now
        if left <= 0:
            return  # idle long enough
        readable, _, _ = select.select([listener], [], [], max(0.0, min(left, next_look - now)))
        with contextlib.suppress(ChildProcessError):  # reap the request processes that ended
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        if readable and _accept(listener, lock, state):
            return  # asked to stop
        if time.monotonic() >= next_look:  # the installed code changed, or the socket is gone: exit
            next_look = time.monotonic() + CHECK_EVERY
            with contextlib.suppress(OSError):
                if handover.identity(again=True) == state.ident and os.stat(state.path).st_ino == state.inode:
                    continue
            return


def _accept(listener: socket.socket, lock: int, state: _State) -> bool:
    """Answer one connection; True when it asked the server to stop."""
    try:
        conn, _ = listener.accept()
    except OSError:
        return False
    fds: list[int] = []
    with conn:
        try:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            if struct.unpack("3i", creds)[1] != os.getuid():
                return False  # another user: no answer at all
            conn.settimeout(5.0)
            request = handover.receive(conn, fds)
            op = request.get("op") if request else None
            if op == "status":
                handover.send(conn, {"pid": os.getpid(), "identity": state.ident, "started": state.started,
                                     "served": state.served, "idle_seconds": state.idle,
                                     "quiet_seconds": time.monotonic() - state.last})
            elif op == "stop":
                handover.send(conn, {"stopping": os.getpid()})
                return True
            elif op == "check" and request is not None:
                state.last = time.monotonic()
                state.served += 1
                if os.fork() == 0:
                    try:
                        _run(conn, request, fds, listener, lock, state)
                    finally:
                        os._exit(0)
        except (OSError, ValueError):
            pass
        finally:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
    return False


def _run(conn: socket.socket, request: dict[str, Any], fds: list[int], listener: socket.socket, lock: int,
         state: _State) -> None:
    """The forked process of one request: take on the client's setting, fork the run, relay, report."""
    listener.close()
    os.close(lock)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    gc.unfreeze()
    why = _declined(request, fds, state)
    if why is None:
        try:
            _enter(request, fds)
        except (OSError, ValueError, TypeError, KeyError, LookupError) as e:
            why = f"cannot take on the client's setting: {e}"
    if why is not None:
        handover.send(conn, {"fallback": why})
        return
    go_read, go_write = os.pipe()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # the run takes a Ctrl-C once it can handle it
    child = os.fork()
    if child == 0:  # the run
        conn.close()
        os.close(go_write)
        if os.read(go_read, 1) != b"g":
            os._exit(0)  # the client fell back to running it itself
        os.close(go_read)
        from fitsm_kit.cli import run_handed_over

        run_handed_over(request.get("record"))
    os.close(go_read)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        pidfd = os.pidfd_open(child)
        handover.send(conn, {"started": child})
    except OSError:
        os.close(go_write)
        os.waitpid(child, 0)
        with contextlib.suppress(OSError):
            handover.send(conn, {"fallback": "cannot watch the run"})
        return
    os.write(go_write, b"g")
    os.close(go_write)
    conn.settimeout(None)
    while pidfd not in select.select([conn.fileno(), pidfd], [], [])[0]:
        try:
            message = handover.receive(conn)
        except (OSError, ValueError):
            message = None
        if message is None:  # the client is gone (killed): so is its run, as it would be in-process
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
            break
        if message.get("op") == "signal" and message.get("signal") in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            os.kill(child, message["signal"])
    _, status = os.waitpid(child, 0)
    os.close(pidfd)
    with contextlib.suppress(OSError):
        handover.send(conn, {"exit": os.waitstatus_to_exitcode(status)})


def _declined(request: dict[str, Any], fds: list[int], state: _State) -> str | None:
    """Why this server must not run the request (the client then runs it), or None."""
    env, argv = request.get("env"), request.get("argv")
    if not (request.get("identity") == state.ident and len(fds) == handover.FDS
            and isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())
            and isinstance(argv, list) and all(isinstance(a, str) for a in argv)
            and isinstance(request.get("cwd"), str) and isinstance(request.get("umask"), int)
            and isinstance(request.get("streams"), list) and len(request["streams"]) == 3):
        return "another identity or a malformed request"
    differs = [k for k, v in state.import_env.items() if k == "*" or env.get(k) != v]
    return f"{differs} differ from when the server started (preloaded modules read them)" if differs else None


def _enter(request: dict[str, Any], fds: list[int]) -> None:
    """Take on the client's working directory, standard streams, environment, umask and arguments."""
    stdin, stdout, stderr, cwd = fds
    os.fchdir(cwd)
    if os.getcwd() != request["cwd"]:  # another mount namespace or root: paths would not mean the same
        raise ValueError("the working directory has another path here")
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
    while fds:
        os.close(fds.pop())
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(request["umask"])
    sys.argv[:] = request["argv"]
    sys.stdin, sys.stdout, sys.stderr = (handover.stream(fd, described)
                                         for fd, described in enumerate(request["streams"]))
    for name in handover.STREAMS:  # what Python set up at start-up, as far as anything asks
        setattr(sys, f"__{name}__", getattr(sys, name))
    if "rich" in sys.modules:  # rich notes the working directory when imported (for tracebacks)
        setattr(sys.modules["rich"], "_IMPORT_CWD", os.path.abspath(os.getcwd()))  # noqa: B010
    # as the client has it: Python's Ctrl-C handler, or ignored (then for git too), whatever the server inherited
    signal.signal(signal.SIGINT, signal.default_int_handler if request.get("interrupt") else signal.SIG_IGN)
