"""Git evidence that does not stand: approvals not yet merged, reviews and approvals withdrawn by a revert,
look-alike approval trailers, an SMS plan approved in Git, and ``fitsm history --as-of``.

Acme keeps its SMS on a platform with a bare ``origin`` here; every step is a real commit, branch, merge (as
GitHub and GitLab make them) or ``git revert``, and every verdict is read through the real CLI
(``python -m fitsm_kit``). The review-side cases reuse NRC's history from ``test_git_reviews``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gitsms import PEOPLE, GitSms, copy_sms, isolated_env
from test_git_reviews import OLD, PETRA, Team, build, clone, overdue

from conftest import EXAMPLES, REPO

SLA = "agreements/slas.yaml"
CHANGE = ("value: 99.5, unit", "value: 99.0, unit")
APPROVAL_RULES = "approved-in-git,changed-after-approval,approval-pending"


def trailer(who: str, key: str = "Approved-by") -> str:
    name, email = PEOPLE[who]
    return f"{key}: {name} <{email}>"


IMPORT = "Import the SMS\n\n" + "\n".join(trailer(p) for p in ("alice", "bob", "carla"))


class Acme(GitSms):
    """A working clone of a bare ``origin`` holding the small acme SMS (see :func:`gitsms.copy_sms`)."""

    def fitsm(self, *args: str) -> tuple[int, str, str]:
        env = isolated_env(self.root.parent) | {"PYTHONPATH": str(REPO / "src"),
                                                "XDG_CONFIG_HOME": str(self.root.parent / "config")}
        done = subprocess.run([sys.executable, "-m", "fitsm_kit", *args], cwd=self.root, env=env,
                              capture_output=True, text=True, check=False)
        return done.returncode, done.stdout, done.stderr

    def check(self, *args: str, rules: str = APPROVAL_RULES) -> list[tuple[str, str, str, str]]:
        """(rule, severity, document, message) of each finding of ``fitsm check`` with ``rules``."""
        code, out, err = self.fitsm("check", "--format", "json", "--no-cache", "--select", rules, *args)
        assert code in (0, 1), err
        found = json.loads(out)["findings"]
        assert code == (1 if any(f["severity"] == "error" for f in found) else 0), (code, found)
        return [(f["rule"], f["severity"], f["document"], f["message"]) for f in found]

    def short(self, step: str) -> str:
        return self.shas[step][:7]

    def mark(self, step: str) -> str:
        self.shas[step] = self.git("rev-parse", "HEAD").strip()
        return self.shas[step]


@pytest.fixture
def acme(tmp_path: Path) -> Acme:
    """main at origin: the import, approved by alice, bob and carla (2026-01-05)."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True, env=isolated_env(tmp_path))
    repo = Acme(tmp_path / "acme")
    copy_sms(repo.root)
    repo.git("init", "-q", "-b", "main")
    repo.git("remote", "add", "origin", str(origin))
    repo.commit("import", IMPORT, who="farid", when="2026-01-05T10:00:00+01:00")
    repo.git("push", "-q", "-u", "origin", "main")
    repo.git("remote", "set-head", "origin", "main")
    return repo


def unapproved_change_on_main(acme: Acme) -> None:
    """farid lowers the bio SLA's target straight on main (03-01): changed after its approval, an error."""
    acme.edit(SLA, *CHANGE)
    acme.commit("direct", "Lower the availability target", who="farid", when="2026-03-01T09:00:00+01:00")
    acme.git("push", "-q", "origin", "main")
    assert acme.check() == [("changed-after-approval", "error", "sla-bio-institute", "changed since its approval "
                             f"(Approved-by trailer in {acme.short('import')} on 2026-01-05)")]


# 1. An approval written into a commit on a branch is a claim nobody has merged yet.

