"""The history cache: one sealed file per recent HEAD, so a check after new commits reads only those.

A check asks :func:`start` for the history at HEAD. When a cache file for HEAD verifies, that is it.
Otherwise the history is built in a forked process (git and the parsing of its output run on another
core while the caller loads the SMS): from the cached history of the nearest commit on HEAD's
first-parent chain, extended by the commits since (:func:`fitsm_kit.gitcontrol.history.build`), else
from scratch. The result is stored and all but the newest :data:`KEEP` history files are removed.

Cache files are JSON (never marshal or pickle, which are not safe against crafted data) sealed with an
HMAC (:mod:`fitsm_kit.sealed`) over the format, prefix, file selection and the commit they describe. The
history of a commit depends only on the commits it descends from, so a file is valid in any clone of
the repository: a CI cache restored from another run is used when it was sealed with the same key
(``FITSM_CACHE_KEY``, see the README). A file that does not verify (damaged, truncated, made with another
key or for another commit) is ignored with a notice, never trusted; its name is only a hint of which
commit it claims to describe.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import marshal
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from fitsm_kit import sealed
from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol.gitlog import Commit
from fitsm_kit.gitcontrol.history import FORMAT, Change, History, build
from fitsm_kit.gitcontrol.repo import run_git

# How a notice about this run's history cache begins: a fact about the cache, not the SMS, so a result that
# carries one is not stored for replay (the next run finds the cache rebuilt).
CACHE_NOTICE = "the history cache "

KEEP = 4  # history files kept: the current one and a few recent commits (other branches, the last push)
_CANDIDATES = 8  # cached commits tried as a base, newest first
_NAME = re.compile(r"history-([0-9a-f]{24})-([0-9a-f]{40}(?:[0-9a-f]{24})?)\.json\Z")


def start(top: Path, prefix: str, head: str, cache_dir: Path | None,
          exclude: Iterable[str] = ()) -> Callable[[], History]:
    """Begin reading the history at ``head`` (see :func:`fitsm_kit.gitcontrol.history.build` for
    ``prefix`` and ``exclude``); call the result to get it.

    Without ``fork`` (Windows), in a process with threads, or when the child fails, the history is built
    in this process when asked for, which raises what a direct build raises.
    """
    exclude = tuple(exclude)
    scope = hashlib.blake2b(json.dumps([FORMAT, prefix, exclude]).encode("utf-8", "surrogateescape"),
                            digest_size=12).hexdigest()
    cache = _Cache(cache_dir, scope, prefix, exclude) if cache_dir is not None else None

    notices: list[str] = []
    if cache is not None:
        current = cache.load(head, notices)
        if current is not None:
            current.notices = tuple(notices)
            return lambda: current

    def compute() -> History:
        found = list(notices)  # the file for HEAD, when one did not verify
        history = None
        for base in cache.bases(top, head, found) if cache is not None else ():
            history = build(top, prefix, head, exclude, base)
            if history is not None:
                break
        if history is None:
            history = build(top, prefix, head, exclude)
            assert history is not None  # a build from scratch has no base to refuse
        history.notices = tuple(found)
        return history

    def store(data: bytes) -> None:
        if cache is not None:
            cache.store(head, data)

    if _may_fork():
        return _in_child(compute, store)

    def here() -> History:
        history = compute()
        store(_encode(history))
        return history

    return here


def _may_fork() -> bool:
    # fork only a single-threaded process: a forked thread's locks could hang the child
    return hasattr(os, "fork") and threading.active_count() == 1


class _Cache:
    """The sealed history files of one scope (format, prefix, selection) in a cache directory."""

    def __init__(self, directory: Path, scope: str, prefix: str, exclude: tuple[str, ...]) -> None:
        self.directory, self.scope, self.prefix, self.exclude = directory, scope, prefix, exclude

    def path(self, head: str) -> Path:
        return self.directory / f"history-{self.scope}-{head}.json"

    def context(self, head: str) -> str:
        return json.dumps(["history", FORMAT, self.prefix, self.exclude, head])

    def load(self, head: str, notices: list[str]) -> History | None:
        """The cached history at ``head`` when its file verifies; a notice when one is there but does not."""
        path = self.path(head)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        history = _decode(sealed.unseal(self.context(head), blob))
        if history is None or history.head != head:
            notices.append(f"{CACHE_NOTICE}{path.name} does not verify (damaged, or sealed with another key): "
                           "ignored, and history read from Git; to share the cache between CI runs, see "
                           "FITSM_CACHE_KEY in the README")
            return None
        return history

    def bases(self, top: Path, head: str, notices: list[str]) -> Iterable[History]:
        """Cached histories of commits on ``head``'s first-parent chain, nearest first."""
        try:
            files = sorted(self.directory.glob(f"history-{self.scope}-*.json"),
                           key=lambda p: p.stat().st_mtime, reverse=True)[:_CANDIDATES]
        except OSError:
            return
        near: list[tuple[int, str]] = []
        for path in files:
            match = _NAME.match(path.name)
            if match is None or match.group(2) == head:
                continue
            distance = _distance(top, match.group(2), head)
            if distance is not None:
                near.append((distance, match.group(2)))
        for _, sha in sorted(near):
            history = self.load(sha, notices)
            if history is not None:
                yield history

    def store(self, head: str, data: bytes) -> None:
        """Write the sealed history atomically and keep only the newest files; failures are ignored."""
        blob = sealed.seal(self.context(head), data)
        if blob is None:
            return  # no key: an unsealed cache could not be trusted later
        path = self.path(head)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".history-", suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.replace(tmp, path)
            _prune(path.parent, path)
        except OSError:
            pass


