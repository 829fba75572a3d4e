"""Per-document history: which documents each commit created, changed, re-stamped or deleted.

One ``git log --raw`` lists the commits with the blobs each changed, and ``git cat-file --batch`` reads
those blobs and the commit objects (:mod:`.gitlog`): the files at HEAD while the log still runs, the rest
after it; each blob is read into its documents as
``fitsm check`` reads them (:mod:`.docread`), a version that differs from the next newer one in one
``key: value`` line derived from it. Comparing a commit's documents
before and after tells which documents it created, changed, re-stamped (``metadata.review`` only) or
deleted, so a document is followed by its id across renames, moves between files and files holding
several documents. Merge commits are diffed against their first parent: what a merged pull request
brought in.

Commits are taken parents first, in a depth-first walk from HEAD that follows first parents first: the
history up to any commit on HEAD's first-parent chain is a prefix of HEAD's, in the same order. So a
history built for commit A is extended to a descendant B by reading only ``A..B`` (:func:`build` with
``base``), with the same result as a build from scratch — when A is on B's first-parent chain, which
:mod:`.histcache` checks before it offers A's history as a base.

This uses ``subprocess`` rather than GitPython: GitPython asks git once per object, so per-file history
is ~100x slower (GitPython issues #240, #378; measured in the README's design notes).
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from fitsm_kit.gitcontrol.docread import DocState
from fitsm_kit.gitcontrol.gitlog import (
    LOG_FORMAT,
    REVIEW_TRAILER,
    Commit,
    Objects,
    Raw,
    UnreadableCommit,
    parse_log,
    read_commit,
    trailers,
)
from fitsm_kit.gitcontrol.repo import popen_git, run_git, wait_git
from fitsm_kit.sms.discovery import is_sms_path

__all__ = ["FORMAT", "REVIEW_TRAILER", "Change", "Commit", "History", "UnreadableCommit", "build", "trailers"]

FORMAT = 7  # bump when the cached shape, the order of commits or the reading of documents changes


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
    # what a reader should know about how this history was obtained (a cache ignored); not cached
    notices: tuple[str, ...] = field(default=(), compare=False)


def build(top: Path, prefix: str, head: str, exclude: Iterable[str] = (), base: History | None = None
          ) -> History | None:
    """The history of every SMS file below ``prefix`` (posix, relative to ``top``; "" for all) at ``head``.

    Files are those ``fitsm check`` reads (:func:`~fitsm_kit.sms.discovery.is_sms_path` with ``exclude``).
    With ``base`` (the history at an earlier commit, which this takes over), only the commits since are
    read; None when ``base.head`` turns out not to be on ``head``'s first-parent chain.
    """
    exclude = tuple(exclude)
    if not head:
        return History(head)
    if base is not None and base.head == head:
        return base
    # Tens of thousands of versions, states and commits, and no reference cycle among them: the cyclic
    # collector would rescan them again and again as they grow and free nothing (a quarter of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(top, prefix, head, exclude, base)
    finally:
        if collecting:
            gc.enable()


def _build(top: Path, prefix: str, head: str, exclude: tuple[str, ...], base: History | None) -> History | None:
    args = ["log", "-z", "--raw", "--no-abbrev", "--no-renames", "--diff-merges=first-parent",
            f"--format={LOG_FORMAT}"]
    if prefix:
        args.append(f"--relative={prefix}/")
    args += [head, "--not", base.head] if base is not None else [head]

    chosen: dict[str, bool] = {}  # a path recurs in many commits

    def selected(path: str) -> bool:
        if path not in chosen:
            chosen[path] = is_sms_path(path, exclude)
        return chosen[path]

    raw: dict[str, Raw] = {}
    objects = Objects(top)
    with tempfile.TemporaryFile() as listed:
        log = popen_git(top, *args, stdout=listed)  # into a file: git does not wait for this process meanwhile
        try:
            if base is None:  # the newest files are read while git log runs (git on one core, this on the other)
                objects.read_ahead(_newest_blobs(top, prefix, head, selected))
        finally:
            wait_git(log, top, "log")
        listed.seek(0)
        for item in parse_log(listed):
            raw[item.sha] = item
            objects.want(item.sha)
            for old, new, old_path, new_path in item.entries:
                if selected(new_path):
                    objects.want(new, path=new_path)
                if selected(old_path):  # the log runs newest first: the newer version is the base of the older
                    objects.want(old, new if selected(new_path) else None, old_path)
    documents, commits = objects.read()
    order = commit_order(head, raw, base.head if base is not None else None)
    if order is None:
        return None
    history = base if base is not None else History(head)
    history.head = head
    _apply(history, [raw[sha] for sha in order], documents, commits, selected)
    return history


def _newest_blobs(top: Path, prefix: str, head: str, selected: Callable[[str], bool]) -> list[str]:
    """The blobs of the SMS files below ``prefix`` at ``head`` (none when git cannot list them: the log then
    names them all the same, this only reads them sooner)."""
    listing = run_git(top, "ls-tree", "-r", "-z", f"{head}:{prefix}", may_fail=True)
    blobs = []
    for entry in listing.split(b"\0"):
        meta, _, path = entry.partition(b"\t")
        fields = meta.split(b" ")
        if len(fields) == 3 and fields[0] in (b"100644", b"100755") and fields[1] == b"blob" \
                and selected(path.decode("utf-8", "surrogateescape")):
            blobs.append(fields[2].decode())
    return blobs


def commit_order(head: str, raw: dict[str, Raw], base: str | None) -> list[str] | None:
    """The commits of ``raw`` (``head`` and its ancestors that ``base`` lacks) parents first, first parents
    first; None when ``base`` is given but is not on ``head``'s first-parent chain."""
    if head not in raw:
        return None if base is not None else []
    if base is not None:
        sha = head
        while raw[sha].parents and raw[sha].parents[0] in raw:
            sha = raw[sha].parents[0]
        if raw[sha].parents[:1] != (base,):
            return None
    order: list[str] = []
    done: set[str] = set()
    stack = [(head, 0)]  # (commit, index of the next parent to visit); a graph of commits has no cycle
    while stack:
        sha, i = stack.pop()
        parents = raw[sha].parents
        while i < len(parents) and (parents[i] not in raw or parents[i] in done):
            i += 1  # not in raw: an ancestor of base, taken before
        if i < len(parents):
            stack += [(sha, i + 1), (parents[i], 0)]
        else:
            done.add(sha)
            order.append(sha)
    return order