def test_an_approval_in_a_branch_commit_is_pending_until_it_is_merged(acme: Acme) -> None:
    acme.git("checkout", "-q", "-b", "lower-availability")
    acme.edit(SLA, *CHANGE)
    # farid writes carla's approval into his own commit: on the branch, nobody has merged it
    acme.commit("claim", f"Lower the availability target\n\n{trailer('carla')}", who="farid",
                when="2026-03-01T09:00:00+01:00")
    acme.git("push", "-q", "origin", "lower-availability")
    claim = (f"approved by carla-rossi on this branch only (Approved-by trailer in {acme.short('claim')} on "
             "2026-03-01), which counts once it is merged")
    for args in ((), ("--changed-since", "origin/main")):
        found = acme.check(*args)
        assert [f[:3] for f in found] == [("approval-pending", "info", "sla-bio-institute")], (args, found)
        assert found[0][3].startswith("approval pending until it reaches origin/main: spec.targets[0].value: "
                                      f"99.5 → 99.0; {claim}; to be approved by ")
    # history says why it does not count yet
    code, out, err = acme.fitsm("history", "sla-bio-institute", "--format", "json")
    assert code == 0, err
    approvals = json.loads(out)["documents"][0]["approvals"]
    assert [(a["commit"], a["counted"], a["not_counted"]) for a in approvals] == [
        (acme.shas["import"], True, None),
        (acme.shas["claim"], False, f"its commit {acme.short('claim')} is on this branch only, not on origin/main")]
    # merged (fast-forward): the commit is on main now, and its trailer is the approval
    acme.git("checkout", "-q", "main")
    acme.git("merge", "-q", "--ff-only", "lower-availability")
    assert acme.check() == []


def test_a_branch_that_only_approves_an_unapproved_change_is_pending_until_merged(acme: Acme) -> None:
    unapproved_change_on_main(acme)
    # farid approves his own change on a branch: its merge would settle nothing, so the branch keeps main's error
    acme.git("checkout", "-q", "-b", "self-approve")
    acme.commit("self", f"Approve\n\nFitsm-Review: sla-bio-institute\n{trailer('farid')}", who="farid",
                when="2026-03-02T08:00:00+01:00")
    assert acme.check() == [("changed-after-approval", "error", "sla-bio-institute", "changed since its approval "
                             f"(Approved-by trailer in {acme.short('import')} on 2026-01-05)")]
    acme.git("checkout", "-q", "-b", "approve-bio", "main")
    acme.commit("approve", f"Approve the new target\n\nFitsm-Review: sla-bio-institute\n{trailer('carla')}",
                who="carla", when="2026-03-02T09:00:00+01:00")
    found = acme.check()
    assert [f[:3] for f in found] == [("approval-pending", "info", "sla-bio-institute")], found
    assert found[0][3].startswith("approval pending until it reaches origin/main: unchanged on this branch; approved "
                                  f"by carla-rossi on this branch only (Approved-by trailer in {acme.short('approve')} "
                                  "on 2026-03-02), which counts once it is merged; to be approved by ")
    # GitHub's merge button: the branch's commit reaches main and its approval counts
    acme.git("checkout", "-q", "main")
    acme.git("merge", "-q", "--no-ff", "-m", "Merge pull request #5 from acme/approve-bio", "approve-bio",
             who="carla", when="2026-03-03T09:00:00+01:00")
    assert acme.check() == []


# 2. A revert withdraws what its commit recorded.

