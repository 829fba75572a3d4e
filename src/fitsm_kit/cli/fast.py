"""``fitsm check`` without the framework when nothing changed: replay the last run's output.

:func:`replay_or_record` runs first, before typer, rich, pydantic or any rule is imported. For an
invocation it can replay (``fitsm check [PATH]`` with output options only, see :func:`replayable`) it
looks for the record of an earlier run whose inputs were all the same (:mod:`fitsm_kit.engine.replay`):
found, it writes the same text to the same streams in the same order and exits with the same code.
Otherwise it starts recording what this run writes, and :func:`finish` (called by the ``check`` command
once it has printed everything) stores it — unless an input changed while the run read it.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from fitsm_kit.sms.discovery import Source

# options of `fitsm check` a record may cover, and whether each takes a value; any other option
# (--output writes a file, --no-cache asks for a full run, --changed-since compares with another commit,
# --help, --install-completion, ...) leaves the run to the full command
_OPTIONS = {"--format": True, "-f": True, "--as-of": True, "--select": True, "--ignore": True, "--fail-on": True,
            "--matrix": False, "--no-baseline": False}


def replayable(argv: Sequence[str]) -> Path | None:
    """The PATH argument of ``fitsm check ...`` (``.`` when none) when a record may cover the run, else None.

    Only the path is read from the arguments; the arguments themselves are part of the record's key, so a
    value that the full command would refuse simply never matches a record.
    """
    if list(argv[:1]) != ["check"]:
        return None
    path: str | None = None
    args = list(argv[1:])
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-"):
            name, has_value, _ = arg.partition("=")
            takes = _OPTIONS.get(name)
            if takes is None or (has_value and not takes) or (has_value and not name.startswith("--")):
                return None
            i += 1 if has_value or not takes else 2
            if i > len(args):
                return None
            continue
        if path is not None:
            return None  # a second operand: a usage error, for the full command to report
        path = arg
        i += 1
    return Path(path if path is not None else ".")


class _Recorder(io.TextIOBase):
    """A standard stream that writes through and remembers what was written, in order with the other one."""

    def __init__(self, stream: TextIO, fd: int, chunks: list[tuple[int, str]]) -> None:
        self.stream, self.fd, self.chunks = stream, fd, chunks

    def write(self, text: str) -> int:
        written = self.stream.write(text)
        self.chunks.append((self.fd, text))
        return written

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "errors", None)


class _Run:
    """The recording of this run: its root (None for help), the snapshot of its inputs when it started, what
    it wrote."""

    def __init__(self, root: Path | None, state: str, argv: list[str]) -> None:
        self.root, self.state, self.argv = root, state, argv
        self.chunks: list[tuple[int, str]] = []


_RUN: _Run | None = None


def replay_or_record(argv: list[str]) -> None:
    """Replay the recorded output of ``fitsm ARGV`` and exit when every input is unchanged; else start
    recording this run's output. Anything unexpected leaves the run to the full command."""
    path = replayable(argv)
    if path is None or sys.stdout is None or sys.stderr is None:
        return
    from fitsm_kit.engine import replay
    from fitsm_kit.errors import FitsmError
    from fitsm_kit.sms.root import find_root

    try:
        root = find_root(path)
    except (FitsmError, OSError):
        return  # the full command reports it
    state = replay.snapshot(root, argv)
    if state is None:
        return
    output = replay.load(root, state)
    if output is not None:
        _write(output)
    record(root, state, argv)


def asks_help(argv: Sequence[str]) -> bool:
    """Whether ``fitsm ARGV`` asks for help (``--help`` before any ``--``): its output depends only on the
    program and the invocation, so it is replayed as a check's is (``fitsm --help`` imports every command)."""
    return "--help" in argv[:argv.index("--")] if "--" in argv else "--help" in argv


def replay_help_or_record(argv: list[str]) -> None:
    """Replay the help ``fitsm ARGV`` printed last time and exit, when nothing it depends on changed; else start
    recording what this run prints, for :func:`finish_help`."""
    if sys.stdout is None or sys.stderr is None:
        return
    from fitsm_kit.engine import replay

    state = replay.help_snapshot(argv)
    if state is None:
        return
    output = replay.load_help(state)
    if output is not None:
        _write(output)
    record(None, state, argv)


def finish_help(code: object) -> None:
    """Store the help this run printed, when it was recording help and exits 0."""
    run = _RUN
    if run is None or run.root is not None or code != 0:
        return
    from fitsm_kit.engine import replay

    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 - the command reports a failed write itself; nothing is recorded
        return
    if replay.help_snapshot(run.argv) == run.state:
        replay.store_help(run.state, replay.Output(tuple(run.chunks), 0))


def record(root: Path | None, state: str, argv: list[str]) -> None:
    """Record what this run writes, for :func:`finish` to store under inputs ``state`` (a snapshot of
    ``root`` taken for ``argv``); also called in a preloaded server's run with the client's snapshot."""
    global _RUN
    _RUN = _Run(root, state, argv)
    sys.stdout = _Recorder(sys.stdout, 1, _RUN.chunks)
    sys.stderr = _Recorder(sys.stderr, 2, _RUN.chunks)


def recording() -> tuple[str, str] | None:
    """The root and input snapshot of the record this run is making, if any (for :mod:`.handover`)."""
    return None if _RUN is None or _RUN.root is None else (str(_RUN.root), _RUN.state)


def finish(exclude: Sequence[str], sources: Sequence[Source], code: int) -> None:
    """Store what this run wrote, when it was recording, exits 0 or 1, and no input changed meanwhile."""
    run = _RUN
    if run is None or run.root is None or code not in (0, 1):
        return
    from fitsm_kit.engine import replay

    try:
        sys.stdout.flush()  # what is recorded is what reached the stream
    except Exception:  # noqa: BLE001 - the command reports a failed write itself; nothing is recorded
        return
    if replay.snapshot(run.root, run.argv, again=True) != run.state:
        return  # something changed while this run read it: its output may belong to neither state
    key = replay.key(run.state, exclude, sources)
    if key is not None:
        replay.store(run.root, key, exclude, replay.Output(tuple(run.chunks), code))


def _write(output: object) -> None:
    """Write a replayed output as the full command does (standard output buffered, standard error not) and
    end the process; a failed write is exit 2 with the command's message."""
    from fitsm_kit.engine.replay import Output

    assert isinstance(output, Output)
    try:
        for fd, text in output.chunks:
            (sys.stdout if fd == 1 else sys.stderr).write(text)
        sys.stdout.flush()
    except OSError as e:
        from fitsm_kit.errors import io_error

        os.write(2, f"fitsm: error: {io_error('write to', 'standard output', e)}\n".encode())
        os._exit(2)
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(output.code)
