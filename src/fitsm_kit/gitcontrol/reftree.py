"""Another commit's tree on disk, to check the SMS as it was there (pull-request mode compares with it).

``git worktree add --detach`` into a temporary directory gives a real checkout with its own HEAD, so
a check of it reads that commit's Git history too (approvals are compared like everything else). Hooks
are off while it is made (``core.hooksPath``: a post-checkout hook must not run for it), and it is
removed, with its administrative files, when the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol.repo import run_git, work_tree


def commit_of(root: Path, ref: str) -> str:
    """The commit sha ``ref`` names in the repository of ``root``; FitsmError when there is none."""
    if ref.startswith("-"):
        raise FitsmError(f"{ref!r}: a Git ref cannot start with '-'")
    sha = run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
                  may_fail=True).decode().strip()
    if not sha:
        raise FitsmError(f"{ref!r}: no such commit in the repository of {root}; fetch it (in CI: check out with "
                         "full history, e.g. fetch-depth: 0)")
    # git takes a tag before a branch of the same name: a tag 'origin/main' pushed at a pull request's head
    # would make the change compare with itself. Names that git could read in two ways are refused.
    candidates = [f"refs/{ref}", f"refs/tags/{ref}", f"refs/heads/{ref}", f"refs/remotes/{ref}"]
    listed = run_git(root, "for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "--end-of-options",
                     *candidates, may_fail=True).decode("utf-8", "surrogateescape").splitlines()
    commits = {fields[-1] for line in listed if (fields := line.split()) and fields[0] in candidates}
    if len(commits) > 1:
        names = ", ".join(line.split()[0] for line in listed if line.split()[0] in candidates)
        raise FitsmError(f"{ref!r} is ambiguous: {names} name different commits; give the full name "
                         f"(e.g. refs/remotes/{ref}) or delete the one that is not meant")
    return sha


def sms_prefix(root: Path) -> tuple[Path, str]:
    """The top of the Git work tree holding the SMS at ``root``, and the SMS's path below it ("" at the top)."""
    real = root.resolve()
    top = work_tree(real)
    if top is None:
        raise FitsmError(f"{root} is not in a Git repository")
    return top, real.relative_to(top).as_posix() if real != top else ""


@contextlib.contextmanager
def checkout(root: Path, sha: str) -> Iterator[Path]:
    """The SMS root of ``root``'s repository as it is at commit ``sha``, in a temporary worktree.

    The path may not exist: the SMS (or its directory) was not there at that commit.
    """
    top, prefix = sms_prefix(root)
    scratch = Path(tempfile.mkdtemp(prefix="fitsm-ref-"))
    tree = scratch / "tree"
    try:
        run_git(top, "-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach", "--quiet", "--force",
                str(tree), sha)
        yield tree / prefix if prefix else tree
    finally:
        run_git(top, "worktree", "remove", "--force", str(tree), may_fail=True)
        shutil.rmtree(scratch, ignore_errors=True)
        run_git(top, "worktree", "prune", may_fail=True)
