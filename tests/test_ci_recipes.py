"""The CI recipes of the README: valid YAML with the steps it promises, and commands fitsm accepts."""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitsm_kit.sms.loader import load_file

from conftest import EXAMPLES, REPO, Run

RECIPES = REPO / "docs" / "examples"


def load(name: str) -> Any:
    """Read with fitsm's YAML 1.2 loader, as GitHub and GitLab do (``on:`` stays a string key)."""
    loaded = load_file(RECIPES / name, name)
    assert loaded.problems == []
    ((_, data),) = loaded.documents
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def test_github_workflow_has_the_named_steps() -> None:
    workflow = load("github-workflow.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    check, pages = workflow["jobs"]["check"], workflow["jobs"]["pages"]
    assert check["permissions"]["security-events"] == "write"
    for job in (check, pages):
        checkout = steps(job)[0]
        assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    runs = {s.get("name"): s for s in steps(check)}
    sarif = runs["Check the SMS (SARIF)"]
    assert sarif["run"] == "fitsm check --format sarif --output fitsm.sarif"
    upload = runs["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "fitsm.sarif" and upload["if"].startswith("always()")
    assert "fitsm check --changed-since" in runs["Check the SMS (annotations)"]["run"]
    assert steps(check)[-1] is runs["Check the SMS (annotations)"], "the gating check comes after the upload"
    page_steps = {s.get("name"): s for s in steps(pages)}
    assert page_steps["Render the site"]["run"] == "fitsm render --out site"
    assert page_steps["Upload the site"]["uses"].startswith("actions/upload-pages-artifact@")
    assert page_steps["Upload the site"]["with"]["path"] == "site"
    assert page_steps["Publish to GitHub Pages"]["uses"].startswith("actions/deploy-pages@")
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_gitlab_ci_has_a_junit_report_and_pages() -> None:
    pipeline = load("gitlab-ci.yml")
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    check = pipeline["fitsm-check"]
    report = check["artifacts"]["reports"]["junit"]
    assert any(f"--format junit --output {report}" in line for line in check["script"])
    assert check["artifacts"]["when"] == "always"
    pages = pipeline["pages"]
    assert pages["script"] == ["fitsm render --out public"] and pages["artifacts"]["paths"] == ["public"]


@pytest.mark.parametrize("name", ["github-workflow.yml", "gitlab-ci.yml"])
def test_the_readme_shows_the_recipe_as_it_is(name: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"```yaml\n{(RECIPES / name).read_text(encoding='utf-8')}```" in readme


def fitsm_commands() -> list[list[str]]:
    """Every ``fitsm check`` command line of both recipes that has no shell variables in it."""
    lines = [s["run"] for s in steps(load("github-workflow.yml")["jobs"]["check"]) if "run" in s]
    lines += load("gitlab-ci.yml")["fitsm-check"]["script"]
    commands = []
    for text in lines:
        for line in str(text).splitlines():
            words = shlex.split(line.split("||")[0], comments=True)
            if words[:2] == ["fitsm", "check"] and not any("$" in w for w in words):
                commands.append(words[1:])
    return commands


@pytest.mark.parametrize("args", fitsm_commands(), ids=" ".join)
def test_the_recipe_commands_run(args: list[str], tmp_path: Path, fitsm: Callable[..., Run],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLES / "acme-broken", tmp_path / "sms")
    monkeypatch.chdir(tmp_path / "sms")
    run = fitsm(*args)
    assert run.code == 1, run.err  # the planted findings
    if "--output" in args:
        assert (tmp_path / "sms" / args[args.index("--output") + 1]).stat().st_size > 0
