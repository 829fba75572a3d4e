"""Handing a ``fitsm check`` over to a preloaded server (``fitsm server start``), and the message format.

:func:`hand_over` runs in :func:`fitsm_kit.cli.run` after the replayed output missed and before typer, rich,
pydantic or any rule is imported, so it imports only cheap modules (``socket``, ``json``, ``struct``,
``array``). It finds the server for exactly this code and these Python settings (:func:`identity` names its
socket), sends the invocation (argv, environment, working directory, umask, how the standard streams are set
up, the replay record begun by :mod:`~fitsm_kit.cli.fast`) with the descriptors of the standard streams and
the working directory (``SCM_RIGHTS``), passes SIGINT, SIGTERM and SIGHUP on, and ends with the run's exit
status. Whatever goes wrong before the server says the run started, it returns and the check runs in this
process, exactly as without a server. The server is :mod:`fitsm_kit.cli.zygote`. A message is a 4-byte
big-endian length and a JSON object (ASCII: lone surrogates of undecodable environment bytes survive).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import struct
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket
    from typing import Any

PROTOCOL = 1
MAX_MESSAGE = 1 << 20  # an environment is a few kilobytes; a megabyte leaves room and bounds a bad peer
FDS = 4  # standard input, output, error and the working directory
START_TIMEOUT = 10.0  # seconds for the server to say the run started (it forks at once)
START_WAIT = 60.0  # seconds `fitsm server start` waits for the server to be ready
STREAMS = ("stdin", "stdout", "stderr")


def supported() -> bool:
    """Whether this platform has what the server needs: fork, Unix sockets with descriptor passing, the
    peer's credentials and process descriptors (Linux); elsewhere every check runs in-process."""
    import socket

    return (hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(socket, "AF_UNIX")
            and hasattr(socket, "SO_PEERCRED") and hasattr(socket, "SCM_RIGHTS"))


def identity(*, again: bool = False) -> str:
    """What a server must share with a client to run its checks as the client would: fitsm-kit's code and the
    installed distributions (as :mod:`~fitsm_kit.engine.replay` keys a record), the interpreter, the
    Python settings fixed at start-up (flags, ``-X`` options, warning options, ``PYTHON*`` variables, the
    locale variables that choose the encodings, the import path) and the user and groups files are
    opened as. A client whose identity differs talks to another server or to none. ``again``: read the code
    afresh (a server, which lives on while the code may change), not as this process first read it."""
    import hashlib

    parts = json.dumps(identity_parts(again=again), sort_keys=True)
    return hashlib.blake2b(parts.encode("ascii"), digest_size=32).hexdigest()


def identity_parts(*, again: bool = False) -> dict[str, object]:
    from fitsm_kit import __version__
    from fitsm_kit.engine import replay

    env = {k: v for k, v in os.environ.items()
           if k.startswith(("PYTHON", "LC_")) or k in ("LANG", "LANGUAGE")}
    parts: dict[str, object] = {
        "protocol": PROTOCOL, "version": __version__, "code": replay.code_fingerprint(again=again),
        "distributions": replay.distributions(),
        "python": [sys.version, sys.executable, sys.prefix, sys.base_prefix, sys.platform],
        "flags": list(sys.flags), "xoptions": sorted(map(str, sys._xoptions.items())),
        "warnoptions": sys.warnoptions, "path": sys.path, "env": sorted(env.items()),
        "encodings": [sys.getfilesystemencoding(), sys.getfilesystemencodeerrors(), sys.getdefaultencoding()],
        "ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups())],
    }
    return parts


def socket_name(ident: str) -> str:
    return f"{ident[:24]}.sock"  # short: a Unix socket path holds at most 107 bytes


class Refused(Exception):
    """The socket directory is not private to this user."""


