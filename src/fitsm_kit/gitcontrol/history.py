"""Per-document history from one ``git log`` pass, cached by HEAD.

One ``git log --raw`` lists every commit with the blobs it changed; one ``git cat-file --batch`` reads
those blobs while the log still streams in; :mod:`fitsm_kit.gitcontrol.doctext` finds the documents in each.
Comparing a commit's documents before and after tells which documents it created, changed, re-stamped
(``metadata.review`` only) or deleted, so a document is followed by its id across renames, moves between
files and files holding several documents. Merge commits are diffed against their first parent: what
a merged pull request brought in.

This uses ``subprocess`` rather than GitPython: GitPython asks git once per object, so per-file history
is ~100x slower (GitPython issues #240, #378; measured in the README's design notes), and its objects
are not needed for reading one text stream. The whole pass is linear in the size of the log. A check
starts it in a forked process before loading the SMS (:func:`start`), so it costs little more wall
time than the load itself on a machine with two cores.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import functools
import hashlib
import marshal
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, NamedTuple

from fitsm_kit.gitcontrol import doctext
from fitsm_kit.gitcontrol.repo import popen_git, wait_git

FORMAT = 2  # bump when the cached shape or the parse changes
_LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s%x1f%(trailers:unfold,only)%x1f%b%x1f"
_NO_BLOB = "0" * 40
REVIEW_TRAILER = "fitsm-review"


class Commit(NamedTuple):
    # named tuples rather than dataclasses: tens of thousands are rebuilt from the cache on every check
    sha: str
    merge: bool
    author: str  # name
    email: str
    authored: str  # ISO 8601 author date
    committed: str  # ISO 8601 committer date
    subject: str
    trailers: tuple[tuple[str, str], ...]  # (lower-case key, value)
    body: str  # the message body, kept only when it names a merge request

    def trailer(self, key: str) -> list[str]:
        return [v for k, v in self.trailers if k == key]


class Change(NamedTuple):
    """What one commit did to one document."""

    commit: int  # index into History.commits (oldest first)
    what: str  # created | changed | stamped (metadata.review only) | deleted | named (by a Fitsm-Review trailer)
    path: str  # the document's file, relative to the SMS root
    version: str | None  # metadata.version after the commit
    content: str  # content fingerprint after the commit ("" when deleted or only named)


@dataclass
class History:
    head: str
    commits: list[Commit] = field(default_factory=list)
    documents: dict[str, list[Change]] = field(default_factory=dict)


@dataclass
class _Raw:
    commit: Commit
    parents: int
    entries: list[tuple[str, str, str, str]]  # (old blob, new blob, old path, new path)


def start(top: Path, prefix: str, head: str, cache_dir: Path | None) -> Callable[[], History]:
    """Begin reading the history of every document below ``prefix`` (posix, relative to ``top``; "" for
    all) at ``head``; call the result to get it.

    On a cache miss the history is built in a forked process, so git and the parsing of its output run
    on another core while the caller loads the SMS. Without ``fork`` (Windows), in a process with
    threads, or when the child fails, it is built in this process when asked for, which raises what a
    direct build raises.
    """
    key = hashlib.blake2b(f"{FORMAT}\0{head}\0{prefix}".encode(), digest_size=12).hexdigest()
    path = cache_dir / f"history-{key}.bin" if cache_dir is not None else None

    def build() -> History:
        history = _build(top, prefix, head)
        if path is not None:
            _store(path, _encode(history))
        return history

    def cached() -> History:
        history = _decode(_read_cache(path)) if path is not None else None
        return history if history is not None else build()

    def send(out: BinaryIO) -> None:
        data = _encode(_build(top, prefix, head))
        out.write(data)
        out.close()  # the caller has it now; storing it is no longer in anyone's way
        if path is not None:
            _store(path, data)

    if path is not None and path.is_file():
        return cached
    # fork only a single-threaded process: a forked thread's locks could hang the child
    return _in_child(send, build) if hasattr(os, "fork") and threading.active_count() == 1 else build


def _in_child(send: Callable[[BinaryIO], None], fallback: Callable[[], History]) -> Callable[[], History]:
    """``send`` the history from a forked child; ``fallback`` builds it here if the child fails."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: leave without running the parent's exit handlers or flushing its buffers
        status = 1
        try:
            os.close(read_end)
            quiet = os.open(os.devnull, os.O_RDWR)  # the parent's stdout may be a pipe someone waits on
            for fd in (0, 1, 2):
                os.dup2(quiet, fd)
            send(os.fdopen(write_end, "wb"))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    reap = functools.partial(_reap, pid)
    atexit.register(reap)  # a run that ends before it needs the history stops the child

    def result() -> History:
        atexit.unregister(reap)
        with os.fdopen(read_end, "rb") as pipe:
            history = _decode(pipe.read())  # None if the child failed before sending all of it
        os.waitpid(pid, 0)  # it stored the cache meanwhile
        return history if history is not None else fallback()

    return result


