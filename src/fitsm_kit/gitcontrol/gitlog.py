"""Reading ``git log`` and commit objects so that nothing a commit holds can forge a record.

Only hex object names come from ``git log`` (``--format=%H %P`` with ``-z --raw``): every text of a
commit (author, dates, message) is read from the commit object itself, which ``git cat-file --batch``
sends with its length, so nothing a commit holds can end one record and start another. With ``-z``, each
raw entry's path ends at a NUL, and a path cannot hold one. ``git cat-file --batch`` reads the blobs of
the newest files while the log runs, and then the commits and blobs the log named (git unpacks while Python
parses what it already sent); each blob is read into its documents by
:class:`fitsm_kit.gitcontrol.docread.Reader`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import marshal
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol.docread import DocState, Reader, Version
from fitsm_kit.gitcontrol.repo import popen_git, wait_git

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

LOG_FORMAT = "%H %P"
NO_BLOB = "0" * 40
_OBJECT_NAME = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
# Git modes whose "blob" is not a file's text: a symbolic link holds its target's path, a submodule is a
# commit of another repository. Neither is a document here (a link's target is read as its own file).
_NOT_A_FILE = (b"120000", b"160000")
REVIEW_TRAILER = "fitsm-review"
# the line 'git revert' writes into the message ("This reverts commit <sha>." or "…, reversing"): anchored,
# a fixed text and one bounded run of hex digits (linear)
_REVERTS = re.compile(r"(?m)^This reverts commit ([0-9a-f]{40}(?:[0-9a-f]{24})?)\b")


class UnreadableCommit(FitsmError):
    """A commit history cannot read as Git wrote it (a date out of range, a damaged object): exit 2, naming it.

    Not a notice that skips document control: one crafted commit must not switch the check off.
    """


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
    # the commits its message says it reverts ("This reverts commit <sha>.", as git revert writes it)
    reverts: tuple[str, ...] = ()

    def trailer(self, key: str) -> list[str]:
        return [v for k, v in self.trailers if k == key]

    def reviewed(self) -> set[str]:
        """The document ids its ``Fitsm-Review:`` trailers name (separated by commas or spaces)."""
        return {i for v in self.trailer(REVIEW_TRAILER) for i in v.replace(",", " ").split()}


@dataclass
class Raw:
    sha: str
    parents: tuple[str, ...]
    entries: list[tuple[str, str, str, str]] = field(default_factory=list)  # (old blob, new blob, old, new path)


def parse_log(stream: IO[bytes]) -> Iterator[Raw]:
    """Commits and their ``--raw -z`` entries as git sends them, in one linear scan.

    A record is ``SHA PARENTS\0`` followed by entries ``:META\0PATH\0``; both end at a NUL, and only
    object names and paths (which hold no NUL) are in it. Anything else is refused, not guessed at.
    """
    buffer, pos = b"", 0
    current: Raw | None = None
    while True:
        chunk = os.read(stream.fileno(), 1 << 18)
        buffer = buffer[pos:] + chunk
        pos = 0
        while True:
            while pos < len(buffer) and buffer[pos] in b"\n\0":
                pos += 1
            if pos >= len(buffer):
                break
            if buffer[pos] == ord(":"):  # a raw entry: ":old-mode new-mode old-blob new-blob status\0path\0"
                meta_end = buffer.find(b"\0", pos)
                path_end = buffer.find(b"\0", meta_end + 1) if meta_end >= 0 else -1
                if path_end < 0:
                    break  # the rest is still coming
                meta = buffer[pos + 1:meta_end].split(b" ")
                if current is None or len(meta) != 5:
                    raise FitsmError(f"git log sent an entry history cannot read: {buffer[pos:meta_end][:80]!r}")
                path = buffer[meta_end + 1:path_end].decode("utf-8", "surrogateescape")
                old = NO_BLOB if meta[0] in _NOT_A_FILE else meta[2].decode()
                new = NO_BLOB if meta[1] in _NOT_A_FILE else meta[3].decode()
                current.entries.append((old, new, path, path))
                pos = path_end + 1
                continue
            end = buffer.find(b"\0", pos)
            if end < 0:
                break
            names = buffer[pos:end].split(b" ")
            if not names[-1]:
                names.pop()  # a root commit: "%H %P" ends with the space before no parents
            if not all(_OBJECT_NAME.match(n) for n in names):
                raise FitsmError(f"git log sent a record history cannot read: {buffer[pos:end][:80]!r}")
            if current is not None:
                yield current
            current = Raw(names[0].decode(), tuple(n.decode() for n in names[1:]))
            pos = end + 1
        if not chunk:
            break
    if pos < len(buffer):
        raise FitsmError(f"git log output ended in the middle of a record: {buffer[pos:][:80]!r}")
    if current is not None:
        yield current


class Objects:
    """Commit objects, and the documents in each blob, read by ``git cat-file --batch --buffer`` in the order
    asked: the files at the newest commit while ``git log`` still runs (:meth:`read_ahead`), the rest once
    the log has named them all (:meth:`read`).

    One thread reads everything: with a second thread reading cat-file's answers while the first parsed the
    log, each answer waited for the interpreter lock (measured: 3 s of 9 s on 20,000 commits). Asking for a
    blob together with the blob of the next newer version of the same file (``base``, asked before it) lets
    the reader derive a version that differs from it in one line instead of parsing it
    (:class:`~fitsm_kit.gitcontrol.docread.Reader`).
    """

    def __init__(self, top: Path) -> None:
        self.top = top
        self._order: list[str] = []
        self._asked = {NO_BLOB}
        self._base: dict[str, str] = {}
        self._reader = Reader()
        self._documents: dict[str, tuple[DocState, ...]] = {}
        self._ahead: dict[str, Version] = {}  # read ahead, each the base of the file's next older version
        self._helped: set[str] = set()  # the blobs a helper process may read (see :meth:`read`)
        self._files: dict[str, bool] = {}  # path -> whether the helper may read its blobs

    def want(self, sha: str, base: str | None = None, path: str | None = None) -> None:
        """Ask for the object ``sha``; ``base``: a blob asked before, the next newer version of the same file;
        ``path``: the file a blob is a version of."""
        if sha not in self._asked:
            self._asked.add(sha)
            self._order.append(sha)
            if base is not None and base in self._asked and base != NO_BLOB:
                self._base[sha] = base
            if path is None:
                return
            # the helper reads every other file: a version goes where the newer one it is derived from is read
            # (both processes have those read at the newest commit)
            base = self._base.get(sha)
            if base is not None and base not in self._ahead:
                helped = base in self._helped
            else:
                helped = self._files.setdefault(path, len(self._files) % 2 == 1)
            if helped:
                self._helped.add(sha)

    def read_ahead(self, blobs: list[str]) -> None:
        """Read the blobs of the newest version of each file now (parsing them while git log runs)."""
        fresh = [sha for sha in dict.fromkeys(blobs) if sha not in self._asked]
        self._asked.update(fresh)

        def blob(sha: str, kind: bytes, data: bytes) -> None:
            if kind == b"blob":
                self._ahead[sha] = version = self._reader.read(data)
                self._documents[sha] = version.states

        self._cat(fresh, blob)

    def read(self) -> tuple[dict[str, tuple[DocState, ...]], dict[str, bytes]]:
        """The documents of each blob asked for and each commit object.

        With many blobs, a forked helper reads the versions of every other file (files are read
        independently: each version is derived from the file's next newer one) while this process reads the
        rest and the commits. On a cold check the process that forked the history reader waits for it by
        then, so the helper has a core of its own.
        """
        documents, commits = self._documents, {}
        needed = set(self._base.values())
        versions = {sha: v for sha, v in self._ahead.items() if sha in needed}  # the base of a blob not read yet
        self._ahead = {}

        def item(sha: str, kind: bytes, data: bytes) -> None:
            if kind == b"commit":
                commits[sha] = data
                return
            base = self._base.get(sha)
            version = self._reader.read(data, versions.pop(base, None) if base is not None else None)
            documents[sha] = version.states
            if sha in needed:
                versions[sha] = version

        helped = [sha for sha in self._order if sha in self._helped]
        helper = None
        if len(helped) >= SPLIT_AT and _may_fork():
            with contextlib.suppress(OSError):  # no fork (a process limit): all of it here
                helper = _Helper(lambda: self._cat(helped, item), lambda: {sha: documents[sha] for sha in helped
                                                                             if sha in documents})
        if helper is None:
            self._cat(self._order, item)
            return documents, commits
        try:
            self._cat([sha for sha in self._order if sha not in self._helped], item)
        finally:
            found = helper.result()
        if found is None:  # the helper failed: read its part here (which raises what it met, if anything)
            self._cat(helped, item)
        else:
            documents.update(found)
        return documents, commits

    def _cat(self, shas: list[str], take: Callable[[str, bytes, bytes], None]) -> None:
        """Hand each of the objects ``shas`` that this clone has to ``take`` (name, type, content), in order."""
        if not shas:
            return
        with tempfile.TemporaryFile() as asked:
            asked.write("".join(f"{sha}\n" for sha in shas).encode())
            asked.seek(0)
            proc = popen_git(self.top, "cat-file", "--batch", "--buffer", stdin=asked)  # all asked: no flushes
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        _widen(fd)
        # Read in large chunks and cut the objects out here: a buffered reader's readline and read per object
        # cost a system call or two and a copy each (tens of thousands of objects).
        buffer, pos, ended = b"", 0, False
        try:
            while True:
                newline = buffer.find(b"\n", pos)
                if newline >= 0:
                    fields = buffer[pos:newline].split()
                    if len(fields) < 3:  # "<sha> missing": not in this clone
                        pos = newline + 1
                        continue
                    end = newline + 1 + int(fields[2])
                    if end < len(buffer):  # the object and the line feed after it are here
                        take(fields[0].decode(), fields[1], buffer[newline + 1:end])
                        pos = end + 1
                        continue
                if ended:
                    break
                chunk = os.read(fd, _CHUNK)
                ended = not chunk
                buffer, pos = buffer[pos:] + chunk, 0
            if pos < len(buffer):
                raise FitsmError(f"git cat-file output ended in the middle of an object: {buffer[pos:][:80]!r}")
        finally:
            wait_git(proc, self.top, "cat-file")


_CHUNK = 1 << 20


def _widen(fd: int) -> None:
    """Let the pipe hold a chunk (Linux; elsewhere, or when refused, it stays as it is): git then writes, and
    this reads, a chunk at a time rather than 64 KiB."""
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setpipe is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setpipe, _CHUNK)


SPLIT_AT = 4000  # blobs the helper would read, at least, for a helper to be worth its fork


def _may_fork() -> bool:
    # fork only a single-threaded process: a forked thread's locks could hang the child
    return hasattr(os, "fork") and threading.active_count() == 1


class _Helper:
    """A forked process that runs ``work`` and sends back what ``found`` then returns (the documents of the
    blobs it read); :meth:`result` is None when it failed."""

    def __init__(self, work: Callable[[], None], found: Callable[[], dict[str, tuple[DocState, ...]]]) -> None:
        read_end, write_end = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if self.pid == 0:  # the helper: leave without running exit handlers or flushing inherited buffers
            status = 1
            try:
                os.close(read_end)
                quiet = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(quiet, fd)
                work()
                with os.fdopen(write_end, "wb") as out:
                    out.write(_pack_states(found()))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")

    def result(self) -> dict[str, tuple[DocState, ...]] | None:
        with self.pipe:
            data = self.pipe.read()
        _, status = os.waitpid(self.pid, 0)
        return _unpack_states(data) if status == 0 else None


def _pack_states(found: dict[str, tuple[DocState, ...]]) -> bytes:
    """The documents of each blob, for the process that forked the helper: :mod:`marshal` (a pipe between
    two processes running this code), each state once (versions of a file share the states of the documents
    that did not change)."""
    plain: dict[int, tuple[str, str | None, str, str]] = {}
    for states in found.values():
        for state in states:
            if id(state) not in plain:
                plain[id(state)] = tuple(state)  # type: ignore[assignment]
    return marshal.dumps({sha: tuple(plain[id(state)] for state in states) for sha, states in found.items()})


def _unpack_states(data: bytes) -> dict[str, tuple[DocState, ...]] | None:
    """What :func:`_pack_states` sent; None when it is not that (a helper that ended half-way)."""
    made: dict[int, DocState] = {}
    try:
        found = marshal.loads(data)
        for states in found.values():
            for state in states:
                if id(state) not in made:
                    made[id(state)] = DocState._make(state)
        return {sha: tuple(made[id(state)] for state in states) for sha, states in found.items()}
    except (EOFError, ValueError, TypeError, AttributeError):
        return None


def read_commit(sha: str, data: bytes, parents: tuple[str, ...]) -> Commit:
    """The commit object ``data`` (as ``git cat-file`` sent it) as a :class:`Commit`.

    Its parents must be those ``git log`` listed: a cross-check that both describe the same object.
    """
    header, _, message = data.partition(b"\n\n")
    found_parents, idents = [], {}
    for line in header.split(b"\n"):
        if line.startswith(b" "):
            continue  # a continuation of a multi-line header (gpgsig, mergetag)
        key, _, value = line.partition(b" ")
        if key == b"parent":
            found_parents.append(value.decode("ascii", "replace"))
        elif key in (b"author", b"committer") and key not in idents:
            idents[key] = value
    if tuple(found_parents) != parents or b"author" not in idents or b"committer" not in idents:
        raise UnreadableCommit(f"commit {sha}: its object does not match what git log listed; run 'git fsck'")
    name, email, authored = _ident(sha, "author", idents[b"author"])
    _, _, committed = _ident(sha, "committer", idents[b"committer"])
    text = message.decode("utf-8", "surrogateescape")
    subject, _, body = text.strip("\n").partition("\n\n")
    keep_body = body if "merge request" in body.lower() else ""
    reverts = tuple(dict.fromkeys(_REVERTS.findall(body))) if "This reverts commit " in body else ()
    return Commit(sha, len(parents) > 1, name, email, authored, committed,
                  " ".join(subject.split("\n")).strip(), trailers(text), keep_body, reverts)


def _ident(sha: str, what: str, value: bytes) -> tuple[str, str, str]:
    """Name, email and ISO 8601 date of ``Name <email> SECONDS +HHMM``, read from the right."""
    gt = value.rfind(b">")  # an ASCII byte: where it is in the bytes, it is in their text
    person = _person(value[:gt + 1]) if gt >= 0 else None
    when = value[gt + 1:].decode("utf-8", "surrogateescape").split()
    if person is None or len(when) != 2:
        raise UnreadableCommit(f"commit {sha}: its {what} line cannot be read; run 'git fsck'")
    return person[0], person[1], _iso_date(sha, what, when[0], when[1])


@functools.lru_cache(maxsize=4096)  # authors and committers recur across thousands of commits
def _person(who: bytes) -> tuple[str, str] | None:
    """Name and email of ``Name <email>``; None without a ``<``. Interned, as they recur in the history."""
    text = who.decode("utf-8", "surrogateescape")
    lt = text.find("<")
    if lt < 0:
        return None
    return sys.intern(text[:lt].strip()), sys.intern(text[lt + 1:-1].strip())


def _iso_date(sha: str, what: str, seconds: str, zone: str) -> str:
    try:
        return _iso(seconds, zone)
    except (ValueError, OverflowError):
        raise UnreadableCommit(f"commit {sha}: its {what} date ({seconds} {zone}) is outside the supported range "
                               "(years 1 to 9999); rewrite the commit with a real date") from None


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@functools.lru_cache(maxsize=4096)  # a commit's author and committer dates are mostly the same
def _iso(seconds: str, zone: str) -> str:
    return (_EPOCH + dt.timedelta(seconds=int(seconds))).astimezone(_zone(zone)).isoformat()


@functools.lru_cache(maxsize=256)
def _zone(zone: str) -> dt.timezone:
    if len(zone) != 5 or zone[0] not in "+-" or not zone[1:].isdigit():
        raise ValueError(zone)
    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    return dt.timezone(-offset if zone[0] == "-" else offset)


_TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")
_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")


def trailers(message: str) -> tuple[tuple[str, str], ...]:
    """The trailers of a commit message as ``git interpret-trailers --parse`` reads them (unfolded, keys in
    lower case): the message's last paragraph, not its subject, when its lines are ``Key: value`` lines
    (continued by indented lines), or at least a quarter are and one is git-generated."""
    lines = message.rstrip().split("\n")
    start = len(lines)
    while start > 0 and lines[start - 1].strip():
        start -= 1
    if start == 0:
        return ()  # the subject paragraph alone has no trailers
    return _trailer_lines("\n".join(lines[start:]))


@functools.lru_cache(maxsize=1024)  # commits of one workflow end in the same paragraph (Approved-by: ...)
def _trailer_lines(paragraph: str) -> tuple[tuple[str, str], ...]:
    """The trailers of a message's last paragraph (after its subject), as :func:`trailers` describes."""
    found: list[list[str]] = []
    others = generated = 0
    for line in paragraph.split("\n"):
        if line[:1] in (" ", "\t") and found:
            found[-1][1] += " " + line.strip()
            continue
        key, sep, value = line.partition(":")
        if sep and _TRAILER_KEY.match(key.strip()) and key == key.rstrip():
            found.append([key.strip().lower(), value.strip()])
            generated += line.startswith(_GIT_GENERATED)
        else:
            others += 1
            generated += line.startswith(_GIT_GENERATED)
    if others and not (generated and len(found) * 3 >= others):
        return ()
    return tuple((key, value) for key, value in found if value)
