"""Running git on behalf of the user, and the state of the repository an SMS lives in.

fitsm runs inside Git hooks, where git exports ``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_INDEX_FILE`` and
friends for the hook's own repository (pre-commit's ``no_git_env`` lesson). Every git call here gets a
clean environment, so git sees the repository of the directory it runs in and nothing else.

The repository's own ``.git/config`` is not trusted: an SMS may be checked from an unpacked archive or a
CI cache whose ``.git`` someone else wrote. Every git call therefore runs with the settings that make git
start programs switched off (:data:`HARDENED`: fsmonitor, hooks, pagers, external diff, signature
programs other than the standard ones) and with every clean / smudge / process filter the configuration
defines emptied, so ``git status`` and ``git commit`` run no filter program.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fitsm_kit.errors import FitsmError

# Variables that shape where git looks and what it reads; a hook sets some of them for its own purpose.
_GIT_LOCATION_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
                      "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
                      "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_QUARANTINE_PATH", "GIT_EXEC_PATH")


# Settings by which a repository's configuration would make git run a program fitsm never needs.
HARDENED = ("core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "core.quotePath=false",
            "core.untrackedCache=false", "core.sshCommand=ssh", "diff.external=", "log.showSignature=false",
            "gpg.program=gpg", "gpg.ssh.program=ssh-keygen", "gpg.x509.program=gpgsm", "credential.helper=",
            "protocol.allow=never", "uploadpack.packObjectsHook=", "core.alternateRefsCommand=")


def git_env() -> dict[str, str]:
    """The environment for git: the user's, minus what a hook sets, with stable output settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in _GIT_LOCATION_VARS and not k.startswith(("GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
                                                                 "GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))}
    env.pop("GIT_EXTERNAL_DIFF", None)
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_PAGER="cat", PAGER="cat")
    # Evidence comes from the commits themselves. `git replace` (refs/replace/*) shows another object in
    # place of a commit and a graft file (.git/info/grafts) gives a commit other parents: either, set up
    # locally, could turn a direct commit into an approved merge. Both are switched off; the graft file is
    # the null device, with git's deprecation hint about it silenced.
    env.update(GIT_NO_REPLACE_OBJECTS="1", GIT_GRAFT_FILE=os.devnull, GIT_CONFIG_COUNT="1",
               GIT_CONFIG_KEY_0="advice.graftFileDeprecated", GIT_CONFIG_VALUE_0="false")
    return env


@functools.lru_cache(maxsize=16)
def _hardened(cwd: str) -> tuple[str, ...]:
    """``-c`` options for :data:`HARDENED` and for emptying each filter the configuration at ``cwd`` defines;
    ``--work-tree`` when it sets ``core.worktree`` (which would point git at another directory's files)."""
    options = [arg for setting in HARDENED for arg in ("-c", setting)]
    try:  # reading the configuration runs nothing; it only names the filter drivers to switch off
        done = subprocess.run(["git", "config", "--null", "--name-only", "--get-regexp",
                               r"^filter\..*\.|^core\.worktree$"], cwd=cwd, env=git_env(), capture_output=True,
                              check=False)
    except OSError:
        return tuple(options)
    names = {name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name}
    top = work_tree(Path(cwd))
    if "core.worktree" in names and top is not None:  # the work tree is where the .git is, as fitsm found it
        options.append(f"--work-tree={top}")
    drivers = {name.rpartition(".")[0] for name in names if name.startswith("filter.")}
    for driver in sorted(drivers):
        options += ["-c", f"{driver}.clean=", "-c", f"{driver}.smudge=", "-c", f"{driver}.process=",
                    "-c", f"{driver}.required=false"]
    return tuple(options)


def git_command(cwd: Path, *args: str) -> list[str]:
    """The command line for ``git ARGS`` in ``cwd``, with the hardened configuration."""
    return ["git", *_hardened(str(cwd)), *args]


def run_git(cwd: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            may_fail: bool = False, config: tuple[str, ...] = ()) -> bytes:
    """Run ``git ARGS`` in ``cwd``; its stdout, or a FitsmError with git's last line of complaint.

    With ``may_fail`` a non-zero exit is not an error: the (possibly partial) stdout is returned.
    ``config``: further ``key=value`` settings for this call (after the hardened ones).
    """
    options = [arg for setting in config for arg in ("-c", setting)]
    try:
        done = subprocess.run(git_command(cwd, *options, *args), cwd=cwd, env=env or git_env(),
                              input=stdin, capture_output=True, check=False)
    except OSError as e:
        raise FitsmError(f"git could not be run: {e.strerror or e}") from None
    if done.returncode != 0 and not may_fail:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FitsmError(f"git {args[0]} failed in {cwd}: {lines[-1] if lines else done.returncode}")
    return done.stdout