def socket_dir(create: bool = False) -> str:
    """The directory of this user's server sockets: ``$XDG_RUNTIME_DIR/fitsm-kit`` when that runtime
    directory is this user's with mode 0700, else ``fitsm-kit-UID`` in the temporary directory. It must be
    a real directory (not a symbolic link) owned by this user with mode 0700, or :class:`Refused`."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime) and _private(runtime):
        path = os.path.join(runtime, "fitsm-kit")
    else:
        tmp = os.environ.get("TMPDIR", "")
        path = os.path.join(tmp if os.path.isabs(tmp) and os.path.isdir(tmp) else "/tmp", f"fitsm-kit-{os.getuid()}")
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError as e:
            raise Refused(f"cannot create {path}: {e.strerror}") from None
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise Refused(f"{path} does not exist") from None
    except OSError as e:
        raise Refused(f"cannot read {path}: {e.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise Refused(f"{path} is not a directory (a symbolic link or another file)")
    if info.st_uid != os.getuid():
        raise Refused(f"{path} belongs to user {info.st_uid}, not to you ({os.getuid()})")
    if stat.S_IMODE(info.st_mode) != 0o700:
        raise Refused(f"{path} has mode {stat.S_IMODE(info.st_mode):o}, not 700")
    return path


def _private(path: str) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    """Send one message, with ``fds`` attached to its first byte."""
    data = json.dumps(message, ensure_ascii=True).encode("ascii")
    if len(data) > MAX_MESSAGE:
        raise ValueError("message too long")
    data = struct.pack(">I", len(data)) + data
    if fds:
        import array
        import socket

        sent = sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        data = data[sent:]
    sock.sendall(data)


def receive(sock: socket.socket, fds: list[int] | None = None) -> dict[str, Any] | None:
    """One message, or None at the end of the stream. With ``fds``, descriptors sent with it are appended
    there (and the caller closes them)."""
    import socket

    head = b""
    while len(head) < 4:
        if fds is not None and not head:
            import array

            room = socket.CMSG_SPACE(FDS * array.array("i").itemsize)
            chunk, ancillary, _, _ = sock.recvmsg(4, room)
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    got = array.array("i")
                    got.frombytes(payload[: len(payload) - len(payload) % got.itemsize])
                    fds.extend(got)
        else:
            chunk = sock.recv(4 - len(head))
        if not chunk:
            if head:
                raise ValueError("message cut short")
            return None
        head += chunk
    (size,) = struct.unpack(">I", head)
    if size > MAX_MESSAGE:
        raise ValueError("message too long")
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ValueError("message cut short")
        data += chunk
    message = json.loads(data.decode("ascii"))
    if not isinstance(message, dict):
        raise ValueError("not a message")
    return message


def connect(path: str, timeout: float | None) -> socket.socket:
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path)
    except BaseException:
        sock.close()
        raise
    return sock


def ask(path: str, op: str) -> dict[str, Any] | None:
    """The answer of the server at ``path`` to ``op`` (status, stop); None when none answers there."""
    try:
        with connect(path, 5.0) as sock:
            send(sock, {"op": op})
            return receive(sock)
    except (OSError, ValueError):
        return None


def streams() -> list[list[object]] | None:
    """How Python set up this process's standard streams (encoding, errors, line buffering, write-through,
    buffered), for the server to set up the same on the descriptors; None when one is missing (a closed
    descriptor at start-up), which only an in-process run reports as it does."""
    described: list[list[object]] = []
    for name in STREAMS:
        stream = getattr(sys, f"__{name}__")
        if not isinstance(stream, io.TextIOWrapper):
            return None
        described.append([stream.encoding, stream.errors, stream.line_buffering, stream.write_through,
                          isinstance(stream.buffer, io.BufferedIOBase)])
    return described


def stream(fd: int, described: list[Any]) -> io.TextIOWrapper:
    """A standard stream on ``fd`` set up as :func:`streams` described (as Python's ``create_stdio`` does)."""
    encoding, errors, line_buffering, write_through, buffered = described
    binary = io.open(fd, "rb" if fd == 0 else "wb", -1 if buffered else 0, closefd=False)  # noqa: SIM115, UP020
    setattr(getattr(binary, "raw", binary), "name", f"<{STREAMS[fd]}>")  # noqa: B010 - as Python names them
    return io.TextIOWrapper(binary, str(encoding), str(errors), "\n", bool(line_buffering), bool(write_through))


def hand_over(record: tuple[str, str] | None) -> None:
    """Run this ``fitsm check`` in the preloaded server for this code, if one is listening, and end this process
    with its exit status; return (and let the caller run it here) if there is none or anything is amiss
    before the run started. ``record`` is the root and input snapshot of a replay record being made."""
    if os.name != "posix":
        return
    main = sys.modules.get("__main__")
    if getattr(main, "__package__", None):  # python -m fitsm_kit: click names the program after the module
        return
    try:
        directory = socket_dir()  # cheap, and absent unless a server was ever started
        ident = identity()
    except (Refused, OSError, ValueError):
        return
    path = os.path.join(directory, socket_name(ident))
    described = streams()
    if described is None or not os.path.exists(path) or not supported():
        return
    import signal

    interrupt = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    try:
        sock = connect(path, START_TIMEOUT)
    except OSError:
        return
    cwd_fd = -1
    try:
        cwd_fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
        umask = os.umask(0o22)
        os.umask(umask)
        request = {"op": "check", "identity": ident, "argv": list(sys.argv), "env": dict(os.environ),
                   "cwd": os.getcwd(), "umask": umask, "streams": described, "record": record,
                   "interrupt": interrupt}
        send(sock, request, [0, 1, 2, cwd_fd])
        reply = receive(sock)
    except (OSError, ValueError):
        sock.close()
        return
    finally:
        if cwd_fd >= 0:
            os.close(cwd_fd)
    if reply is None or not isinstance(reply.get("started"), int):
        sock.close()
        return  # the server declined (or broke) before the run began: run it here
    _wait(sock)


def _wait(sock: socket.socket) -> None:
    """The run started in the server: pass signals on, then end with its exit status."""
    import signal

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(OSError, ValueError):
            send(sock, {"op": "signal", "signal": signum})

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) != signal.SIG_IGN:  # an ignored signal stays ignored, as for the run here
            signal.signal(signum, forward)
    sock.settimeout(None)
    try:
        reply = receive(sock)
    except (OSError, ValueError):
        reply = None
    code = reply.get("exit") if reply is not None else None
    if not isinstance(code, int):
        os.write(2, b"fitsm: internal error: the fitsm server ended this check without an exit status; "
                    b"run 'fitsm server stop' and check again\n")
        os._exit(3)
    if code < 0:  # the run was killed by a signal: end the same way, as the run here would have
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        code = 128 - code
    os._exit(code)
