"""``fitsm init``: a new SMS that loads cleanly, whose findings are exactly what the user must fill in."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from fitsm_kit.engine.run import check
from fitsm_kit.findings import Finding
from fitsm_kit.gitcontrol import codeowners
from fitsm_kit.model.base import ProcessCode
from fitsm_kit.rules import REGISTRY
from fitsm_kit.scaffold.init import HOOK_ID
from fitsm_kit.sms.config import load_config

from conftest import REPO, Run

BROKEN = {"yaml-syntax", "document-shape", "unknown-kind", "schema", "duplicate-id", "unresolved-reference",
          "unsafe-path"}
PROCESS_PARTS = ("goals", "inputs", "activities", "outputs", "roles", "interfaces")
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "T",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_AUTHOR_DATE": "2026-11-26T10:00:00Z", "GIT_COMMITTER_DATE": "2026-11-26T10:00:00Z"}


def findings(root: Path) -> list[Finding]:
    config = load_config(root)
    return list(check(root, config, config.as_of or dt.date.today()).findings)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def test_init_then_check_reports_only_the_content_to_fill_in(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    run = fitsm("init", root, "--no-input")
    assert run.code == 0, run.err
    found = findings(root)
    assert found and not [f for f in found if f.rule in BROKEN]
    assert all(f.fix for f in found), [f for f in found if not f.fix]
    # every finding points at a file init wrote, or at fitsm.yaml for something the SMS lacks as a whole
    written = snapshot(root)
    assert {f.path for f in found} <= set(written)
    # each TODO placeholder is reported once, at its line, and nothing else is reported as one
    todos = Counter((rel, n) for rel, data in written.items() if rel.endswith(".yaml") and rel != "fitsm.yaml"
                    for n, line in enumerate(data.decode().splitlines(), 1) for _ in re.findall(r'"TODO\b', line))
    assert Counter((f.path, f.line) for f in found if f.rule == "placeholder-text") == todos
    assert len(todos) >= 10
    # each of the 14 empty process definitions asks for its six parts
    parts = {(f.path, f.message) for f in found if f.rule == "process-definitions"}
    assert parts == {(f"processes/{c.value.lower()}.yaml", f"process definition has no {p}")
                     for c in ProcessCode for p in PROCESS_PARTS}
    # the rules that report the skeleton's gaps; others (added later) may report more, never structure
    rules = {f.rule for f in found}
    # (drafts are not yet due for review: their approval starts the first review interval)
    assert {"placeholder-text", "process-definitions", "sms-plan-content"} <= rules
    assert rules <= set(REGISTRY)
    # the SMS owner is named as top management and holds the role: GR1.1's assignment is not a gap
    assert not [f for f in found if f.rule == "sms-owner-assigned"]


def test_init_into_an_existing_sms_refuses_and_changes_nothing(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0
    before = snapshot(root)
    again = fitsm("init", root, "--no-input")
    assert again.code == 2 and "already holds an SMS" in again.err
    nested = fitsm("init", root / "general" / "sub", "--no-input")
    assert nested.code == 2 and "inside the SMS" in nested.err
    assert snapshot(root) == before


def test_init_keeps_files_that_exist(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_bytes(b"# Our repo\n")
    run = fitsm("init", root, "--no-input")
    assert run.code == 0 and "kept README.md" in run.out
    assert (root / "README.md").read_bytes() == b"# Our repo\n"
    assert (root / "fitsm.yaml").is_file() and (root / "general" / "policy.yaml").is_file()


def test_git_init_runs_only_outside_a_repository(tmp_path: Path, fitsm: Callable[..., Run],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    fresh = tmp_path / "fresh"
    assert "git: initialised" in fitsm("init", fresh, "--no-input").out
    assert (fresh / ".git").is_dir()
    outer = tmp_path / "outer"
    outer.mkdir()
    subprocess.run(["git", "init", "--quiet"], cwd=outer, check=True)
    run = fitsm("init", outer / "sms", "--no-input")
    assert "git: existing" in run.out and not (outer / "sms" / ".git").exists()
    # the new repository commits cleanly: nothing generated is ignored or unreadable
    subprocess.run(["git", "add", "-A"], cwd=fresh, check=True)
    subprocess.run(["git", "commit", "--quiet", "-m", "SMS skeleton"], cwd=fresh, check=True)
    tracked = subprocess.run(["git", "ls-files"], cwd=fresh, check=True, capture_output=True, text=True).stdout
    assert set(tracked.split()) == set(snapshot(fresh))


def test_init_prompts_for_the_organisation_and_the_two_people(tmp_path: Path) -> None:
    stdin = "ACME Research Computing\nAlice Martin <alice@acme.example>\nBob Keller <bob@acme.example>\n"
    done = subprocess.run([sys.executable, "-m", "fitsm_kit", "init", "sms"], cwd=tmp_path, input=stdin, text=True,
                          capture_output=True, env={**os.environ, **GIT_ENV}, check=False)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "sms"
    alice = yaml.safe_load((root / "people" / "alice-martin.yaml").read_text())
    assert alice["spec"].items() >= {"name": "Alice Martin", "email": "alice@acme.example",
                                     "top_management": True}.items()
    roles = yaml.safe_load((root / "general" / "roles.yaml").read_text())["spec"]["assignments"]
    assert roles[:2] == [{"role": "sms-owner", "person": "alice-martin", "since": roles[0]["since"]},
                         {"role": "sms-manager", "person": "bob-keller", "since": roles[0]["since"],
                          "nominated_by": "alice-martin"}]
    scope = yaml.safe_load((root / "general" / "scope.yaml").read_text())["spec"]
    assert scope["organisations"] == ["ACME Research Computing"]
    found = findings(root)
    assert not [f for f in found if f.rule in BROKEN]
    assert not [f for f in found if f.path.startswith("people/") and f.rule == "placeholder-text"]


def test_generated_ci_and_hook_configuration(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    precommit = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    assert [h["id"] for r in precommit["repos"] for h in r["hooks"]] == [HOOK_ID]
    assert HOOK_ID in {h["id"] for h in hooks}
    workflow = yaml.safe_load((root / ".github" / "workflows" / "fitsm.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s.get("run", "") for s in steps]
    assert any("pip install" in r and "fitsm-kit" in r for r in runs)
    summary = "--format markdown >> \"$GITHUB_STEP_SUMMARY\""
    assert any("fitsm check --changed-since" in r and summary in r for r in runs)
    assert any("fitsm check --changed-since" in r and "\n  fitsm check\n" in r for r in runs)
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text())["fitsm-check"]
    assert gitlab["variables"]["GIT_DEPTH"] == "0"
    assert any("--format markdown --output fitsm-summary.md" in line and "\n  fitsm check\n" in line
               for line in gitlab["script"])
    # CODEOWNERS is fitsm codeowners' output, so that command regenerates it once people have user names
    assert (root / "CODEOWNERS").read_text().startswith(codeowners.MARKER)
    owner = root / "people" / "sms-owner.yaml"
    owner.write_text(owner.read_text().replace("  # github: USER ", "  github: alice-gh "))
    assert fitsm("codeowners", root).code == 0
    assert "* @alice-gh" in (root / "CODEOWNERS").read_text().splitlines()
    for schema in (root / "schemas").glob("*.json"):
        assert json.loads(schema.read_text())["$schema"].startswith("http://json-schema.org/draft-07")


def test_an_initialised_sms_renders_as_a_site(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    # init writes no mkdocs.yml: 'fitsm render' generates its own configuration (mkdocs build --strict)
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0
    run = fitsm("render", root, "--out", tmp_path / "site")
    assert run.code == 0, run.err
    assert (tmp_path / "site" / "index.html").is_file()


def precommit_env(tmp: Path) -> dict[str, str]:
    bin_dir = Path(sys.executable).parent
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp), "NO_COLOR": "1",
            "PRE_COMMIT_HOME": str(tmp / "pre-commit-cache"), **GIT_ENV}


def local_hooks(config: Path) -> dict[str, object]:
    """The generated pre-commit configuration, with its fitsm-check hook run by the fitsm installed here
    (pre-commit would otherwise install the hook repository from the network; see test_precommit.py)."""
    generated = yaml.safe_load(config.read_text())
    ((repo,),) = [generated["repos"]]
    ((hook,),) = [repo["hooks"]]
    manifest = next(h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if h["id"] == hook["id"])
    local = {**manifest, **hook, "language": "unsupported", "entry": f"{Path(sys.executable).parent / 'fitsm'} check"}
    config.write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}), encoding="utf-8")
    return local


def git_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=precommit_env(cwd.parent), capture_output=True, text=True, check=False)


def test_init_pre_commit_install_and_the_first_commit_passes(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0
    todo = json.loads(fitsm("check", root, "--format", "json", "--no-baseline").out)["findings"]
    assert len(todo) > 100, "the skeleton's to-do list"
    local_hooks(root / ".pre-commit-config.yaml")
    assert git_run(root, sys.executable, "-m", "pre_commit", "install").returncode == 0
    git_run(root, "git", "add", "-A")
    first = git_run(root, "git", "commit", "-m", "SMS skeleton")
    assert first.returncode == 0, first.stdout + first.stderr
    shown = first.stdout + first.stderr
    assert "fitsm check (FitSM-1 requirements)" in shown and "Passed" in shown
    # the to-do list is still there, as known findings that fail nothing
    listed = fitsm("check", root)
    assert listed.code == 0 and f"Known, in the baseline fitsm-baseline.json (not failing, {len(todo)}):" in listed.out
    # the to-do list of a young SMS is ordered: the organisation first, then the processes (with counts)
    headers = [line for line in listed.out.splitlines() if line[:3] in ("1. ", "2. ", "3. ", "4. ")]
    assert headers[0].startswith("1. The organisation: SMS owner and manager, policy, scope, plan (")
    assert headers[1].startswith("2. The processes (") and len(headers) == len(set(headers))
    assert sum(int(h.rsplit("(", 1)[1].split()[0]) for h in headers) == len(todo)
    assert json.loads(fitsm("check", root, "--format", "json").out)["known"] == todo  # formats keep file order
    # a later commit that breaks a reference is blocked
    plan = root / "general" / "plan.yaml"
    plan.write_text(plan.read_text().replace("  owner: sms-manager", "  owner: nobody-at-all", 1))
    git_run(root, "git", "add", "-A")
    blocked = git_run(root, "git", "commit", "-m", "a typo")
    assert blocked.returncode != 0 and "[unresolved-reference]" in blocked.stdout + blocked.stderr
    assert git_run(root, "git", "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_init_inside_an_existing_repository(tmp_path: Path, fitsm: Callable[..., Run],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    (repo / ".gitlab-ci.yml").write_text("build:\n  script: [make]\n", encoding="utf-8")
    run = fitsm("init", repo / "sms", "--no-input")
    assert run.code == 0, run.err
    # the hook, the workflow and CODEOWNERS work only at the top: they go there, naming the SMS's directory
    for rel in (".pre-commit-config.yaml", ".github/workflows/fitsm.yml", "CODEOWNERS"):
        assert (repo / rel).is_file() and not (repo / "sms" / rel).exists(), rel
    hook = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"][0]
    assert hook["args"] == ["sms"]
    workflow = (repo / ".github" / "workflows" / "fitsm.yml").read_text()
    assert "fitsm check sms --changed-since" in workflow and "fitsm check sms\n" in workflow
    assert (repo / "CODEOWNERS").read_text().startswith(codeowners.MARKER)
    # an existing file is kept, and the snippet to add is printed
    assert (repo / ".gitlab-ci.yml").read_text() == "build:\n  script: [make]\n"
    assert "../.gitlab-ci.yml exists; not overwritten. Add this to it:" in run.out
    assert "fitsm check sms --changed-since" in run.out
    # the SMS uses the repository's history
    assert load_config(repo / "sms").document_control.git is True
    # and the hook works from the top of the repository
    local_hooks(repo / ".pre-commit-config.yaml")
    assert git_run(repo, sys.executable, "-m", "pre_commit", "install").returncode == 0
    git_run(repo, "git", "add", "-A")
    first = git_run(repo, "git", "commit", "-m", "SMS")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Passed" in first.stdout + first.stderr
