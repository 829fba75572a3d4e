"""Issue 18, the rest: bounded output and work, dates and patterns at their limits, CSV cells, and a
``core.worktree`` from an archive's ``.git/config``. Real repositories, the real CLI.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gitsms import GitSms, copy_sms, no_user_git_config

from conftest import Run

_isolated = pytest.fixture(autouse=True)(no_user_git_config)


def test_an_archives_core_worktree_does_not_move_the_work_tree(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """``core.worktree`` in ``.git/config`` would make git status (and so the pending changes) read another
    directory: here one where every SMS file is missing and a changed policy waits."""
    root = tmp_path / "sms"
    copy_sms(root)
    repo = GitSms(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("import", "Import the SMS", who="farid", when="2026-01-05T10:00:00+01:00")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "general").mkdir(parents=True)
    shutil.copy(root / "general" / "policy.yaml", elsewhere / "general" / "policy.yaml")
    repo.git("config", "core.worktree", str(elsewhere))
    run = fitsm("check", root, "--no-cache", "--format", "json")
    assert run.code == 1, run.err
    notices = json.loads(run.out)["notices"]
    assert not [n for n in notices if "uncommitted changes" in n], notices
    history = fitsm("history", "sm-policy", "--sms", root, "--format", "json")
    assert history.code == 0, history.err
    assert json.loads(history.out)["documents"][0]["uncommitted"] is False
