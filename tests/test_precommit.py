"""The hooks of ``.pre-commit-hooks.yaml``, run by the real pre-commit from a real ``git commit``.

pre-commit would install a ``language: python`` hook into a fresh virtualenv from the hook repository
(which needs the network); the test runs the same hook definitions as ``repo: local`` hooks of
``language: unsupported`` whose entry is the fitsm installed next to this Python, so every other field
of the manifest (files, types, pass_filenames, require_serial) is what pre-commit applies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, REPO

BIN = Path(sys.executable).parent
MANIFEST: list[dict[str, Any]] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def env(tmp: Path) -> dict[str, str]:
    return {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp), "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1", "PRE_COMMIT_HOME": str(tmp / "pre-commit-cache"), "NO_COLOR": "1",
            "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org", "GIT_COMMITTER_NAME": "Ada",
            "GIT_COMMITTER_EMAIL": "ada@example.org", "GIT_AUTHOR_DATE": "2026-11-20T10:00:00+00:00",
            "GIT_COMMITTER_DATE": "2026-11-20T10:00:00+00:00"}


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=repo, env=env(repo.parent), capture_output=True, text=True, check=False)


def local_hook(hook_id: str) -> dict[str, Any]:
    """The manifest's hook, run with the fitsm of this environment instead of a fresh virtualenv."""
    hook = dict(next(h for h in MANIFEST if h["id"] == hook_id))
    command, *args = hook["entry"].split()
    assert command == "fitsm"
    hook.update(language="unsupported", entry=" ".join([str(BIN / "fitsm"), *args]))
    return hook


def commits(repo: Path) -> int:
    return int(run(repo, "git", "rev-list", "--count", "HEAD").stdout)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The clean example SMS at the root of a Git repository with the hooks installed and one commit."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "acme", repo)
    # approvals from Git history are another issue's subject; this repository has no approval trailers
    with (repo / "fitsm.yaml").open("a", encoding="utf-8") as config:
        config.write("document_control:\n  git: false\n")
    hooks = [local_hook("fitsm-check"), local_hook("fitsm-codeowners")]
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False), encoding="utf-8")
    assert run(repo, "git", "init", "-q", "-b", "main").returncode == 0
    assert run(repo, str(BIN / "fitsm"), "codeowners").returncode == 0
    installed = run(repo, sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stderr
    run(repo, "git", "add", ".")
    first = run(repo, "git", "commit", "-q", "-m", "SMS")
    assert first.returncode == 0, first.stdout + first.stderr
    return repo


def test_the_manifest_is_valid() -> None:
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest",
                           str(REPO / ".pre-commit-hooks.yaml")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    check = next(h for h in MANIFEST if h["id"] == "fitsm-check")
    assert (check["pass_filenames"], check["require_serial"], check["types_or"]) == (False, True, ["yaml"])


def test_a_commit_that_breaks_the_sms_is_blocked_and_the_fix_passes(repo: Path) -> None:
    olas = repo / "agreements" / "olas.yaml"
    good = olas.read_text(encoding="utf-8")
    supplier = good.split("supplier: ", 1)[1].split()[0]
    olas.write_text(good.replace(f"supplier: {supplier}", "supplier: no-such-supplier", 1), encoding="utf-8")
    expected = json.loads(run(repo, str(BIN / "fitsm"), "check", "--format", "json", "--no-cache").stdout)
    assert any(f["rule"] == "unresolved-reference" for f in expected["findings"])

    run(repo, "git", "add", "agreements/olas.yaml")
    blocked = run(repo, "git", "commit", "-m", "OLA with a typo")
    assert blocked.returncode != 0
    shown = blocked.stdout + blocked.stderr
    assert "fitsm check (FitSM-1 requirements)" in shown and "Failed" in shown
    for f in expected["findings"]:
        assert f"{f['path']}:{f['line']}:{f['column']}: {f['requirement']} {f['message']}" in shown
    assert commits(repo) == 1

    olas.write_text(good, encoding="utf-8")
    (repo / "agreements" / "notes.md").write_text("no YAML in this commit\n", encoding="utf-8")
    run(repo, "git", "add", "agreements")
    fixed = run(repo, "git", "commit", "-m", "OLA fixed, notes added")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert commits(repo) == 2


def test_hooks_skip_commits_without_yaml(repo: Path) -> None:
    (repo / "README.md").write_text("About our SMS\n", encoding="utf-8")
    run(repo, "git", "add", "README.md")
    done = run(repo, "git", "commit", "-m", "readme")
    assert done.returncode == 0
    shown = done.stdout + done.stderr
    assert "fitsm check (FitSM-1 requirements)" in shown and "(no files to check)Skipped" in shown


def test_a_commit_that_changes_approvers_needs_a_new_codeowners(repo: Path) -> None:
    sla = repo / "agreements" / "sla-bio-institute.yaml"
    text = sla.read_text(encoding="utf-8")
    owner = text.split("  owner: ", 1)[1].split()[0]
    other = next(p for p in ("bob-keller", "carla-rossi") if p != owner)
    sla.write_text(text.replace(f"  owner: {owner}", f"  owner: {other}", 1), encoding="utf-8")
    assert run(repo, str(BIN / "fitsm"), "check").returncode == 0, "the SMS itself is still clean"
    run(repo, "git", "add", ".")
    blocked = run(repo, "git", "commit", "-m", "new SLA owner")
    assert blocked.returncode != 0
    shown = blocked.stdout + blocked.stderr
    assert "fitsm check (FitSM-1 requirements)" in shown and "Passed" in shown
    assert "agreements/sla-bio-institute.yaml: owned by" in shown and commits(repo) == 1

    assert run(repo, str(BIN / "fitsm"), "codeowners").returncode == 0
    run(repo, "git", "add", ".")
    done = run(repo, "git", "commit", "-m", "new SLA owner, CODEOWNERS regenerated")
    assert done.returncode == 0, done.stdout + done.stderr
    assert commits(repo) == 2


def test_the_codeowners_hook_runs_for_yaml_files_whatever_the_case_of_their_extension() -> None:
    """fitsm reads 'ola.YAML' (Windows keeps the case it was given); a commit of it alone must run the hook,
    as pre-commit matches ``files`` (re.search on the staged path)."""
    pattern = re.compile(next(h for h in MANIFEST if h["id"] == "fitsm-codeowners")["files"])
    assert [p for p in ("CODEOWNERS", ".github/CODEOWNERS", "sms/sla.yaml", "sms/ola.YAML", "x.Yml", "README.md",
                        "CODEOWNERS.bak") if pattern.search(p)] == [
        "CODEOWNERS", ".github/CODEOWNERS", "sms/sla.yaml", "sms/ola.YAML", "x.Yml"]