def _prune(directory: Path, newest: Path) -> None:
    """Remove all but the :data:`KEEP` newest history files (any scope), and temporary files of stopped runs."""
    dated = []
    for path in directory.glob("*history-*"):
        if path.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < newest.stat().st_mtime - 3600:  # another run may be writing it now
                    path.unlink()
            continue
        with contextlib.suppress(OSError):
            dated.append((path == newest, path.stat().st_mtime, path))
    for _, _, path in sorted(dated, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)


def _distance(top: Path, ancestor: str, head: str) -> int | None:
    """How many first-parent steps lead from ``head`` back to ``ancestor``; None when it is not on that chain."""
    try:
        out = run_git(top, "rev-list", "--first-parent", "--parents", head, "--not", ancestor).split(b"\n")
    except FitsmError:
        return None  # e.g. a cached commit this clone does not have
    lines = [line.split() for line in out if line]
    if not lines or len(lines[-1]) < 2 or lines[-1][1].decode() != ancestor:
        return None
    return len(lines)


def _in_child(compute: Callable[[], History], store: Callable[[bytes], None]) -> Callable[[], History]:
    """Run ``compute`` in a forked child that sends the history back, then stores it; if the child fails,
    run it here."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: leave without running the parent's exit handlers or flushing its buffers
        status = 1
        try:
            os.close(read_end)
            quiet = os.open(os.devnull, os.O_RDWR)  # the parent's stdout may be a pipe someone waits on
            for fd in (0, 1, 2):
                os.dup2(quiet, fd)
            history = compute()
            with os.fdopen(write_end, "wb") as out:
                out.write(_pack(history))
            store(_encode(history))  # the caller has the history now; storing it is no longer in anyone's way
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    reap = functools.partial(_reap, pid)
    atexit.register(reap)  # a run that ends before it needs the history stops the child

    def result() -> History:
        atexit.unregister(reap)
        with os.fdopen(read_end, "rb") as pipe:
            history = _unpack(pipe.read())  # None if the child failed before sending all of it
        if history is not None and _BEHIND:
            _STORING.append(pid)  # it stores the cache (~0.1 s on a large history) while the check goes on
            return history
        os.waitpid(pid, 0)  # it stored the cache meanwhile
        if history is None:
            history = compute()
            store(_encode(history))
        return history

    return result


_BEHIND = False  # see store_behind
_STORING: list[int] = []  # readers that sent their history and may still be storing it


def store_behind() -> None:
    """This process runs one command and calls :func:`stored` at its end: a reader that has sent the history
    stores the cache while the command goes on, not while it waits. (Without this, as in a library use, the
    history is returned once the cache is stored.)"""
    global _BEHIND
    _BEHIND = True


def stored() -> None:
    """Wait until the history readers of this process have stored the cache: a command's last step, so that
    the next command finds it. A reader stores it after sending the history, while the check goes on, so
    by then it has nearly always finished."""
    while _STORING:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_STORING.pop(), 0)


def _reap(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _pack(history: History) -> bytes:
    """The history as the forked reader sends it to the process that forked it: :mod:`marshal`, which reads
    and writes tuples several times faster than JSON (the cache, which anyone could write, is JSON). Only
    this process's own child writes the pipe, with this same code."""
    return marshal.dumps((history.head, [tuple(c) for c in history.commits],
                          {d: [tuple(c) for c in cs] for d, cs in history.documents.items()}, history.notices))


def _unpack(data: bytes) -> History | None:
    try:
        head, commits, documents, notices = marshal.loads(data)
        return History(head, [Commit._make(c) for c in commits],
                       {d: [Change._make(c) for c in cs] for d, cs in documents.items()}, notices)
    except (EOFError, ValueError, TypeError):
        return None  # the child ended before it sent all of it


def _encode(history: History) -> bytes:
    return json.dumps([history.head, history.commits, history.documents], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8", "surrogateescape")


def _decode(data: bytes | None) -> History | None:
    if not data:
        return None
    try:
        head, commits, documents = json.loads(data.decode("utf-8", "surrogateescape"))
        return History(head, [Commit(c[0], c[1], c[2], c[3], c[4], c[5], c[6], tuple((k, v) for k, v in c[7]), c[8],
                                     tuple(c[9]))
                              for c in commits],
                       {d: [Change(*c) for c in cs] for d, cs in documents.items()})
    except (ValueError, TypeError, AttributeError, IndexError):
        return None  # a damaged or old cache is a miss
