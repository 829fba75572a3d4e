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
import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, NamedTuple

from fitsm_kit import sealed
from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol import doctext
from fitsm_kit.gitcontrol.repo import popen_git, wait_git
from fitsm_kit.sms.discovery import is_sms_path

FORMAT = 3  # bump when the cached shape or the parse changes
# Only hex object names come from this format: every text of a commit (author, dates, message) is read
# from the commit object itself, which ``git cat-file`` sends with its length, so nothing a commit
# holds can end one record and start another. With -z, each raw entry's path ends at a NUL, and a
# path cannot hold one.
_LOG_FORMAT = "%H %P"
_NO_BLOB = "0" * 40
_OBJECT_NAME = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
REVIEW_TRAILER = "fitsm-review"


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


def start(top: Path, prefix: str, head: str, cache_dir: Path | None,
          exclude: Iterable[str] = ()) -> Callable[[], History]:
    """Begin reading the history of every SMS file below ``prefix`` (posix, relative to ``top``; "" for
    all) at ``head``; call the result to get it. Files are those ``fitsm check`` reads: the same
    selection (``exclude`` globs, hidden files and directories skipped), relative to the SMS root.

    On a cache miss the history is built in a forked process, so git and the parsing of its output run
    on another core while the caller loads the SMS. Without ``fork`` (Windows), in a process with
    threads, or when the child fails, it is built in this process when asked for, which raises what a
    direct build raises. A cache is used only when its seal (:mod:`fitsm_kit.sealed`) binds it to this
    repository, prefix, selection, HEAD and format; anything else is rebuilt.
    """
    exclude = tuple(exclude)
    context = json.dumps(["history", FORMAT, str(top.resolve()), prefix, head, exclude])
    key = hashlib.blake2b(context.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    path = cache_dir / f"history-{key}.json" if cache_dir is not None else None

    def build() -> History:
        history = _build(top, prefix, head, exclude)
        if path is not None:
            _store(path, context, _encode(history))
        return history

    def cached() -> History:
        history = _decode(sealed.unseal(context, _read_cache(path))) if path is not None else None
        return history if history is not None and history.head == head else build()

    def send(out: BinaryIO) -> None:
        data = _encode(_build(top, prefix, head, exclude))
        out.write(data)
        out.close()  # the caller has it now; storing it is no longer in anyone's way
        if path is not None:
            _store(path, context, data)

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


def _build(top: Path, prefix: str, head: str, exclude: tuple[str, ...]) -> History:
    if not head:
        return History(head)
    args = ["log", "-z", "--raw", "--no-abbrev", "--no-renames", "--diff-merges=first-parent", "--date-order",
            f"--format={_LOG_FORMAT}"]
    if prefix:
        args.append(f"--relative={prefix}/")
    args.append(head)

    def selected(path: str) -> bool:
        return is_sms_path(path, exclude)

    raw: list[_Raw] = []
    objects = _Objects(top)
    try:
        log = popen_git(top, *args)
        try:
            assert log.stdout is not None
            for item in _parse_log(log.stdout):
                raw.append(item)
                objects.want(item.sha)
                for old, new, old_path, new_path in item.entries:
                    if selected(old_path):
                        objects.want(old)
                    if selected(new_path):
                        objects.want(new)
        finally:
            wait_git(log, top, "log")
    finally:
        documents, commits = objects.close()
    raw.reverse()  # oldest first
    return _changes(head, raw, documents, commits, selected)


@dataclass
class _Raw:
    sha: str
    parents: tuple[str, ...]
    entries: list[tuple[str, str, str, str]] = field(default_factory=list)  # (old blob, new blob, old, new path)


def _parse_log(stream: IO[bytes]) -> Iterator[_Raw]:
    """Commits and their ``--raw -z`` entries as git sends them, in one linear scan.

    A record is ``SHA PARENTS\0`` followed by entries ``:META\0PATH\0``; both end at a NUL, and only
    object names and paths (which hold no NUL) are in it. Anything else is refused, not guessed at.
    """
    buffer, pos = b"", 0
    current: _Raw | None = None
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
                current.entries.append((meta[2].decode(), meta[3].decode(), path, path))
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
            current = _Raw(names[0].decode(), tuple(n.decode() for n in names[1:]))
            pos = end + 1
        if not chunk:
            break
    if pos < len(buffer):
        raise FitsmError(f"git log output ended in the middle of a record: {buffer[pos:][:80]!r}")
    if current is not None:
        yield current


class _Objects:
    """Commit objects, and the documents in each blob, read by one ``git cat-file --batch`` while the log
    is still being parsed: a thread reads its answers, so git and Python work side by side."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.documents: dict[str, list[doctext.DocText]] = {}
        self.commits: dict[str, bytes] = {}
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
                data = out.read(size + 1)[:size]
                if fields[1] == b"commit":
                    self.commits[fields[0].decode()] = data
                else:
                    self.documents[fields[0].decode()] = doctext.documents(data.decode("utf-8", "surrogateescape"))
        except BaseException as e:  # noqa: BLE001 - handed to close(), in the thread that can report it
            self._failed = e

    def close(self) -> tuple[dict[str, list[doctext.DocText]], dict[str, bytes]]:
        """Wait for the answers to everything asked; the documents of each blob and each commit object."""
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._proc.stdin.close()
        self._reader.join()
        wait_git(self._proc, self.top, "cat-file")
        if self._failed is not None:
            raise self._failed
        return self.documents, self.commits


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
    # interned, as authors recur across thousands of commits
    return Commit(sha, len(parents) > 1, sys.intern(name), sys.intern(email), authored, committed,
                  " ".join(subject.split("\n")).strip(), trailers(text), keep_body)


def _ident(sha: str, what: str, value: bytes) -> tuple[str, str, str]:
    """Name, email and ISO 8601 date of ``Name <email> SECONDS +HHMM``, read from the right."""
    text = value.decode("utf-8", "surrogateescape")
    lt, gt = text.find("<"), text.rfind(">")
    when = text[gt + 1:].split() if gt >= 0 else []
    if lt < 0 or gt < lt or len(when) != 2:
        raise UnreadableCommit(f"commit {sha}: its {what} line cannot be read; run 'git fsck'")
    return text[:lt].strip(), text[lt + 1:gt].strip(), _iso_date(sha, what, when[0], when[1])


def _iso_date(sha: str, what: str, seconds: str, zone: str) -> str:
    try:
        sign = -1 if zone[:1] == "-" else 1
        if len(zone) != 5 or zone[0] not in "+-" or not zone[1:].isdigit():
            raise ValueError(zone)
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=int(seconds))
        return moment.astimezone(dt.timezone(offset)).isoformat()
    except (ValueError, OverflowError):
        raise UnreadableCommit(f"commit {sha}: its {what} date ({seconds} {zone}) is outside the supported range "
                               "(years 1 to 9999); rewrite the commit with a real date") from None


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
    if start == 0 or not any(line.strip() == "" for line in lines[:start]):
        return ()  # the subject paragraph alone has no trailers
    found: list[list[str]] = []
    others = generated = 0
    for line in lines[start:]:
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


def _changes(head: str, raw: list[_Raw], blobs: dict[str, list[doctext.DocText]], objects: dict[str, bytes],
             selected: Callable[[str], bool]) -> History:
    """Which documents each commit (oldest first) created, changed, stamped, deleted or named."""
    history = History(head)
    docs = history.documents
    for item in raw:
        if item.sha not in objects:
            raise UnreadableCommit(f"commit {item.sha}: its object is missing; run 'git fsck'")
        commit = read_commit(item.sha, objects[item.sha], item.parents)
        before: dict[str, tuple[doctext.DocText, str]] = {}
        after: dict[str, tuple[doctext.DocText, str]] = {}
        for old, new, old_path, new_path in item.entries:
            if selected(old_path):
                before.update((d.id, (d, old_path)) for d in blobs.get(old, ()))
            if selected(new_path):
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
        named = {i for v in commit.trailer(REVIEW_TRAILER) for i in v.replace(",", " ").split()}
        named -= {f[0] for f in found}
        for doc_id in sorted(named):
            last = docs[doc_id][-1] if docs.get(doc_id) else None
            found.append((doc_id, "named", last.path if last else "", last.version if last else None, ""))
        if not found:
            continue
        history.commits.append(commit)
        index = len(history.commits) - 1
        for doc_id, what, path, version, content in sorted(found):
            docs.setdefault(doc_id, []).append(Change(index, what, path, version, content))
    return history


# The cache is JSON (never marshal or pickle, which are not safe against crafted data), sealed with an
# HMAC by the per-user key (fitsm_kit.sealed) and bound to the repository, prefix, selection and HEAD.
def _encode(history: History) -> bytes:
    return json.dumps([history.head, history.commits, history.documents], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8", "surrogateescape")


def _decode(data: bytes | None) -> History | None:
    if not data:
        return None
    try:
        head, commits, documents = json.loads(data.decode("utf-8", "surrogateescape"))
        return History(head, [Commit(c[0], c[1], c[2], c[3], c[4], c[5], c[6], tuple((k, v) for k, v in c[7]), c[8])
                              for c in commits],
                       {d: [Change(*c) for c in cs] for d, cs in documents.items()})
    except (ValueError, TypeError, AttributeError, IndexError):
        return None  # a damaged or old cache is a miss


def _read_cache(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _store(path: Path, context: str, data: bytes) -> None:
    """Write the sealed cache atomically and drop older history files (they are ours); failures are ignored."""
    blob = sealed.seal(context, data)
    if blob is None:
        return  # no per-user key: an unsealed cache could not be trusted later
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".history-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
        os.replace(tmp, path)
        for old in path.parent.glob("*history-*"):  # older histories, and temporary files of stopped runs
            if old.name != path.name and old != Path(tmp):
                old.unlink(missing_ok=True)
    except OSError:
        pass
