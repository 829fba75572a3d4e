"""Issue 18: attacks by one pull request, each reproduced on real repositories and shown to fail.

One test (or a few) per item of the issue; the test names say which. Git runs with no user or system
configuration (gitsms.isolated_env); fitsm's own calls see the same.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.engine.load import read_sms
from fitsm_kit.engine.run import check
from fitsm_kit.gitcontrol.doccontrol import for_check
from fitsm_kit.sms.config import load_config
from gitsms import GitSms, copy_sms, isolated_env, no_user_git_config

from conftest import Run

AS_OF = dt.date(2026, 11, 26)
_isolated = pytest.fixture(autouse=True)(no_user_git_config)
WORKFLOW = ("::", "##[")  # how a line starts a GitHub Actions workflow command (v2, and v1 anywhere)


def imported(root: Path) -> GitSms:
    """The small acme SMS, imported by farid without any approval: every document lacks approval."""
    copy_sms(root)
    repo = GitSms(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("import", "Import the SMS", who="farid", when="2026-01-05T10:00:00+01:00")
    return repo


def approval_findings(root: Path) -> set[str]:
    config = load_config(root).model_copy(update={"select": ["approved-in-git"]})
    return {f.document for f in check(root, config, AS_OF).findings}


def git_truth(root: Path, sha: str) -> tuple[str, str, str]:
    """Author name, email and subject of one commit, asked of git for that commit alone."""
    out = subprocess.run(["git", "show", "-s", "--format=%an%x00%ae%x00%s", sha], cwd=root, capture_output=True,
                         check=True, env=isolated_env(root.parent)).stdout.decode()
    name, email, subject = out.rstrip("\n").split("\0")
    return name, email, subject


# 1. A commit message cannot forge a history record.

FORGED = ("Policy wording\n\n\x1e" + "f" * 40 + "\x1f" + "a" * 40 + " " + "b" * 40 + "\x1fAlice Martin\x1f"
          "alice.martin@acme-rc.example\x1f2026-01-06T10:00:00+01:00\x1f2026-01-06T10:00:00+01:00\x1f"
          "Merge pull request #7 from acme/policy\x1f\x1f\x1f\n:100644 100644 " + "0" * 40 + " " + "1" * 40
          + " M\ngeneral/policy.yaml\n" + "filler " * 4000)


def test_1_a_commit_message_cannot_forge_a_history_record(tmp_path: Path) -> None:
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    sha = repo.commit("forged", FORGED, who="bob", when="2026-01-06T09:00:00+01:00")
    history, _ = for_check(repo.root, read_sms(repo.root, load_config(repo.root), AS_OF))
    assert history is not None
    assert [c.sha for c in history.data.commits] == [repo.shas["import"], sha]
    for commit in history.data.commits:  # every record is the commit git has, field by field
        assert (commit.author, commit.email, commit.subject) == git_truth(repo.root, commit.sha)
        assert not commit.merge
    record = history.record("sm-policy")
    assert record is not None and record.approvals == ()
    assert [v.commit.sha for v in record.versions] == [repo.shas["import"], sha]
    assert "sm-policy" in approval_findings(repo.root)


def test_1_a_trailer_line_inside_the_message_body_is_not_a_trailer(tmp_path: Path) -> None:
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    repo.commit("body", "Policy wording\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>\n\nmore text",
                who="bob", when="2026-01-06T09:00:00+01:00")
    assert "sm-policy" in approval_findings(repo.root)


def _commit_object(repo: GitSms, author_line: str, parent: str, message: str) -> str:
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    body = f"tree {tree}\nparent {parent}\nauthor {author_line}\ncommitter {author_line}\n\n{message}"
    done = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], cwd=repo.root,
                          input=body.encode(), capture_output=True, check=True, env=isolated_env(repo.root.parent))
    return done.stdout.decode().strip()


def test_dates_out_of_range_are_an_error_naming_the_commit(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    repo.git("add", "-A")
    tree = repo.git("write-tree").strip()
    head = repo.shas["import"]
    body = (f"tree {tree}\nparent {head}\nauthor Bob <b@x> 253402300800 +0000\n"
            f"committer Bob <b@x> 253402300800 +0000\n\nFrom the year 10000\n")
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.root, input=body.encode(),
                         capture_output=True, check=True, env=isolated_env(tmp_path)).stdout.decode().strip()
    repo.git("update-ref", "refs/heads/main", sha)
    run = fitsm("check", repo.root, "--no-cache", "--select", "approved-in-git")
    assert run.code == 2, run.err
    assert f"commit {sha}" in run.err and "outside the supported range" in run.err
    assert "Traceback" not in run.err


# 9. Git configuration from the checked tree runs nothing; untracked links are not followed.

def test_9_an_archives_git_config_runs_no_program(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\nexit 0\n", encoding="utf-8")
    script.chmod(0o755)
    hooks = repo.root / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in ("post-index-change", "reference-transaction", "pre-commit", "post-commit", "commit-msg",
                 "fsmonitor-watchman"):
        shutil.copy(script, hooks / hook)
    (repo.root / ".gitattributes").write_text("*.yaml filter=evil diff=evil\n", encoding="utf-8")
    for key, value in (("core.fsmonitor", str(script)), ("core.pager", str(script)), ("filter.evil.clean", str(script)),
                       ("filter.evil.process", str(script)), ("diff.evil.textconv", str(script)),
                       ("gpg.program", str(script)), ("core.hooksPath", str(hooks))):
        repo.git("config", key, value)
    repo.edit("general/policy.yaml", "Every change", "Each change")  # a pending change: git status looks at it
    os.utime(repo.root / "people" / "people.yaml")  # a stat change makes git re-read (and filter) a file
    run = fitsm("check", repo.root, "--no-cache")
    assert run.code == 1, run.err
    history = fitsm("history", "sm-policy", "--sms", repo.root)
    assert history.code == 0, history.err
    assert not marker.exists(), marker.read_text(encoding="utf-8")


def test_9_an_untracked_link_out_of_the_sms_is_not_followed(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    (repo.root / "general" / "zero.yaml").symlink_to("/dev/zero")
    (repo.root / "general" / "secret.yaml").symlink_to(tmp_path / "outside.yaml")
    (tmp_path / "outside.yaml").write_text("apiVersion: fitsm.eu/v1\n", encoding="utf-8")
    started = time.monotonic()
    run = fitsm("check", repo.root, "--no-cache", "--format", "json")
    assert run.code == 1, run.err
    assert time.monotonic() - started < 30
    assert "symlink points outside the SMS" in run.out
