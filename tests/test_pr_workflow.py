"""Pull-request review as the approval workflow, end to end, with real Git (issue 16).

A bare "origin", a developer's clone with the real pre-commit hook, a feature branch, the merge made
the way GitHub or GitLab makes it in a "platform" clone, and CI's checks in a fresh clone: on the
branch, in pull-request mode and on the default branch after the merge. What each merge style records
is the table in the README ("Pull requests: from branch to merge").
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from fitsm_kit.gitcontrol.branch import default_branch
from gitsms import PEOPLE, GitSms, isolated_env, no_user_git_config

from conftest import EXAMPLES, REPO, Run

BIN = Path(sys.executable).parent
SLA = "agreements/sla-bio-institute.yaml"
CHANGE = ("value: 99.5, unit", "value: 99.0, unit")
WHAT = "spec.targets[0].value: 99.5 → 99.0"
APPROVERS = "carla-rossi (@crossi)"  # the SLM process manager; eva-novak (@evanovak) owns the SLA
IMPORT = ("Import the SMS\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>\n"
          "Approved-by: Bob Keller <bob.keller@acme-rc.example>\n"
          "Approved-by: Carla Rossi <carla.rossi@acme-rc.example>")


def trailer(who: str) -> str:
    name, email = PEOPLE[who]
    return f"Approved-by: {name} <{email}>"


def pre_commit_config() -> str:
    """The manifest's fitsm-check hook, run with the fitsm of this environment (see test_precommit.py)."""
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = dict(next(h for h in manifest if h["id"] == "fitsm-check"))
    hook.update(language="unsupported", entry=f"{BIN / 'fitsm'} check")
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, sort_keys=False)


class Team:
    """origin.git, and clones of it: the developer's (with pre-commit), the platform's, CI's."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        seed = GitSms(tmp / "seed")
        shutil.copytree(EXAMPLES / "acme", seed.root)
        (seed.root / ".pre-commit-config.yaml").write_text(pre_commit_config(), encoding="utf-8")
        seed.git("init", "-q", "-b", "main")
        seed.commit("import", IMPORT, who="farid", when="2026-01-05T10:00:00+01:00")
        subprocess.run(["git", "clone", "-q", "--bare", str(seed.root), str(tmp / "origin.git")], check=True,
                       env=isolated_env(tmp), capture_output=True)
        self.dev = self.clone("dev")
        done = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=self.dev.root, check=False,
                              env=isolated_env(tmp) | {"PRE_COMMIT_HOME": str(tmp / "pre-commit")},
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    def clone(self, name: str) -> GitSms:
        target = self.tmp / name
        if target.exists():
            shutil.rmtree(target)
        subprocess.run(["git", "clone", "-q", str(self.tmp / "origin.git"), str(target)], check=True,
                       env=isolated_env(self.tmp), capture_output=True)
        return GitSms(target)

    def propose(self, branch: str, who: str, when: str = "2026-11-10T09:00:00+01:00") -> GitSms:
        """``who`` changes the SLA on ``branch`` in the developer's clone, committing through pre-commit."""
        self.dev.git("checkout", "-q", "-b", branch, "origin/main")
        self.dev.edit(SLA, *CHANGE)
        self.dev.commit(branch, "Lower the availability target", who=who, when=when)
        self.dev.git("push", "-q", "origin", branch)
        return self.dev


