"""Pull-request mode: what a change since a Git ref touches, document by document.

Changed means: in ``git diff REF...HEAD`` (what the branch changed since it left REF), staged,
modified or untracked. :func:`document_changes` reads the changed files as they were at the merge base
and as they are now, and says per document whether the change adds, changes, retires or deletes it,
which fields differ, and who must approve it. The findings the change causes or fixes are the
engine's comparison with a check of REF's tree (:mod:`fitsm_kit.engine.compare`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fitsm_kit.errors import FitsmError
from fitsm_kit.findings import DocumentChange
from fitsm_kit.gitcontrol.approvers import allowed_for, with_handles
from fitsm_kit.gitcontrol.branch import documents_at
from fitsm_kit.gitcontrol.docdiff import differences
from fitsm_kit.gitcontrol.reftree import commit_of, sms_prefix
from fitsm_kit.gitcontrol.repo import run_git
from fitsm_kit.sms.files import is_yaml_name
from fitsm_kit.sms.index import Sms
from fitsm_kit.sms.loader import load_bytes, read_file

RETIRED = "retired"


def _git(root: Path, *args: str) -> list[str]:
    """The NUL-separated paths git prints; git runs without the caller's (e.g. a hook's) GIT_* location."""
    out = run_git(root, *args)
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def changed_files(root: Path, ref: str) -> set[str]:
    """Paths (relative to the SMS root, posix) changed since ``ref`` and not yet committed."""
    try:
        commit_of(root, ref)
    except FitsmError as e:
        raise FitsmError(f"--changed-since {e}") from None
    try:
        committed = _git(root, "diff", "--name-only", "-z", "--relative", "--no-renames", f"{ref}...HEAD", "--")
    except FitsmError as e:
        raise FitsmError(f"--changed-since {ref!r}: {e}; in CI, check out with full history "
                         "(fetch-depth: 0)") from None
    uncommitted = _git(root, "diff", "--name-only", "-z", "--relative", "--no-renames", "HEAD", "--")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    return {*committed, *uncommitted, *untracked}


def _by_id(data: bytes | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if data is None:
        return found
    for _, doc in load_bytes(data, "").documents:
        metadata = doc.get("metadata") if isinstance(doc, dict) else None
        if isinstance(metadata, dict) and isinstance(metadata.get("id"), str):
            found.setdefault(metadata["id"], doc)
    return found


def _field(doc: Any, *path: str) -> str:
    for key in path:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return str(doc) if isinstance(doc, (str, int, float)) else ""


def _retired(doc: Any) -> bool:
    return RETIRED in (_field(doc, "metadata", "status"), _field(doc, "spec", "lifecycle_status"))


def document_changes(root: Path, ref: str, changed: set[str], sms: Sms) -> tuple[DocumentChange, ...]:
    """Per document in the ``changed`` files: added, changed, retired or deleted since the merge base with
    ``ref``, the fields that differ, and who must approve it (the people CODEOWNERS asks)."""
    top, prefix = sms_prefix(root)
    base = run_git(top, "merge-base", "HEAD", commit_of(root, ref), may_fail=True).decode().strip()
    yaml_files = {p for p in changed if is_yaml_name(p)}
    before_texts = documents_at(top, prefix, base, yaml_files)[1] if base else {}
    before: dict[str, tuple[Any, str]] = {}
    now: dict[str, tuple[Any, str]] = {}
    for rel in sorted(yaml_files):
        before.update({i: (d, rel) for i, d in _by_id(before_texts.get(rel)).items() if i not in before})
        data = read_file(root / rel)
        now.update({i: (d, rel) for i, d in _by_id(data if isinstance(data, bytes) else None).items() if i not in now})
    found = []
    for doc_id in sorted(before.keys() | now.keys()):
        old, new = before.get(doc_id), now.get(doc_id)
        doc, path = new or old  # type: ignore[misc]  # one of them is there
        diffs: tuple[str, ...]
        if new is None:
            what, diffs = "deleted", ()
        elif old is None:
            what, diffs = "added", ()
        else:
            diffs = tuple(differences(old[0], new[0]))
            if not diffs:
                continue
            what = RETIRED if _retired(new[0]) and not _retired(old[0]) else "changed"
        kind = _field(doc, "kind")
        ids, who = allowed_for(sms, kind, _field(doc, "metadata", "owner") or None, _field(doc, "spec", "code") or None)
        found.append(DocumentChange(doc_id, kind, _field(doc, "metadata", "title"), path, what, diffs,
                                    f"{who}: {with_handles(sms, ids)}"))
    return tuple(found)
