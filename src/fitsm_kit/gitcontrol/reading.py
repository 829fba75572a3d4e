"""Begin reading Git history for a check: decide whether it can be trusted, and start the reader.

This is the first half of :mod:`.doccontrol` (whose :func:`~.doccontrol.finish` turns what it started into
what rules read), kept apart because it needs no model, index or rule: the ``check`` command calls it
before it imports them, so that on a cache miss the forked history reader (:mod:`.histcache`) starts
while the rest of fitsm-kit is still being imported — on a long history the build is what a cold check
waits for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol import histcache, history
from fitsm_kit.gitcontrol import repo as gitrepo
from fitsm_kit.gitcontrol.repo import cache_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fitsm_kit.sms.config import Config

__all__ = ["FULL_HISTORY_FIX", "SKIPPED", "Begun", "Started", "relied_on", "start"]

FULL_HISTORY_FIX = "fetch the full history: actions/checkout with fetch-depth: 0 (GitLab CI: GIT_DEPTH: 0)"
SKIPPED = ("document control from Git (GR2.4 approvals, changes after approval) was not checked, and reviews "
           "recorded in Git were not counted")


@dataclass(frozen=True)
class Started:
    """History being read: where, at which state, and how to get it and the uncommitted paths."""

    root: Path
    prefix: str
    state: gitrepo.RepoState
    data: Callable[[], history.History]
    changed: Callable[[], tuple[str, ...]]  # paths (relative to the Git top) that differ from HEAD
    exclude: tuple[str, ...]  # the configuration's exclude globs: history reads the files check reads


Begun = tuple[Started | None, tuple[str, ...]]  # history being read (None: not), and the notices why not


def relied_on(root: Path, config: Config) -> bool:
    """Whether the SMS keeps its approvals in Git: ``git: true``, or ``auto`` with the SMS at the top of a
    repository. History that cannot be read then leaves GR2.4's Git rules unchecked, never satisfied."""
    setting = config.document_control.git
    return setting is True or (setting == "auto" and gitrepo.work_tree(root) == root.resolve())


def start(root: Path, config: Config, *, explicit: bool = False) -> Begun:
    """Decide whether history can be trusted, and begin reading it; else None and the notice why not."""
    setting = config.document_control.git
    if setting is False:
        return None, ()
    top = gitrepo.work_tree(root)
    if top is None:
        return None, (f"not a Git repository: {SKIPPED}; keep the SMS in Git ('git init', then commit it)",)
    real = root.resolve()
    prefix = real.relative_to(top).as_posix() if real != top else ""
    if setting == "auto" and prefix and not explicit:
        return None, (f"Git history not used: the SMS is in a subdirectory ({prefix}) of its Git repository, whose "
                      f"history may be another project's; set document_control.git: true in the SMS's "
                      "fitsm.yaml to check approvals from it",)
    try:
        state = gitrepo.repo_state(top)
        if not state.head:
            return None, (f"no commits yet: {SKIPPED}; commit the SMS",)
        if state.shallow:
            return None, (f"shallow clone: the Git history is incomplete, so {SKIPPED} rather than reported with "
                          f"wrong dates; {FULL_HISTORY_FIX}, or run 'git fetch --unshallow'",)
        data = histcache.start(top, prefix, state.head, cache_dir(root), config.exclude)
        changed = gitrepo.changed_paths(top, prefix)
    except history.UnreadableCommit:
        raise
    except FitsmError as e:
        return None, (f"Git history could not be read ({e}): {SKIPPED}",)
    return Started(root, prefix, state, data, changed, tuple(config.exclude)), ()
