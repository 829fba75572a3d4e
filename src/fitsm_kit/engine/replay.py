"""Replaying a check: when no input of ``fitsm check`` changed, print what the last run printed.

A pre-commit hook or an editor runs the same ``fitsm check`` again and again. Even with the result cache
(:mod:`.cache`) such a run imported the command-line framework, the pydantic models and every rule
(~0.3 s) before it found its cached result. This module lets :mod:`fitsm_kit.cli` answer from a record of
the last run's output — its standard output and error, in the order written, and its exit code — having
imported only what reads the inputs: no pydantic, no YAML parser, no rule, no typer, no rich.

The record is used only when its key matches, and the key covers every input of the run:

- the program: fitsm-kit's version and code (every ``.py`` / ``.yaml`` file of the package, by size and
  modification time), the installed distributions (names and versions in ``site-packages``), Python;
- the invocation: the arguments, the working directory, the whole environment (locale, colours, CI
  variables, ``GIT_INDEX_FILE``, ``FITSM_CACHE_KEY``…), which standard streams are terminals and their size;
- the date that counts as today (the configuration's ``as_of`` and ``--as-of`` are in the bytes and
  arguments above);
- the SMS: its root, the bytes of ``fitsm.yaml``, ``pyproject.toml`` and ``fitsm-baseline.json`` there, and
  the name, link status and bytes of every SMS file (discovered with the exclusions the configuration
  gave the recorded run: the configuration's bytes are in the key, so they are the same);
- Git: HEAD, the branch it names, every branch and remote ref, packed refs, replace refs, grafts, the
  shallow list, the index (path, size, modification time) and what ``git status`` reports below the SMS
  (staged, modified and untracked files, after every ignore rule).

The full run takes a :func:`snapshot` of everything but the SMS files before it starts and again after
it printed; the record is stored only when both agree (nothing changed under the run), and its key
hashes exactly the SMS bytes that run checked. Like the result cache, the record lives inside ``.git``
(or the user's cache directory) and is sealed with the per-user key (:mod:`fitsm_kit.sealed`), so a
record copied from elsewhere is never replayed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit import __version__, sealed
from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol.repo import cache_dir, status, user_cache, work_tree
from fitsm_kit.sms.discovery import Source, read_sources
from fitsm_kit.sms.files import LoadProblem, read_file
from fitsm_kit.sms.pyproject import PYPROJECT
from fitsm_kit.sms.root import CONFIG_NAME

TYPE_CHECKING = False  # not typing's: this module is imported before anything else a replayed run needs
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1
NAME = "last-output.json"
HELP_RECORDS = 16  # help records kept in the user's cache directory
BASELINE = "fitsm-baseline.json"  # engine.baseline.FILE; a test keeps them equal (importing it costs)
_PACKAGE = Path(__file__).resolve().parent.parent  # fitsm_kit


@dataclass(frozen=True)
class Output:
    """What a run printed: (stream, text) in the order written (1 standard output, 2 standard error), and
    its exit code."""

    chunks: tuple[tuple[int, str], ...]
    code: int


_CODE: list[str] = []  # this process's code fingerprint, once read


def code_fingerprint(*, again: bool = False) -> str:
    """Changes whenever fitsm-kit's code or data changes, also in an editable install without a version bump.

    Read once per process (~7 ms; a check's replay snapshot, result-cache key and closing snapshot ask for
    it), unless ``again``: a preloaded server asks again to see whether it must exit. Code changed during a
    run only keys its records to the code it started with, which no later run matches.
    """
    if again or not _CODE:
        stats = sorted((str(p.relative_to(_PACKAGE)), p.stat().st_mtime_ns, p.stat().st_size)
                       for p in _PACKAGE.rglob("*") if p.suffix in (".py", ".yaml", ".txt"))
        _CODE[:] = [hashlib.blake2b(repr(stats).encode(), digest_size=16).hexdigest()]
    return _CODE[0]


def _invocation(argv: Sequence[str]) -> list[str]:
    """The program and how it was invoked: what every record's key covers."""
    return [str(FORMAT), __version__, code_fingerprint(), distributions(), sys.version, sys.executable,
            json.dumps(list(argv)), os.getcwd(), json.dumps(sorted(os.environ.items())), _terminals(),
            dt.date.today().isoformat()]


