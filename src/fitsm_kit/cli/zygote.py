"""The preloaded server of ``fitsm server start``: a process that has paid the imports, forking one run per check.

``fitsm check`` spends most of its first run after a change importing typer, rich, pydantic (which builds
every model's validator) and the rules. This process imports them once (:data:`PRELOAD`), then waits on a
Unix socket in a directory only its user can enter (:func:`~.handover.socket_dir`), named after
:func:`~.handover.identity` so a client with other code or other Python settings never reaches it.

For each check it forks (so nothing one check computes survives to the next) a process that takes the
client's standard input, output and error (passed as descriptors), working directory, environment, umask
and arguments, and forks once more the run itself: the same path as ``fitsm check`` in the client's own
process from where :mod:`~fitsm_kit.cli.fast` left it (recording its output for the next replay). The
middle process passes the client's signals on and sends back the run's exit status.

What it deliberately does not preload: ``fitsm_kit.cli`` (its consoles read the terminal, ``NO_COLOR`` and
the like when created) — each run imports it afresh. Environment variables that preloaded modules read
while being imported (``TYPER_USE_RICH``…) are recorded; a client whose values differ runs in-process.
The time zone is set again (``time.tzset``) and rich's import-time working directory is corrected.

It exits after ``--idle`` minutes without a request, on ``fitsm server stop`` or SIGTERM, and within
:data:`CHECK_EVERY` seconds of fitsm-kit's installed code or distributions changing (its identity no longer
being the one it loaded). It has no terminal (own session, standard streams on ``/dev/null``) and logs
nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import io
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
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
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # what a client passes on to its run
START_WAIT = 60.0  # seconds `fitsm server start` waits for the server to be ready


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


# --- starting, stopping, asking (the `fitsm server` commands) -----------------------------------------------

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
    deadline = time.monotonic() + START_WAIT
    with open(read_end, "rb", buffering=0) as ready:
        while (left := deadline - time.monotonic()) > 0 and select.select([ready], [], [], left)[0]:
            chunk = ready.read(4096)
            if not chunk:
                break
            answer += chunk
    word, _, rest = answer.decode("utf-8", "replace").partition(" ")
    if word in ("started", "running") and rest.isdigit():
        return word, int(rest)
    raise RuntimeError(rest or "it did not say it was ready")


def ask(path: str, op: str) -> dict[str, Any] | None:
    """The answer of the server at ``path`` to ``op`` (status, stop); None when none answers there."""
    try:
        with handover.connect(path, 5.0) as sock:
            handover.send(sock, {"op": op})
            return handover.receive(sock)
    except (OSError, ValueError):
        return None


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
        answer = ask(path, "stop")
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


# --- the server process ---------------------------------------------------------------------------------------

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
    ident = handover.identity()
    if ident != expected:
        raise RuntimeError("this server's Python settings differ from the command's (an interpreter flag or "
                           "import path fitsm server start cannot pass on)")
    path = os.path.join(directory, handover.socket_name(ident))
    lock = os.open(path[: -len(".sock")] + ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another server for this identity runs, or is starting
        deadline = time.monotonic() + START_WAIT
        while (answer := ask(path, "status")) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        _tell(ready, f"running {answer.get('pid') if answer else 0}")
        return
    import_env = preload()
    if handover.identity() != ident:
        raise RuntimeError("fitsm-kit's installed code changed while the server started; start it again")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)  # the socket is the user's only (its directory is too)
    try:
        listener.bind(path)
    finally:
        os.umask(umask)
    listener.listen(64)
    state = _State(ident, path, os.stat(path).st_ino, idle, import_env)
    signal.signal(signal.SIGTERM, _exit_on_signal)
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


def _exit_on_signal(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


class _Watched(MutableMapping[str, str]):
    """``os.environ`` while preloading, noting every variable a module reads ("*" when one reads them all)."""

    def __init__(self, env: MutableMapping[str, str]) -> None:
        self.env, self.read = env, set[str]()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return self.env[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.read.add(key)
        self.env[key] = value

    def __delitem__(self, key: str) -> None:
        self.read.add(key)
        del self.env[key]

    def __iter__(self) -> Iterator[str]:
        self.read.add("*")
        return iter(self.env)

    def __len__(self) -> int:
        self.read.add("*")
        return len(self.env)

    def copy(self) -> dict[str, str]:
        self.read.add("*")
        return dict(self.env)


def preload() -> dict[str, str | None]:
    """Import :data:`PRELOAD`; the environment variables read meanwhile, with their values then."""
    watched = _Watched(os.environ)
    setattr(os, "environ", watched)  # noqa: B010 - os.getenv and `os.environ` lookups see the watcher
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    finally:
        setattr(os, "environ", watched.env)  # noqa: B010
    if "*" in watched.read:
        return {"*": json.dumps(sorted(os.environ.items()))}
    return {key: os.environ.get(key) for key in sorted(watched.read)}


def _loop(listener: socket.socket, lock: int, state: _State) -> None:
    next_look = time.monotonic() + CHECK_EVERY
    while True:
        now = time.monotonic()
        left = state.last + state.idle - now
        if left <= 0:
            return  # idle long enough
        readable, _, _ = select.select([listener], [], [], max(0.0, min(left, next_look - now)))
        _reap()
        if readable and _accept(listener, lock, state):
            return  # asked to stop
        if time.monotonic() >= next_look:
            next_look = time.monotonic() + CHECK_EVERY
            if _stale(state):
                return


def _stale(state: _State) -> bool:
    """Whether the installed code changed, or the socket is gone (nobody can reach this server)."""
    try:
        return handover.identity() != state.ident or os.stat(state.path).st_ino != state.inode
    except OSError:
        return True


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


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
    """In the forked process of one request: take on the client's setting, fork the run, relay signals,
    send its exit status."""
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
    child = os.fork()
    if child == 0:
        conn.close()
        os.close(go_write)
        if os.read(go_read, 1) != b"g":
            os._exit(0)  # the client fell back to running it itself
        os.close(go_read)
        _check(request)
    os.close(go_read)
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
        if message.get("op") == "signal" and message.get("signal") in SIGNALS:
            os.kill(child, message["signal"])
    _, status = os.waitpid(child, 0)
    os.close(pidfd)
    with contextlib.suppress(OSError):
        handover.send(conn, {"exit": os.waitstatus_to_exitcode(status)})


def _declined(request: dict[str, Any], fds: list[int], state: _State) -> str | None:
    """Why this server must not run the request (the client then runs it), or None."""
    if request.get("identity") != state.ident:
        return "another identity"
    if len(fds) != handover.FDS:
        return "descriptors missing"
    env = request.get("env")
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        return "no environment"
    if "*" in state.import_env:
        return "a preloaded module read the whole environment"
    differs = [k for k, v in state.import_env.items() if env.get(k) != v]
    if differs:
        return f"{', '.join(differs)} differ from when the server started (preloaded modules read them)"
    if not (isinstance(request.get("argv"), list) and all(isinstance(a, str) for a in request["argv"])
            and isinstance(request.get("cwd"), str) and isinstance(request.get("umask"), int)
            and isinstance(request.get("streams"), list) and len(request["streams"]) == 3):
        return "malformed request"
    return None


def _enter(request: dict[str, Any], fds: list[int]) -> None:
    """Take on the client's working directory, standard streams, environment, umask and arguments."""
    stdin, stdout, stderr, cwd = fds
    os.fchdir(cwd)
    if os.getcwd() != request["cwd"]:  # another mount namespace or root: paths would not mean the same
        raise ValueError("the working directory has another path here")
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
    for fd in fds:
        os.close(fd)
    fds.clear()
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(request["umask"])
    sys.argv[:] = request["argv"]
    sys.stdin, sys.stdout, sys.stderr = (_stream(fd, name, described) for fd, (name, described)
                                         in enumerate(zip(handover.STREAMS, request["streams"], strict=True)))
    for name in handover.STREAMS:  # what Python set up at start-up, as far as anything asks
        setattr(sys, f"__{name}__", getattr(sys, name))
    if "rich" in sys.modules:  # rich notes the working directory when imported (for tracebacks)
        setattr(sys.modules["rich"], "_IMPORT_CWD", os.path.abspath(os.getcwd()))  # noqa: B010
    if not request.get("interrupt"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ignored in the client: stays ignored, for git too


def _stream(fd: int, name: str, described: list[Any]) -> io.TextIOWrapper:
    """A standard stream on ``fd`` set up as Python set up the client's (see Python's ``create_stdio``)."""
    encoding, errors, line_buffering, write_through, buffered = described
    binary = io.open(fd, "rb" if fd == 0 else "wb", -1 if buffered else 0, closefd=False)  # noqa: SIM115, UP020 - the stream's
    setattr(getattr(binary, "raw", binary), "name", f"<{name}>")  # noqa: B010 - as Python names them
    return io.TextIOWrapper(binary, str(encoding), str(errors), "\n", bool(line_buffering), bool(write_through))


def _check(request: dict[str, Any]) -> NoReturn:
    """The run: ``fitsm check`` as :func:`fitsm_kit.cli.run` goes on after the replay missed."""
    record = request.get("record")
    if isinstance(record, list) and len(record) == 2:
        from fitsm_kit.cli import fast

        fast.record(Path(str(record[0])), str(record[1]), sys.argv[1:])
    from fitsm_kit.cli.application import run as run_app

    run_app()