def test_a_reverted_approval_that_changed_nothing_no_longer_counts(acme: Acme) -> None:
    unapproved_change_on_main(acme)
    # carla approves the change in a review commit (it re-stamps metadata.review only) ...
    acme.edit(SLA, "last_reviewed: 2026-04-20", "last_reviewed: 2026-03-02")
    acme.commit("approve", f"Review and approve the bio SLA\n\nFitsm-Review: sla-bio-institute\n{trailer('carla')}",
                who="carla", when="2026-03-02T09:00:00+01:00")
    assert acme.check() == []
    # ... and withdraws it with git revert: the change is unapproved again
    acme.git("revert", "--no-edit", "HEAD", who="carla", when="2026-03-04T09:00:00+01:00")
    acme.mark("revert")
    assert acme.check() == [("changed-after-approval", "error", "sla-bio-institute", "changed since its approval "
                             f"(Approved-by trailer in {acme.short('import')} on 2026-01-05)")]
    code, out, err = acme.fitsm("history", "sla-bio-institute", "--format", "json")
    assert code == 0, err
    approvals = json.loads(out)["documents"][0]["approvals"]
    assert (approvals[-1]["commit"], approvals[-1]["counted"], approvals[-1]["not_counted"]) == (
        acme.shas["approve"], False, f"withdrawn: reverted by {acme.short('revert')} on 2026-03-04")
    # before the revert it stood: an audit as of then counts it, as the review rules do
    assert acme.fitsm("history", "sla-bio-institute", "--format", "json", "--as-of", "2026-03-03")[0] == 0


def test_a_reverted_approving_change_is_judged_as_content(acme: Acme) -> None:
    # carla's approved change, then reverted straight on main: the approval stays (it approved that content);
    # the revert restores older content, a change like any other that needs approval
    acme.edit(SLA, *CHANGE)
    acme.commit("approved", f"Lower the availability target\n\n{trailer('carla')}", who="farid",
                when="2026-03-01T09:00:00+01:00")
    assert acme.check() == []
    acme.git("revert", "--no-edit", "HEAD", who="farid", when="2026-03-04T09:00:00+01:00")
    assert acme.check() == [("changed-after-approval", "error", "sla-bio-institute", "changed since its approval "
                             f"(Approved-by trailer in {acme.short('approved')} on 2026-03-01)")]


@pytest.fixture(scope="module")
def nrc(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return build(tmp_path_factory.mktemp("nrc-standing"))


def test_a_reverted_review_does_not_count_and_the_finding_says_so(nrc: Team, tmp_path: Path) -> None:
    team = clone(nrc, tmp_path)
    code, _, err = team.fitsm("review", "svc-backup", "--by", "okoch", "--commit", when="2026-09-20T10:00:00+02:00")
    assert code == 0, err
    team.mark("review")
    assert "svc-backup" not in team.findings()
    team.git("revert", "--no-edit", "HEAD", who="hanna", when="2026-09-22T10:00:00+02:00")
    team.mark("revert")
    assert team.findings()["svc-backup"] == overdue(OLD, f"; the Fitsm-Review trailer in {team.short('review')} on "
                                                         f"2026-09-20 does not count: withdrawn: reverted by "
                                                         f"{team.short('revert')} on 2026-09-22")
    # as of a day before the revert the review stood
    assert "svc-backup" not in team.findings(as_of="2026-09-21")
    code, out, err = team.fitsm("history", "svc-backup")
    assert code == 0, err
    assert (f"2026-09-20  {team.short('review')}  okoch  (Fitsm-Review trailer; not counted: withdrawn: reverted by "
            f"{team.short('revert')} on 2026-09-22)") in out
    # the revert reverted ("Reapply …"): the review stands again
    team.git("revert", "--no-edit", "HEAD", who="hanna", when="2026-09-23T10:00:00+02:00")
    assert "svc-backup" not in team.findings()


def test_reverting_a_merged_pull_request_withdraws_the_review_it_brought(nrc: Team, tmp_path: Path) -> None:
    team = clone(nrc, tmp_path)
    team.git("checkout", "-q", "-b", "vm-review", "origin/main")
    team.edit("services/vm.yaml", "Virtual machines for the", "Virtual machines with GPUs for the")
    team.commit("vm", f"Review the VMs: add GPUs\n\nFitsm-Review: svc-vm\nReviewed-by: {PETRA}", who="petra",
                when="2026-09-01T10:00:00+02:00")
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--no-ff", "-m", "Merge pull request #30 from nrc/vm-review", "vm-review",
             who="hanna-gh", by="github", when="2026-09-02T10:00:00+02:00")
    team.mark("pr30")
    assert "svc-vm" not in team.findings()
    team.git("revert", "--no-edit", "-m", "1", "HEAD", who="hanna", when="2026-09-03T10:00:00+02:00")
    team.mark("revert")
    found = team.findings()["svc-vm"]
    assert f"the Fitsm-Review trailer in {team.short('vm')} on 2026-09-01 does not count: withdrawn: reverted by " \
           f"{team.short('revert')} on 2026-09-03" in found, found
    # a pull request that changes no document (a note beside the SMS) and brings an empty review commit
    team.git("checkout", "-q", "-b", "backup-review", "origin/main")
    (team.work / "notes.txt").write_text("Backup restore tested.\n", encoding="utf-8")
    team.commit("note", "Note the restore test", who="petra", when="2026-09-04T10:00:00+02:00")
    team.commit("backup", f"Review the backup\n\nFitsm-Review: svc-backup\nReviewed-by: {PETRA}", who="petra",
                when="2026-09-04T11:00:00+02:00")
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--no-ff", "-m", "Merge pull request #31 from nrc/backup-review", "backup-review",
             who="hanna-gh", by="github", when="2026-09-05T10:00:00+02:00")
    assert "svc-backup" not in team.findings()
    team.git("revert", "--no-edit", "-m", "1", "HEAD", who="hanna", when="2026-09-06T10:00:00+02:00")
    team.mark("revert-31")
    assert team.findings()["svc-backup"] == overdue(OLD, f"; the Fitsm-Review trailer in {team.short('backup')} on "
                                                         "2026-09-04 does not count: withdrawn: reverted by "
                                                         f"{team.short('revert-31')} on 2026-09-06")