def _digest(parts: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def help_snapshot(argv: Sequence[str]) -> str | None:
    """The digest of every input of ``fitsm ARGV`` when it asks for help: the program and the invocation (help
    reads no SMS and no Git); None when part of it cannot be read."""
    try:
        return _digest(_invocation(argv))
    except (OSError, ValueError):
        return None


def load_help(state: str) -> Output | None:
    """The recorded help of a run with inputs ``state`` (a :func:`help_snapshot`), if there is one."""
    try:
        data = sealed.unseal(f"help\0{FORMAT}\0{state}", (user_cache() / "help" / f"{state}.json").read_bytes())
        return None if data is None else _output(json.loads(data.decode("ascii")))
    except Exception:  # noqa: BLE001 - a missing, damaged or unreadable record is a miss: the full run decides
        return None


def store_help(state: str, output: Output) -> None:
    """Record the help a run printed, beside at most :data:`HELP_RECORDS` others (the oldest go: one per
    command and terminal width a user asks help for); any failure only means the next run is a full one."""
    payload = {"chunks": [list(c) for c in output.chunks], "code": output.code}
    blob = sealed.seal(f"help\0{FORMAT}\0{state}", json.dumps(payload).encode("ascii"))
    if blob is not None:
        directory = user_cache() / "help"
        with contextlib.suppress(OSError):
            _write_atomically(directory, f"{state}.json", blob)
            records = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            for old in records[:-HELP_RECORDS]:
                old.unlink(missing_ok=True)


def snapshot(root: Path, argv: Sequence[str], *, again: bool = False) -> str | None:
    """The digest of every input of ``fitsm ARGV`` but the SMS files; None when part of it cannot be read
    (then nothing is recorded or replayed). ``again``: ask git status anew (see :func:`.repo.status`), for
    the snapshot that tells whether anything changed under a run."""
    try:
        parts = [*_invocation(argv), str(root.resolve())]
        for name in (CONFIG_NAME, PYPROJECT, BASELINE):
            parts.append(_file(root / name))
        parts.append(git_state(root, again=again))
    except (OSError, ValueError, FitsmError):
        return None
    return _digest(parts)


def key(state: str, exclude: Sequence[str], sources: Sequence[Source]) -> str | None:
    """The key of a run with inputs ``state`` (a :func:`snapshot`) that checked ``sources``; None when a file
    could not be read (its bytes are not known, so nothing is recorded)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{state}\0{json.dumps(list(exclude))}\0".encode())
    for source in sources:
        if source.data is None:
            return None
        digest.update(f"\0{source.rel}\0{source.link}\0{len(source.data)}\0".encode("utf-8", "surrogateescape"))
        digest.update(source.data)
    return digest.hexdigest()


def load(root: Path, state: str) -> Output | None:
    """The recorded output of the last run on this SMS when its key matches a run with inputs ``state`` (a
    :func:`snapshot`) and the SMS files as they are now; None otherwise."""
    try:
        data = sealed.unseal(_context(root), (cache_dir(root) / NAME).read_bytes())
        if data is None:
            return None
        record = json.loads(data.decode("ascii"))
        exclude = [str(p) for p in record["exclude"]]
        sources = read_sources(root, exclude)
        if key(state, exclude, sources) != record["key"]:
            return None
        return _output(record)
    except Exception:  # noqa: BLE001 - a missing, old, damaged or unreadable record is a miss: the full run decides
        return None


def _output(record: dict[str, Any]) -> Output | None:
    chunks = tuple((int(fd), str(text)) for fd, text in record["chunks"])
    if any(fd not in (1, 2) for fd, _ in chunks):
        return None
    return Output(chunks, int(record["code"]))


def store(root: Path, record_key: str, exclude: Sequence[str], output: Output) -> None:
    """Record ``output`` under ``record_key``; any failure only means the next run is a full one."""
    payload = {"key": record_key, "exclude": list(exclude), "chunks": [list(c) for c in output.chunks],
               "code": output.code}
    blob = sealed.seal(_context(root), json.dumps(payload).encode("ascii"))  # ASCII: lone surrogates survive
    if blob is not None:
        with contextlib.suppress(OSError):
            _write_atomically(cache_dir(root), NAME, blob)


def _write_atomically(directory: Path, name: str, blob: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    try:
        tmp.write_bytes(blob)
        os.replace(tmp, directory / name)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def _context(root: Path) -> str:
    return f"replay\0{FORMAT}\0{root.resolve()}"


def _file(path: Path) -> str:
    """A file's bytes as a string for the key (hex), or why it has none."""
    if not path.exists() and not path.is_symlink():
        return "absent"
    data = read_file(path)
    if isinstance(data, LoadProblem):
        raise OSError(f"{path}: {data.message}")
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def distributions() -> str:
    """The names (with versions) of the distributions installed where Python finds packages."""
    names = []
    for entry in sys.path:
        if entry.endswith("-packages") and os.path.isdir(entry):
            names += sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info", ".pth")))
    return "\n".join(names)


def _terminals() -> str:
    """Which standard streams are terminals, and the size of those that are: colours and widths follow them."""
    parts = []
    for fd in (0, 1, 2):
        try:
            parts.append(f"{fd}:{os.get_terminal_size(fd)}" if os.isatty(fd) else f"{fd}:-")
        except OSError:
            parts.append(f"{fd}:?")
    return " ".join(parts)


def git_state(root: Path, *, again: bool = False) -> str:
    """HEAD, every branch and remote ref, packed and replace refs, grafts, the shallow list and the index,
    read from files, and what ``git status`` reports below the SMS. Every ref, not only the default
    branch's: which branch is the default comes from the configuration, which this module does not parse.
    The result cache (:mod:`.cache`) keys on it too."""
    git_dir = cache_dir(root).parent
    if git_dir.name != ".git" and not _is_file(git_dir / "HEAD"):
        return "no-git"
    common = git_dir
    with contextlib.suppress(OSError):  # a linked worktree keeps its branches in the common directory
        common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    parts = [f"{git_dir}", _text(git_dir / "HEAD"), _text(common / "packed-refs"), _text(common / "shallow"),
             _text(git_dir / "shallow"), _text(common / "info" / "grafts")]
    head = parts[1].strip()
    if head.startswith("ref:"):
        parts.append(_text(git_dir / head[4:].strip()) or _text(common / head[4:].strip()))
    for where in ("refs/heads", "refs/remotes", "refs/replace"):
        for directory, _, files in sorted(os.walk(common / where)):
            parts += [f"{directory}/{name}={_text(Path(directory, name))}" for name in sorted(files)]
    index = os.environ.get("GIT_INDEX_FILE") or str(git_dir / "index")
    try:
        st = os.stat(index)  # a relative GIT_INDEX_FILE is relative to the working directory, in the key
        parts.append(f"{index}:{st.st_mtime_ns}:{st.st_size}:{st.st_ino}")
    except OSError:
        parts.append("no-index")
    parts.append(_status(root, again=again))
    return "\0".join(parts)


def _status(root: Path, *, again: bool = False) -> str:
    """What git reports as changed below the SMS: staged, modified and untracked files that are not ignored
    (history counts them as uncommitted changes). Asked from git, as history asks it, rather than modelled:
    ignore rules come from many files and settings."""
    top = work_tree(root)
    if top is None:
        return "no-work-tree"
    real = root.resolve()
    where = real.relative_to(top).as_posix() if real != top else "."
    return status(top, where, again=again).decode("utf-8", "surrogateescape")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # an unreadable cache directory outside Git: there is no Git state to read
        return False


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
