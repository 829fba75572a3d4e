"""Pull-request mode: keep only the findings in files changed since a Git ref.

The whole SMS is still read and checked (references resolve across every document, so a change that
breaks a reference elsewhere is caught at the changed document); only the report is narrowed.
Changed means: in ``git diff REF...HEAD`` (what the branch changed since it left REF), staged,
modified or untracked. Findings not tied to a document (reported at the configuration file) are kept:
they concern the SMS as a whole, which the change may have broken by deleting a document.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.findings import Result
from fitsm_kit.gitcontrol.repo import run_git


def _git(root: Path, *args: str) -> list[str]:
    """The NUL-separated paths git prints; git runs without the caller's (e.g. a hook's) GIT_* location."""
    out = run_git(root, *args)
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def changed_files(root: Path, ref: str) -> set[str]:
    """Paths (relative to the SMS root, posix) changed since ``ref`` and not yet committed."""
    if ref.startswith("-"):
        raise FitsmError(f"--changed-since {ref!r}: a Git ref cannot start with '-'")
    try:
        _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except FitsmError:
        raise FitsmError(f"--changed-since {ref!r}: no such commit in the repository of {root}; fetch it "
                         "(in CI: check out with full history, e.g. fetch-depth: 0)") from None
    try:
        committed = _git(root, "diff", "--name-only", "-z", "--relative", "--no-renames", f"{ref}...HEAD", "--")
    except FitsmError as e:
        raise FitsmError(f"--changed-since {ref!r}: {e}; in CI, check out with full history "
                         "(fetch-depth: 0)") from None
    uncommitted = _git(root, "diff", "--name-only", "-z", "--relative", "--no-renames", "HEAD", "--")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    return {*committed, *uncommitted, *untracked}


def only_changed(result: Result, changed: set[str], ref: str, config_file: str) -> Result:
    """``result`` narrowed to findings in ``changed`` files (and SMS-wide ones), with a notice saying so."""
    def keep(path: str) -> bool:
        return path in changed or path == config_file

    findings = tuple(f for f in result.findings if keep(f.path))
    hidden = len(result.findings) - len(findings)
    notice = (f"changed since {ref}: {len(changed)} file{'s' if len(changed) != 1 else ''}; "
              f"{hidden} finding{'s' if hidden != 1 else ''} in unchanged files not shown")
    return dataclasses.replace(result, findings=findings, waived=tuple(f for f in result.waived if keep(f.path)),
                               notices=(*result.notices, notice))