def _apply(history: History, raw: list[Raw], blobs: dict[str, tuple[DocState, ...]], objects: dict[str, bytes],
           selected: Callable[[str], bool]) -> None:
    """Add which documents each commit of ``raw`` (in order) created, changed, stamped, deleted or named; a
    revert is kept even when it changes no document, for the review or approval it may withdraw."""
    docs = history.documents
    for item in raw:
        if item.sha not in objects:
            raise UnreadableCommit(f"commit {item.sha}: its object is missing; run 'git fsck'")
        commit = read_commit(item.sha, objects[item.sha], item.parents)
        before: dict[str, tuple[DocState, str]] = {}
        after: dict[str, tuple[DocState, str]] = {}
        for old, new, old_path, new_path in item.entries:
            was_docs, now_docs = blobs.get(old, ()), blobs.get(new, ())
            if len(item.entries) == 1 and _same_ids(was_docs, now_docs) and selected(old_path) and selected(new_path):
                # the usual commit: one file, the same documents before and after; only those that differ
                # can be a change (an equal state is none), which is what comparing them all would find
                for old_doc, new_doc in zip(was_docs, now_docs):  # noqa: B905 - the same length
                    if old_doc != new_doc:
                        before[old_doc.id], after[new_doc.id] = (old_doc, old_path), (new_doc, new_path)
                continue
            if selected(old_path):
                before.update((d.id, (d, old_path)) for d in was_docs)
            if selected(new_path):
                after.update((d.id, (d, new_path)) for d in now_docs)
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
        named = commit.reviewed() - {f[0] for f in found}
        for doc_id in sorted(named):
            last = docs[doc_id][-1] if docs.get(doc_id) else None
            found.append((doc_id, "named", last.path if last else "", last.version if last else None, ""))
        if not found and not commit.reverts:  # a revert is kept for what it withdraws, even if it changes no document
            continue
        history.commits.append(commit)
        index = len(history.commits) - 1
        for doc_id, what, path, version, content in sorted(found):
            docs.setdefault(doc_id, []).append(Change(index, what, path, version, content))


def _same_ids(was: tuple[DocState, ...], now: tuple[DocState, ...]) -> bool:
    """Whether two versions of a file hold the same documents (ids, in the same order, each once)."""
    if len(was) != len(now):
        return False
    ids = [d.id for d in was]
    return ids == [d.id for d in now] and len(set(ids)) == len(ids)