# 3. process-plan-current reads the SMS plan's approval in Git too.

def test_an_sms_plan_approved_in_git_is_what_process_plans_align_to(acme: Acme) -> None:
    plans = (EXAMPLES / "acme" / "general" / "plans.yaml").read_text(encoding="utf-8")
    sms_plan, rest = plans.split("\n---\n", 1)
    assert "  approval: {approved_by: alice-martin, approved_on: 2026-01-26}\n" in sms_plan
    sms_plan = sms_plan.replace("  approval: {approved_by: alice-martin, approved_on: 2026-01-26}\n", "")
    slm_plan = rest.split("\n---\n", 1)[0]
    assert "approved_on: 2026-02-02" in slm_plan and "last_reviewed: 2026-02-02" in slm_plan
    (acme.root / "general" / "plans.yaml").write_text(sms_plan + "\n---\n" + slm_plan + "\n", encoding="utf-8")
    acme.commit("plans", f"Add the plans\n\n{trailer('alice')}", who="bob", when="2026-01-20T09:00:00+01:00")
    rules = "process-plan-current"
    assert acme.check(rules=rules) == []  # the SMS plan's approval (01-20) is older than the SLM plan's (02-02)
    # the SMS plan is revised in a pull request that alice merges on GitHub (03-10)
    acme.git("checkout", "-q", "-b", "plan-2026b")
    acme.edit("general/plans.yaml", "Service management plan 2026-2027", "Service management plan 2026-2028")
    acme.commit("plan-change", "Extend the plan to 2028", who="bob", when="2026-03-09T09:00:00+01:00")
    acme.git("checkout", "-q", "main")
    acme.git("merge", "-q", "--no-ff", "-m", "Merge pull request #3 from acme/plan-2026b", "plan-2026b", who="alice",
             when="2026-03-10T09:00:00+01:00")
    acme.mark("pr3")
    assert acme.check(rules=rules) == [(
        "process-plan-current", "error", "slm-plan", "process plan last reviewed or approved 2026-02-02, before the "
        f"current service management plan was approved (2026-03-10 (merged pull request #3 in {acme.short('pr3')}))")]
    # carla reviews the SLM plan against it in Git
    acme.commit("slm-review", f"Review the SLM plan\n\nFitsm-Review: slm-plan\n{trailer('carla', 'Reviewed-by')}",
                who="carla", when="2026-03-20T09:00:00+01:00")
    assert acme.check(rules=rules) == []


