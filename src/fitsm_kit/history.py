"""Per-document history from one ``git log`` pass, cached by HEAD.

One ``git log --raw`` lists every commit with the blobs it changed; one ``git cat-file --batch`` reads
those blobs; :mod:`fitsm_kit.doctext` finds the documents in each. Comparing a commit's documents before
and after tells which documents it created, changed, re-stamped (``metadata.review`` only) or deleted,
so a document is followed by its id across renames, moves between files and files holding several
documents. Merge commits are diffed against their first parent: what a merged pull request brought in.

This uses ``subprocess`` rather than GitPython: GitPython asks git once per object, so per-file history
is ~100x slower (GitPython issues #240, #378; measured in the README's design notes), and its objects
are not needed for reading one text stream. The whole pass is linear in the size of the log.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fitsm_kit import doctext
from fitsm_kit.gitrepo import run_git

FORMAT = 1  # bump when the cached shape or the parse changes
_LOG_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s%x1f%(trailers:unfold,only)%x1f%b%x1f"
_NO_BLOB = "0" * 40
REVIEW_TRAILER = "fitsm-review"


@dataclass(frozen=True)
class Commit:
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


@dataclass(frozen=True)
class Change:
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


def read(top: Path, prefix: str, head: str, cache_dir: Path | None) -> History:
    """The history of every document below ``prefix`` (posix, relative to ``top``; "" for all) at ``head``."""
    key = hashlib.blake2b(f"{FORMAT}\0{head}\0{prefix}".encode(), digest_size=12).hexdigest()
    cached = _load(cache_dir, key) if cache_dir is not None else None
    if cached is not None:
        return cached
    history = _build(top, prefix, head)
    if cache_dir is not None:
        _store(cache_dir, key, history)
    return history


def _build(top: Path, prefix: str, head: str) -> History:
    if not head:
        return History(head)
    args = ["-c", "log.showSignature=false", "log", "-z", "--raw", "--no-abbrev", "-M",
            "--diff-merges=first-parent", "--date-order", f"--format={_LOG_FORMAT}"]
    if prefix:
        args.append(f"--relative={prefix}/")
    raw = list(_parse_log(run_git(top, *args, head).decode("utf-8", "surrogateescape")))
    raw.reverse()  # oldest first
    blobs = _read_blobs(top, {b for r in raw for e in r.entries for b in e[:2] if b != _NO_BLOB})
    return _changes(head, raw, blobs)


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
        commit = Commit(sha, len(parents.split()) > 1, name, email, authored, committed, subject,
                        _trailers(trailers), keep_body)
        yield _Raw(commit, len(parents.split()), entries)


def _trailers(block: str) -> tuple[tuple[str, str], ...]:
    found = []
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and value.strip():
            found.append((key.strip().lower(), value.strip()))
    return tuple(found)


def _is_sms_file(path: str) -> bool:
    return path.endswith((".yaml", ".yml")) and "/." not in f"/{path}"  # no hidden file or directory


def _read_blobs(top: Path, shas: set[str]) -> dict[str, list[doctext.DocText]]:
    """The documents in each blob, read with one ``git cat-file --batch``."""
    if not shas:
        return {}
    order = sorted(shas)
    out = run_git(top, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in order).encode())
    docs: dict[str, list[doctext.DocText]] = {}
    pos = 0
    for sha in order:
        line_end = out.index(b"\n", pos)
        header = out[pos:line_end].split()
        pos = line_end + 1
        if len(header) < 3:  # "<sha> missing": not in this clone
            continue
        size = int(header[2])
        docs[sha] = doctext.documents(out[pos:pos + size].decode("utf-8", "surrogateescape"))
        pos += size + 1
    return docs


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


def _load(cache_dir: Path, key: str) -> History | None:
    try:
        data = json.loads((cache_dir / f"history-{key}.json").read_text(encoding="utf-8"))
        commits = [Commit(c[0], c[1], c[2], c[3], c[4], c[5], c[6], tuple((k, v) for k, v in c[7]), c[8])
                   for c in data["commits"]]
        documents = {d: [Change(*c) for c in changes] for d, changes in data["documents"].items()}
        return History(data["head"], commits, documents)
    except (OSError, ValueError, TypeError, KeyError):
        return None  # a missing or damaged cache is a miss


def _store(cache_dir: Path, key: str, history: History) -> None:
    """Write the cache atomically and drop older history files (they are ours); failures are ignored."""
    payload = {"head": history.head, "commits": [list(asdict(c).values()) for c in history.commits],
               "documents": {d: [list(asdict(c).values()) for c in cs] for d, cs in history.documents.items()}}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".history-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, separators=(",", ":"))
        os.replace(tmp, cache_dir / f"history-{key}.json")
        for old in cache_dir.glob("history-*.json"):
            if old.name != f"history-{key}.json":
                old.unlink(missing_ok=True)
    except OSError:
        pass