def popen_git(cwd: Path, *args: str, stdin: IO[bytes] | int = subprocess.PIPE,
              stdout: IO[bytes] | int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    """Start ``git ARGS`` in ``cwd`` with pipes for stdout and stderr (and stdin, unless ``stdin`` is a file
    to read; stdout, unless ``stdout`` is a file to write), to stream what it says.

    Finish with :func:`wait_git`. Its stderr is read only at the end: git says little there.
    """
    try:
        return subprocess.Popen(git_command(cwd, *args), cwd=cwd, env=git_env(),
                                stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
    except OSError as e:
        raise FitsmError(f"git could not be run: {e.strerror or e}") from None


def wait_git(proc: subprocess.Popen[bytes], cwd: Path, what: str) -> None:
    """Wait for a git started by :func:`popen_git`; a FitsmError with its last complaint if it failed."""
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()
    complaint = b""
    if proc.stderr is not None:
        complaint = proc.stderr.read()
        proc.stderr.close()
    if proc.wait() != 0:
        lines = complaint.decode("utf-8", "replace").strip().splitlines()
        raise FitsmError(f"git {what} failed in {cwd}: {lines[-1] if lines else proc.returncode}")


def work_tree(start: Path) -> Path | None:
    """The top of the Git work tree holding ``start`` (a ``.git`` directory or file), found without git."""
    start = start.resolve()
    for parent in (start, *start.parents):
        if (parent / ".git").exists():
            return parent
    return None


@dataclass(frozen=True)
class RepoState:
    """What degrades history: a shallow clone, a detached HEAD, no commit yet."""

    top: Path
    head: str  # the commit sha, "" before the first commit
    branch: str  # "" when HEAD is detached
    shallow: bool


def repo_state(top: Path) -> RepoState:
    """The state of the repository at ``top``."""
    # before the first commit, --verify fails and prints no sha
    lines = run_git(top, "rev-parse", "--is-shallow-repository", "--verify", "-q", "HEAD", may_fail=True).split()
    shallow = bool(lines) and lines[0] == b"true"
    head = lines[1].decode() if len(lines) > 1 else ""
    return RepoState(top, head, head_branch(top), shallow)


# What the `fitsm` process has seen of Git's state, once :func:`remember` is called: the command's replay
# snapshot, result-cache key, history and branch then judge one state, and a pre-commit run starts git three
# times fewer (each start ~5 ms). Off in a library use, where one process may check one repository twice.
_REMEMBER = False
_SEEN: dict[tuple[str, str], str] = {}
_STATUS: dict[tuple[str, str], bytes] = {}
_STATUS_ARGS = ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--")


def remember() -> None:
    """This process runs one command (the ``fitsm`` program): what it first reads of HEAD's branch and of
    ``git status`` holds for the rest of it (the closing snapshot of a replay record asks again)."""
    global _REMEMBER
    _REMEMBER = True


def head_branch(top: Path) -> str:
    """The branch HEAD names ("" when detached); asked once in a process that remembers (:func:`remember`)."""
    key = ("head", str(top))
    if key in _SEEN:
        return _SEEN[key]
    branch = run_git(top, "symbolic-ref", "-q", "--short", "HEAD", may_fail=True).decode("utf-8", "surrogateescape")
    branch = branch.strip()
    if _REMEMBER:
        _SEEN[key] = branch
    return branch


def status(top: Path, prefix: str, *, again: bool = False) -> bytes:
    """What ``git status`` reports below ``prefix`` (relative to ``top``): staged, modified and untracked
    files that are not ignored; as first asked in a process that remembers, unless ``again``."""
    key = (str(top), prefix or ".")
    if not again and key in _STATUS:
        return _STATUS[key]
    out = run_git(top, *_STATUS_ARGS, prefix or ".")
    if _REMEMBER:
        _STATUS[key] = out
    return out


def changed_paths(top: Path, prefix: str) -> Callable[[], tuple[str, ...]]:
    """Start listing the paths below ``prefix`` (relative to ``top``) that differ from HEAD: staged,
    modified, untracked; call the result for them (git works meanwhile, unless this process asked already)."""
    seen = _STATUS.get((str(top), prefix or "."))
    proc = None if seen is not None else popen_git(top, *_STATUS_ARGS, prefix or ".")

    def result() -> tuple[str, ...]:
        out = seen
        if proc is not None:
            assert proc.stdout is not None
            out = proc.stdout.read()
            wait_git(proc, top, "status")
        assert out is not None
        listed = out.decode("utf-8", "surrogateescape").split("\0")
        return tuple(entry[3:] for entry in listed if len(entry) > 3)

    return result


def cache_dir(root: Path) -> Path:
    """``<git-dir>/fitsm-kit`` when the SMS is in a Git work tree, else the user's cache directory."""
    for parent in (root.resolve(), *root.resolve().parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            return dot_git / "fitsm-kit"
        if dot_git.is_file():  # worktrees and submodules: "gitdir: <path>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (parent / text[7:].strip()).resolve() / "fitsm-kit"
    return user_cache() / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]


def user_cache() -> Path:
    """fitsm-kit's directory in the user's cache directory (``$XDG_CACHE_HOME``, else ``~/.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fitsm-kit"