def _reap(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _build(top: Path, prefix: str, head: str) -> History:
    if not head:
        return History(head)
    args = ["-c", "log.showSignature=false", "log", "-z", "--raw", "--no-abbrev", "--no-renames",
            "--diff-merges=first-parent", "--date-order", f"--format={_LOG_FORMAT}"]
    if prefix:
        args.append(f"--relative={prefix}/")
    args.append(head)
    raw: list[_Raw] = []
    blobs = _Blobs(top)
    try:
        log = popen_git(top, *args)
        try:
            assert log.stdout is not None
            for segment in _segments(log.stdout):
                for item in _parse_log(segment):
                    raw.append(item)
                    for old, new, old_path, new_path in item.entries:
                        if _is_sms_file(old_path):
                            blobs.want(old)
                        if _is_sms_file(new_path):
                            blobs.want(new)
        finally:
            wait_git(log, top, "log")
    finally:
        documents = blobs.close()
    raw.reverse()  # oldest first
    return _changes(head, raw, documents)


def _segments(stream: IO[bytes]) -> Iterator[str]:
    """git's output as it comes, in pieces that end where a commit's record ends."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    rest = ""
    while chunk := os.read(stream.fileno(), 1 << 18):
        text = rest + decoder.decode(chunk)
        cut = text.rfind("\x1e")  # where the last (maybe incomplete) record begins
        if cut > 0:
            yield text[:cut]
            text = text[cut:]
        rest = text
    yield rest + decoder.decode(b"", final=True)


class _Blobs:
    """The documents in each blob asked for, read by one ``git cat-file --batch`` while the log is still
    being parsed: a thread reads its answers, so git and Python work side by side."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.documents: dict[str, list[doctext.DocText]] = {}
        self._asked = {_NO_BLOB}
        self._failed: BaseException | None = None
        self._proc = popen_git(top, "cat-file", "--batch")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def want(self, sha: str) -> None:
        if sha not in self._asked:
            self._asked.add(sha)
            assert self._proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # cat-file stopped: close() says why
                self._proc.stdin.write(f"{sha}\n".encode())

    def _read(self) -> None:
        out = self._proc.stdout
        assert out is not None
        try:
            while header := out.readline():
                fields = header.split()
                if len(fields) < 3:  # "<sha> missing": not in this clone
                    continue
                size = int(fields[2])
                text = out.read(size + 1)[:size].decode("utf-8", "surrogateescape")
                self.documents[fields[0].decode()] = doctext.documents(text)
        except BaseException as e:  # noqa: BLE001 - handed to close(), in the thread that can report it
            self._failed = e

    def close(self) -> dict[str, list[doctext.DocText]]:
        """Wait for the answers to everything asked; the documents of each blob."""
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._proc.stdin.close()
        self._reader.join()
        wait_git(self._proc, self.top, "cat-file")
        if self._failed is not None:
            raise self._failed
        return self.documents


def _parse_log(out: str) -> Iterator[_Raw]:
    """Commits and their ``--raw -z`` entries, in one linear scan of git's output."""
    pos, end = 0, len(out)
    while True:
        start = out.find("\x1e", pos)
        if start < 0:
            return
        stop = out.find("\x1f\x00", start)
        stop = end if stop < 0 else stop
        sha, parents, name, email, authored, committed, subject, trailers, body = (
            out[start + 1:stop].split("\x1f", 8) + [""] * 9)[:9]
        pos = stop + 2
        entries = []
        while pos < end and out[pos] in "\n\x00":
            pos += 1
        while pos < end and out[pos] == ":":
            meta_end = out.index("\x00", pos)
            meta = out[pos + 1:meta_end].split(" ")
            path_end = out.index("\x00", meta_end + 1)
            old_path = new_path = out[meta_end + 1:path_end]
            pos = path_end + 1
            if meta[4][:1] in "RC":
                path_end = out.index("\x00", pos)
                new_path = out[pos:path_end]
                pos = path_end + 1
            entries.append((meta[2], meta[3], old_path, new_path))
        keep_body = body if "merge request" in body.lower() else ""
        # interned, as the trailers are shared: the cache then stores each name once (marshal refs)
        commit = Commit(sha, len(parents.split()) > 1, sys.intern(name), sys.intern(email), authored, committed,
                        subject, _trailers(trailers), keep_body)
        yield _Raw(commit, len(parents.split()), entries)


@functools.lru_cache(maxsize=1024)  # teams repeat the same trailers in thousands of commits
def _trailers(block: str) -> tuple[tuple[str, str], ...]:
    found = []
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and value.strip():
            found.append((key.strip().lower(), value.strip()))
    return tuple(found)


def _is_sms_file(path: str) -> bool:
    return path.endswith((".yaml", ".yml")) and "/." not in f"/{path}"  # no hidden file or directory


def _changes(head: str, raw: list[_Raw], blobs: dict[str, list[doctext.DocText]]) -> History:
    history = History(head)
    docs = history.documents
    for item in raw:
        before: dict[str, tuple[doctext.DocText, str]] = {}
        after: dict[str, tuple[doctext.DocText, str]] = {}
        for old, new, old_path, new_path in item.entries:
            if _is_sms_file(old_path):
                before.update((d.id, (d, old_path)) for d in blobs.get(old, ()))
            if _is_sms_file(new_path):
                after.update((d.id, (d, new_path)) for d in blobs.get(new, ()))
        found: list[tuple[str, str, str, str | None, str]] = []
        for doc_id in before.keys() | after.keys():
            was, now = before.get(doc_id), after.get(doc_id)
            if now is None:
                assert was is not None
                found.append((doc_id, "deleted", was[1], None, ""))
            elif was is None or was[0].content != now[0].content:
                what = "changed" if was is not None or doc_id in docs else "created"
                found.append((doc_id, what, now[1], now[0].version, now[0].content))
            elif was[0].full != now[0].full:
                found.append((doc_id, "stamped", now[1], now[0].version, now[0].content))
        named = {i for v in item.commit.trailer(REVIEW_TRAILER) for i in re.split(r"[,\s]+", v) if i}
        named -= {f[0] for f in found}
        for doc_id in sorted(named):
            last = docs[doc_id][-1] if docs.get(doc_id) else None
            found.append((doc_id, "named", last.path if last else "", last.version if last else None, ""))
        if not found:
            continue
        history.commits.append(item.commit)
        index = len(history.commits) - 1
        for doc_id, what, path, version, content in sorted(found):
            docs.setdefault(doc_id, []).append(Change(index, what, path, version, content))
    return history


# The cache is marshal, not JSON: it holds only tuples, strings and dicts, and loads ~10x faster. It
# lives in the repository's .git directory, where no commit can plant it (see fitsm_kit.engine.cache).
def _encode(history: History) -> bytes:
    return marshal.dumps((history.head, [tuple(c) for c in history.commits],
                          {d: [tuple(c) for c in cs] for d, cs in history.documents.items()}))


def _decode(data: bytes | None) -> History | None:
    if not data:
        return None
    try:
        head, commits, documents = marshal.loads(data)
        return History(head, [Commit(*c) for c in commits],
                       {d: [Change(*c) for c in cs] for d, cs in documents.items()})
    except (ValueError, TypeError, EOFError, AttributeError):
        return None  # a damaged or old cache is a miss


def _read_cache(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _store(path: Path, data: bytes) -> None:
    """Write the cache atomically and drop older history files (they are ours); failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".history-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
        for old in path.parent.glob("*history-*"):  # older histories, and temporary files of stopped runs
            if old.name != path.name and old != Path(tmp):
                old.unlink(missing_ok=True)
    except OSError:
        pass
