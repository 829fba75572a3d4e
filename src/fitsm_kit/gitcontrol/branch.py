"""Where a check runs: on the branch that records approvals, or on a change that has not reached it yet.

Approvals are recorded when a change reaches the default branch (a merge commit, a squash commit with
``Approved-by``), so a change to an approved document on any other branch is *approval pending*, not
an error. The default branch is ``document_control.default_branch``, else what ``origin/HEAD`` points
to, else ``main``, else ``master``. HEAD is on it when HEAD is that branch, or when HEAD is detached at
a commit the default branch already contains (a CI job checking out a pushed commit); a pull-request
check names its target with ``--changed-since REF``.

A document is *changed on this branch* when its content differs from its content at the merge base
with the default branch (or REF): the documents of the files that differ from the merge base are read
from Git, so what the branch did is known exactly, whatever its history looks like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol.docdiff import find_document
from fitsm_kit.gitcontrol.docread import DocState, documents
from fitsm_kit.gitcontrol.reftree import commit_of
from fitsm_kit.gitcontrol.repo import head_branch, run_git
from fitsm_kit.sms.files import is_yaml_name

FALLBACK_BRANCHES = ("main", "master")


@dataclass(frozen=True)
class BranchState:
    """Whether HEAD is on the default branch, and what it changed if not."""

    default: str  # the default branch's name ("" when none could be found)
    on_default: bool
    base: str = ""  # what changes are pending against: "origin/main", or the --changed-since REF
    base_sha: str = ""  # the merge base of HEAD and ``base``
    changed: frozenset[str] = frozenset()  # SMS-relative paths that differ from the merge base
    before: dict[str, tuple[DocState, str]] = field(default_factory=dict)  # id -> (text at the base, path)
    texts: dict[str, bytes] = field(default_factory=dict)  # SMS-relative path -> the file at the base

    def base_content(self, doc_id: str) -> str:
        """The document's content fingerprint at the merge base; "" when it did not exist there."""
        found = self.before.get(doc_id)
        return found[0].content if found else ""

    def base_document(self, doc_id: str) -> Any:
        """The document as loaded data at the merge base (for what changed); None when it did not exist."""
        found = self.before.get(doc_id)
        return find_document(self.texts[found[1]], doc_id) if found else None


def _git(top: Path, *args: str) -> str:
    return run_git(top, *args, may_fail=True).decode("utf-8", "surrogateescape").strip()


def _commit_refs(top: Path, names: list[str]) -> set[str]:
    """Which of ``refs/heads/NAME`` and ``refs/remotes/origin/NAME`` point to a commit, for each of ``names``:
    one git call for what took one per ref (each git start costs a pre-commit run ~5 ms)."""
    wanted = {f"refs/{where}/{name}" for name in names for where in ("heads", "remotes/origin")}
    out = _git(top, "for-each-ref", "--format=%(objecttype)%00%(*objecttype)%00%(refname)", *sorted(wanted))
    found = set()
    for line in out.splitlines():
        kind, peeled, ref = line.split("\0", 2)
        if ref in wanted and "commit" in (kind, peeled):  # a pattern also matches refs below it: main/x
            found.add(ref)
    return found


def default_branch(top: Path, configured: str | None) -> tuple[str, str]:
    """The name of the default branch (configured, else origin/HEAD's, else main or master that exists) and,
    in full, the ref that holds its latest state: origin's copy when there is one ("" when there is none; in
    full, so that a tag named like the short name cannot stand in)."""
    name = configured or ""
    if not name:
        origin = _git(top, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
        name = origin[len("origin/"):] if origin.startswith("origin/") else ""
    found = _commit_refs(top, [name] if name else list(FALLBACK_BRANCHES))
    if not name:
        name = next((n for n in FALLBACK_BRANCHES if {f"refs/heads/{n}", f"refs/remotes/origin/{n}"} & found), "")
    full = next((r for r in (f"refs/remotes/origin/{name}", f"refs/heads/{name}") if r in found), "")
    return name, full


def state(top: Path, prefix: str, configured: str | None, base: str | None = None) -> BranchState:
    """Where HEAD is; ``base`` (a pull request's target) makes every change on HEAD pending against it."""
    default, full = default_branch(top, configured)
    if base is None:
        branch = head_branch(top)
        ref = full.removeprefix("refs/remotes/").removeprefix("refs/heads/")  # as shown: "origin/main"
        if not ref or branch == default:
            return BranchState(default, True)
        if not branch and _contains(top, full):
            return BranchState(default, True)
        base = ref
    else:
        full = commit_of(top, base)  # refuses a name git could read in two ways
    merge_base = _git(top, "merge-base", "HEAD", full)
    if not merge_base:
        raise FitsmError(f"{base} and HEAD have no common history")
    changed = _changed(top, prefix, merge_base)
    before, texts = documents_at(top, prefix, merge_base, changed)
    return BranchState(default, False, base, merge_base, frozenset(changed), before, texts)


def _contains(top: Path, ref: str) -> bool:
    """Whether ``ref`` already contains HEAD (HEAD has no commit that ``ref`` lacks)."""
    return run_git(top, "rev-list", "--count", f"{ref}..HEAD", may_fail=True).strip() == b"0"


def _paths(top: Path, *args: str) -> list[str]:
    out = run_git(top, *args).decode("utf-8", "surrogateescape")
    return [p for p in out.split("\0") if p]


def _changed(top: Path, prefix: str, merge_base: str) -> set[str]:
    """SMS-relative paths that differ from ``merge_base``: committed, staged, modified or untracked."""
    where = prefix or "."
    diff = _paths(top, "diff", "--name-only", "-z", "--no-renames", merge_base, "--", where)
    untracked = _paths(top, "ls-files", "-z", "--others", "--exclude-standard", "--", where)
    cut = len(prefix) + 1 if prefix else 0
    return {p[cut:] for p in (*diff, *untracked)}


def documents_at(top: Path, prefix: str, commit: str, paths: set[str]
                  ) -> tuple[dict[str, tuple[DocState, str]], dict[str, bytes]]:
    """The documents of ``paths`` (SMS-relative YAML files) as they were at ``commit``."""
    wanted = sorted(p for p in paths if is_yaml_name(p) and "\n" not in p)
    if not wanted:
        return {}, {}
    names = [f"{commit}:{prefix}/{p}" if prefix else f"{commit}:{p}" for p in wanted]
    out = run_git(top, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode("utf-8", "surrogateescape"))
    before: dict[str, tuple[DocState, str]] = {}
    texts: dict[str, bytes] = {}
    pos = 0
    for rel in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":  # "missing": the file is new on this branch
            continue
        size = int(header[2])
        data = out[pos:pos + size]
        pos += size + 1
        texts[rel] = data
        for doc in documents(data):
            before.setdefault(doc.id, (doc, rel))
    return before, texts