def commit_blocked(repo: GitSms, message: str, who: str) -> subprocess.CompletedProcess[str]:
    name, email = PEOPLE[who]
    env = isolated_env(repo.root.parent) | {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                                            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    subprocess.run(["git", "add", "-A"], cwd=repo.root, env=env, check=True)
    return subprocess.run(["git", "commit", "-m", message], cwd=repo.root, env=env, capture_output=True, text=True,
                          check=False)


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    no_user_git_config(monkeypatch, tmp_path)
    return Team(tmp_path)


def check(fitsm: Callable[..., Run], where: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    run = fitsm("check", where, "--format", "json", "--no-cache", *args)
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)["findings"]


def verdicts(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(f["rule"], f["severity"], f["document"]) for f in findings]


def pending_on_the_branch(fitsm: Callable[..., Run], team: Team) -> None:
    """The checks before the merge: on the branch, and in pull-request mode; both pass, with the state."""
    code, found = check(fitsm, team.dev.root)
    assert (code, verdicts(found)) == (0, [("approval-pending", "info", "sla-bio-institute")])
    message = found[0]["message"]
    assert message.startswith(f"approval pending until it reaches origin/main: {WHAT}; to be approved by the SLM "
                              "process manager or its owner: ")
    assert APPROVERS in message and "eva-novak (@evanovak)" in message
    code, found = check(fitsm, team.dev.root, "--changed-since", "origin/main")
    assert (code, verdicts(found)) == (0, [("approval-pending", "info", "sla-bio-institute")])
    summary = fitsm("check", team.dev.root, "--changed-since", "origin/main", "--format", "markdown")
    assert summary.code == 0
    assert "1 new finding (0 errors), 0 fixed, 0 already there; 1 document awaiting approval." in summary.out
    row = next(line for line in summary.out.splitlines() if line.startswith("| changed | sla-bio-institute"))
    assert row.endswith(f"| the SLM process manager or its owner: {APPROVERS}, eva-novak (@evanovak) |")


def merged(team: Team, style: str) -> GitSms:
    """Merge the branch into main the way the platform does, push main, and return CI's fresh clone."""
    platform = team.clone("platform")
    when = "2026-11-12T15:00:00+01:00"
    if style == "github-merge":  # authored by whoever pressed the button
        platform.git("merge", "-q", "--no-ff", "-m", "Merge pull request #12 from acme/lower-availability\n\n"
                     "Lower the availability target", "origin/lower-availability", who="carla", when=when)
    elif style == "github-squash":  # authored by the pull request's author; the approver only in a trailer
        platform.git("merge", "-q", "--squash", "origin/lower-availability")
        platform.git("commit", "-q", "-m", f"Lower the availability target (#12)\n\n{trailer('carla')}",
                     who="farid", when=when)
    elif style == "gitlab-merge":  # GitLab's merge commit template with %{approved_by}; merged by greta
        platform.git("merge", "-q", "--no-ff", "-m", "Merge branch 'lower-availability' into 'main'\n\n"
                     f"Lower the availability target\n\nSee merge request acme/sms!7\n\n{trailer('carla')}",
                     "origin/lower-availability", who="greta", when=when)
    elif style == "rebase":  # commits replayed on main: authors kept, nobody's approval recorded
        platform.git("cherry-pick", "origin/main..origin/lower-availability", who="greta", when=when)
    elif style == "fast-forward":
        platform.git("merge", "-q", "--ff-only", "origin/lower-availability")
    platform.git("push", "-q", "origin", "main")
    return team.clone("ci")


APPROVED, UNAPPROVED = (0, []), (1, [("changed-after-approval", "error", "sla-bio-institute")])


@pytest.mark.parametrize(("style", "after"), [("github-merge", APPROVED), ("github-squash", APPROVED),
                                              ("gitlab-merge", APPROVED), ("rebase", UNAPPROVED),
                                              ("fast-forward", UNAPPROVED)])
def test_a_change_is_pending_on_its_branch_and_the_merge_style_decides_on_main(
        team: Team, fitsm: Callable[..., Run], style: str, after: tuple[int, list[tuple[str, str, str]]]) -> None:
    team.propose("lower-availability", who="farid")
    assert team.dev.git("log", "-1", "--format=%s").strip() == "Lower the availability target", \
        "pre-commit let the change through on the branch"
    pending_on_the_branch(fitsm, team)
    ci = merged(team, style)
    assert ci.git("rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    code, found = check(fitsm, ci.root)
    assert (code, verdicts(found)) == after
    if after == UNAPPROVED:
        assert found[0]["message"].startswith("changed since its approval (Approved-by trailer in ")
    # CI on a pushed commit (GitLab checks out a detached HEAD): the same verdict as on the branch main
    ci.git("checkout", "-q", "--detach", "origin/main")
    assert check(fitsm, ci.root)[0] == after[0]


def test_a_pull_request_merge_ref_is_pending_and_pr_mode_names_the_change(team: Team,
                                                                          fitsm: Callable[..., Run]) -> None:
    team.propose("lower-availability", who="farid")
    ci = team.clone("ci")  # what actions/checkout does for a pull request: refs/pull/12/merge, detached
    ci.git("checkout", "-q", "--detach", "origin/main")
    ci.git("merge", "-q", "--no-ff", "-m", "Merge 1234abcd into 5678ef01", "origin/lower-availability",
           who="greta", when="2026-11-11T09:00:00+01:00")
    for args in ((), ("--changed-since", "origin/main")):
        code, found = check(fitsm, ci.root, *args)
        assert (code, verdicts(found)) == (0, [("approval-pending", "info", "sla-bio-institute")])
        assert WHAT in found[0]["message"]


def test_an_unapproved_direct_change_on_the_default_branch_is_an_error(team: Team,
                                                                        fitsm: Callable[..., Run]) -> None:
    dev = team.dev
    dev.edit(SLA, *CHANGE)
    blocked = commit_blocked(dev, "Lower the target straight on main", who="farid")
    assert blocked.returncode != 0, "pre-commit on main blocks an unapproved change to an approved document"
    assert "[changed-after-approval]" in blocked.stdout + blocked.stderr
    dev.git("commit", "-q", "--no-verify", "-m", "Lower the target straight on main", who="farid",
            when="2026-11-10T09:00:00+01:00")
    dev.git("push", "-q", "origin", "main")
    assert verdicts(check(fitsm, team.clone("ci").root)[1]) == UNAPPROVED[1]


def test_self_approval_is_refused(team: Team, fitsm: Callable[..., Run]) -> None:
    team.propose("lower-availability", who="eva")  # eva owns the SLA: she may approve others' changes, not hers
    code, found = check(fitsm, team.dev.root)
    assert code == 0 and "not eva-novak, who changed it" in found[0]["message"]
    platform = team.clone("platform")
    platform.git("merge", "-q", "--no-ff", "-m", "Merge pull request #13 from acme/lower-availability",
                 "origin/lower-availability", who="eva", when="2026-11-12T15:00:00+01:00")
    platform.git("push", "-q", "origin", "main")
    code, found = check(fitsm, team.clone("ci").root)
    assert (code, verdicts(found)) == (1, [("approved-in-git", "error", "sla-bio-institute")])
    assert found[0]["message"].startswith("approved only by eva-novak, the last author of the approved content "
                                          "(merged pull request #13 in ")


def test_a_revert_is_a_change_like_any_other(team: Team, fitsm: Callable[..., Run]) -> None:
    team.propose("lower-availability", who="farid")
    ci = merged(team, "github-merge")
    assert check(fitsm, ci.root) == (0, [])
    # reverted straight on main: the content is the earlier approved one, but the latest approval is of
    # the change; a revert restores a superseded version and needs approval like any other change
    ci.git("revert", "--no-edit", "HEAD", "-m", "1", who="farid", when="2026-11-13T09:00:00+01:00")
    assert verdicts(check(fitsm, ci.root)[1]) == UNAPPROVED[1]
    # the same revert through an approved pull request
    ci.git("reset", "-q", "--hard", "origin/main")
    ci.git("checkout", "-q", "-b", "revert")
    ci.git("revert", "--no-edit", "HEAD", "-m", "1", who="farid", when="2026-11-13T09:00:00+01:00")
    assert verdicts(check(fitsm, ci.root)[1]) == [("approval-pending", "info", "sla-bio-institute")]
    ci.git("checkout", "-q", "main")
    ci.git("merge", "-q", "--no-ff", "-m", "Merge pull request #14 from acme/revert", "revert", who="carla",
           when="2026-11-14T09:00:00+01:00")
    assert check(fitsm, ci.root) == (0, [])


def test_the_default_branch_is_configurable(team: Team, fitsm: Callable[..., Run]) -> None:
    team.propose("lower-availability", who="farid")
    dev = team.dev
    with (dev.root / "fitsm.yaml").open("a", encoding="utf-8") as config:
        config.write("document_control:\n  default_branch: lower-availability\n")
    # on the branch that now records approvals, the unapproved change is an error
    code, found = check(fitsm, dev.root)
    assert (code, verdicts(found)) == UNAPPROVED


def test_the_default_branch_is_found_in_one_git_call_as_exactly_as_before(tmp_path: Path) -> None:
    """main, else master, where a branch or origin's copy of it points to a commit; a branch below the name
    (main/old) is not the branch, and origin's copy is the ref pending changes are compared with."""
    env = isolated_env(tmp_path)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path / "r", env=env, check=True, capture_output=True)

    (tmp_path / "r").mkdir()
    git("init", "-q", "-b", "main/old")
    git("-c", "user.name=a", "-c", "user.email=a@b.example", "commit", "-q", "--allow-empty", "-m", "one")
    assert default_branch(tmp_path / "r", None) == ("", "")  # refs/heads/main/old is not main
    git("branch", "master")
    assert default_branch(tmp_path / "r", None) == ("master", "refs/heads/master")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    assert default_branch(tmp_path / "r", None) == ("main", "refs/remotes/origin/main")
    git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")  # origin/HEAD names trunk
    assert default_branch(tmp_path / "r", None) == ("trunk", "")
    assert default_branch(tmp_path / "r", "master") == ("master", "refs/heads/master")