# 4. fitsm history --as-of: the history as it stood on that day.

def test_history_as_of_leaves_out_later_commits_as_check_as_of_does(nrc: Team) -> None:
    def history(doc: str, *args: str) -> dict[str, Any]:
        code, out, err = nrc.fitsm("history", doc, "--format", "json", *args)
        assert code == 0, err
        result: dict[str, Any] = json.loads(out)["documents"][0]
        return result

    before = history("svc-storage", "--as-of", "2026-06-01")
    assert (before["reviews"], before["as_of"], before["later_commits"]) == ([], "2026-06-01", 1)
    assert "svc-storage" in nrc.findings(as_of="2026-06-01")  # the check as of that day does not count it either
    after = history("svc-storage", "--as-of", "2026-06-30")
    assert [(r["commit"], r["counted"]) for r in after["reviews"]] == [(nrc.shas["storage"], True)]
    assert after["later_commits"] == 0
    # the HPC file restored on 04-20: as of 04-15 the review is there and the restore is not
    hpc = history("svc-hpc", "--as-of", "2026-04-15")
    assert [v["commit"] for v in hpc["versions"]] == [nrc.shas["import"]]
    assert [(r["commit"], r["counted"]) for r in hpc["reviews"]] == [(nrc.shas["hpc"], True)]
    assert hpc["later_commits"] == 1
    code, out, err = nrc.fitsm("history", "svc-hpc", "--as-of", "2026-04-15")
    assert code == 0, err
    assert "  1 later commit (dated after 2026-04-15) not shown" in out
    # without --as-of everything is shown
    assert history("svc-storage")["later_commits"] == 0 and history("svc-storage")["as_of"] is None


# 5. A trailer that looks like an approval and is none is named where "no approval" is reported.

def test_a_lookalike_approval_trailer_is_named_in_the_finding(acme: Acme) -> None:
    acme.edit(SLA, *CHANGE)
    acme.commit("lookalike", f"Lower the availability target\n\n{trailer('carla', 'Fitsm-Approved-by')}\n"
                f"{trailer('greta', 'Acked-by')}", who="farid", when="2026-03-01T09:00:00+01:00")
    assert acme.check() == [("changed-after-approval", "error", "sla-bio-institute", "changed since its approval "
                             f"(Approved-by trailer in {acme.short('import')} on 2026-01-05); trailers that are no "
                             f"approval: fitsm-approved-by in {acme.short('lookalike')}, acked-by in "
                             f"{acme.short('lookalike')} (an approval is an 'Approved-by: Name <email>' trailer or a "
                             "merged pull request; Reviewed-by reviews a change)")]
    # the key is read without case, as git reads trailers: Approved-By is an approval
    acme.commit("approved", f"Approve the new target\n\nFitsm-Review: sla-bio-institute\n"
                f"{trailer('carla', 'Approved-By')}", who="carla", when="2026-03-02T09:00:00+01:00")
    assert acme.check() == []


def test_a_document_whose_only_approval_is_a_lookalike_says_why(acme: Acme) -> None:
    # a new SLA, "reviewed" by carla with GitLab's Reviewed-by: a review of the change, no approval
    text = (EXAMPLES / "acme" / "agreements" / "sla-default.yaml").read_text(encoding="utf-8")
    (acme.root / "agreements" / "sla-new.yaml").write_text(text.replace("id: sla-default", "id: sla-new", 1),
                                                           encoding="utf-8")
    acme.commit("new", f"Add an SLA\n\n{trailer('carla', 'Reviewed-by')}", who="farid",
                when="2026-03-01T09:00:00+01:00")
    assert acme.check() == [(
        "approved-in-git", "error", "sla-new", "approved, but Git records no approval of it (no Approved-by trailer "
        f"or merged pull request changed it); trailers that are no approval: reviewed-by in {acme.short('new')} (an "
        "approval is an 'Approved-by: Name <email>' trailer or a merged pull request; Reviewed-by reviews a change)")]


def test_a_new_document_approved_only_on_its_branch_is_pending_not_unrecorded(acme: Acme) -> None:
    # a new SLA with no metadata.approval: its approval is the Approved-by trailer of the branch commit
    text = (EXAMPLES / "acme" / "agreements" / "sla-default.yaml").read_text(encoding="utf-8")
    text = text.replace("id: sla-default", "id: sla-new", 1).replace(
        "  approval: {approved_by: carla-rossi, approved_on: 2026-01-19}\n", "")
    acme.git("checkout", "-q", "-b", "new-sla")
    (acme.root / "agreements" / "sla-new.yaml").write_text(text, encoding="utf-8")
    acme.commit("new", f"Add an SLA\n\n{trailer('eva')}", who="farid", when="2026-03-01T09:00:00+01:00")
    found = acme.check(rules=APPROVAL_RULES + ",approved-has-approval")
    assert [f[:3] for f in found] == [("approval-pending", "info", "sla-new")], found
    assert found[0][3].startswith("approval pending until it reaches origin/main: new on this branch; approved by "
                                  f"eva-novak on this branch only (Approved-by trailer in {acme.short('new')} on "
                                  "2026-03-01), which counts once it is merged; to be approved by ")
    acme.git("checkout", "-q", "main")
    acme.git("merge", "-q", "--no-ff", "-m", "Merge pull request #6 from acme/new-sla", "new-sla", who="carla",
             when="2026-03-02T09:00:00+01:00")
    assert acme.check(rules=APPROVAL_RULES + ",approved-has-approval") == []


# 6. Git approvals against --as-of: nothing dated after the day that counts as today is evidence of approval,
#    and a revert dated after it has withdrawn nothing yet (as for reviews and ``fitsm history --as-of``).

def test_an_approval_dated_after_as_of_does_not_count(acme: Acme) -> None:
    import_ = acme.short("import")
    found = acme.check("--as-of", "2026-01-04")
    # every approved document (the policy, the processes, both SLAs), each for the same reason
    assert {doc for _, _, doc, _ in found} >= {"sm-policy", "process-slm", "sla-default", "sla-bio-institute"}
    assert {(rule, severity, message) for rule, severity, _, message in found} == {(
        "approved-in-git", "error", "approved, but Git records no approval of it dated by 2026-01-04 (Approved-by "
        f"trailer in {import_} on 2026-01-05 is dated after it)")}
    assert acme.check("--as-of", "2026-01-05") == []  # dated that day: it counts
    # carla approves a change on 03-01: as of 02-15 that approval has not happened, the import's has
    acme.edit(SLA, *CHANGE)
    acme.commit("approved", f"Lower the availability target\n\n{trailer('carla')}", who="farid",
                when="2026-03-01T09:00:00+01:00")
    assert acme.check() == []
    assert acme.check("--as-of", "2026-02-15") == [(
        "changed-after-approval", "error", "sla-bio-institute",
        f"changed since its approval (Approved-by trailer in {import_} on 2026-01-05)")]


def test_a_revert_dated_after_as_of_has_not_withdrawn_the_approval_yet(acme: Acme) -> None:
    unapproved_change_on_main(acme)
    acme.edit(SLA, "last_reviewed: 2026-04-20", "last_reviewed: 2026-03-02")
    acme.commit("approve", f"Review and approve the bio SLA\n\nFitsm-Review: sla-bio-institute\n{trailer('carla')}",
                who="carla", when="2026-03-02T09:00:00+01:00")
    acme.git("revert", "--no-edit", "HEAD", who="carla", when="2026-03-04T09:00:00+01:00")
    assert [f[0] for f in acme.check()] == ["changed-after-approval"]
    # as of 03-03 carla's approval stood: the content then (the lowered target) was approved
    assert acme.check("--as-of", "2026-03-03") == []
