"""Git document control on an SMS written and worked on the way an outside team does (GR2.4).

Lindqvist Marine Data Centre (LMDC) keeps its SMS in Git: people in one multi-document file, processes
and OLAs two to a file, services and the SLA one per file, many optional fields simply left out. Its
history is made with real git as GitHub and GitLab make it — merge commits, squash and rebase merges, a
GitLab merge request with and without the ``%{approved_by}`` template, direct pushes, a revert, a file
moved, a document moved between files, comment-only and reformatting-only commits, a wrong approver, a
self-approval, a trailer in the middle of a message, a back-dated approval — and every verdict is read
through the real CLI (``python -m fitsm_kit``) and held to what FitSM-1 GR2.4 and the README say is true.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitsms import isolated_env

from conftest import REPO

AS_OF = "2026-09-30"
GIT_RULES = "approved-in-git,changed-after-approval,approval-pending"

FILES = {
"fitsm.yaml": """\
# Lindqvist Marine Data Centre (LMDC) -- SMS checked by fitsm-kit in CI
as_of: 2026-09-30
document_control:
  git: true
""",
"org/people.yaml": """\
# Everyone who owns, approves or reviews something. Records, not controlled documents.
apiVersion: fitsm.eu/v1
kind: Person
metadata: {id: isolberg, title: Ingrid Solberg, owner: mnowak, status: recorded}
spec:
  name: Ingrid Solberg
  email: ingrid.solberg@lindqvist-marine.example
  github: ingrid-s
  top_management: true
---
apiVersion: fitsm.eu/v1
kind: Person
metadata: {id: mnowak, title: Marek Nowak, owner: mnowak, status: recorded}
spec:
  name: Marek Nowak
  email: marek.nowak@lindqvist-marine.example
  github: mnowak
  gitlab: marek.nowak
---
apiVersion: fitsm.eu/v1
kind: Person
metadata: {id: abello, title: Aisha Bello, owner: mnowak, status: recorded}
spec:
  name: Aisha Bello
  email: aisha.bello@lindqvist-marine.example
  github: abello-lmdc
---
apiVersion: fitsm.eu/v1
kind: Person
metadata: {id: truiz, title: Tomás Ruiz, owner: mnowak, status: recorded}
spec:
  name: Tomás Ruiz
  email: tomas.ruiz@lindqvist-marine.example
  github: truiz
---
apiVersion: fitsm.eu/v1
kind: Person
metadata: {id: ysato, title: Yuki Sato, owner: mnowak, status: recorded}
spec:
  name: Yuki Sato
  email: yuki.sato@lindqvist-marine.example
  github: ysato
""",
"org/roles.yaml": """\
apiVersion: fitsm.eu/v1
kind: RoleAssignment
metadata:
  id: lmdc-roles
  title: Who holds which FitSM role at LMDC
  owner: isolberg
  status: approved
spec:
  assignments:
    - {role: sms-owner, person: isolberg}
    - {role: sms-manager, person: mnowak}
    - {role: process-owner, process: SLM, person: mnowak}
    - {role: process-manager, process: SLM, person: abello}
    - {role: process-owner, process: CHM, person: mnowak}
    - {role: process-manager, process: CHM, person: truiz}
""",
"org/policy.yaml": """\
apiVersion: fitsm.eu/v1
kind: Policy
metadata:
  id: lmdc-policy
  title: LMDC service management policy
  owner: isolberg
  status: approved
  version: "1"
spec:
  goals:
    - Keep ocean observation data safe, findable and available to the research fleet.
  commitments:
    continual_improvement: We review and improve our services every year.
    service_orientation: We run archive and modelling as services with agreed levels.
    process_orientation: Our work follows defined processes with named owners.
  statements:
    - Every change to production goes through change management.
""",
"processes.yaml": """\
apiVersion: fitsm.eu/v1
kind: Process
metadata: {id: lmdc-slm, title: Service level management, owner: mnowak, status: approved}
spec:
  code: SLM
  goals: [Agree and keep service levels with the research groups we serve]
  activities: [Agree SLAs and OLAs, Report against targets every quarter]
---
apiVersion: fitsm.eu/v1
kind: Process
metadata: {id: lmdc-chm, title: Change management, owner: mnowak, status: approved}
spec:
  code: CHM
  goals: [Change production systems without surprises]
  activities: [Assess each change, Approve it in the weekly change board, Review failed changes]
""",
"services/ocean-archive.yaml": """\
# The long-term archive for CTD, ADCP and glider data.
apiVersion: fitsm.eu/v1
kind: Service
metadata:
  id: ocean-archive
  title: Ocean observation archive
  owner: truiz
  status: approved
spec:
  description: Long-term archive of ship and glider observations, with DOIs per cruise.
  lifecycle_status: live
""",
"services/model-runs.yaml": """\
apiVersion: fitsm.eu/v1
kind: Service
metadata:
  id: model-runs
  title: Coastal model runs
  owner: truiz
  status: approved
spec:
  description: Nightly coastal circulation model runs on the LMDC cluster.
  lifecycle_status: live
""",
"catalogue.yaml": """\
apiVersion: fitsm.eu/v1
kind: ServiceCatalogue
metadata: {id: lmdc-catalogue, title: LMDC service catalogue, owner: abello, status: approved}
spec:
  services: [ocean-archive, model-runs]
""",
"agreements/sla-oceanography.yaml": """\
apiVersion: fitsm.eu/v1
kind: SLA
metadata:
  id: sla-oceanography
  title: SLA with the Department of Physical Oceanography
  owner: abello
  status: approved
spec:
  type: specific
  services: [ocean-archive, model-runs]
  validity: {start: 2026-01-01}
  targets:
    - {id: avail, metric: availability, value: 99.0, unit: "%", period: P3M}
    - {id: resp, metric: response-time, value: 8, unit: hours, period: P3M}
""",
"agreements/olas.yaml": """\
apiVersion: fitsm.eu/v1
kind: OLA
metadata:
  id: ola-network
  title: OLA with the university network team
  owner: abello
  status: approved
spec:
  supports: [{service: ocean-archive}]
  targets:
    - {id: avail, metric: availability, value: 99.5, unit: "%", period: P3M}
---
apiVersion: fitsm.eu/v1
kind: OLA
metadata:
  id: ola-storage
  title: OLA with the storage team
  owner: abello
  status: approved
spec:
  supports: [{service: ocean-archive}, {service: model-runs}]
  targets:
    - {id: avail, metric: availability, value: 99.9, unit: "%", period: P3M}
""",
}


# Who commits: name and email as Git records them. GitHub writes the merger's noreply address into merge
# commits and "GitHub <noreply@github.com>" as committer of what it merges in its web interface.
IDENTITIES = {
    "ingrid": ("Ingrid Solberg", "ingrid.solberg@lindqvist-marine.example"),
    "marek": ("Marek Nowak", "marek.nowak@lindqvist-marine.example"),
    "marek-gh": ("Marek Nowak", "4411+mnowak@users.noreply.github.com"),
    "aisha": ("Aisha Bello", "aisha.bello@lindqvist-marine.example"),
    "aisha-gh": ("Aisha Bello", "90211+abello-lmdc@users.noreply.github.com"),
    "tomas": ("Tomás Ruiz", "tomas.ruiz@lindqvist-marine.example"),
    "yuki": ("Yuki Sato", "yuki.sato@lindqvist-marine.example"),
    "github": ("GitHub", "noreply@github.com"),
    # someone on GitLab whose username happens to be Aisha's GitHub handle
    "gitlab-namesake": ("A. Bello", "5501-abello-lmdc@users.noreply.gitlab.com"),
}


def git_env(home: Path, author: str = "tomas", committer: str | None = None, when: str = "2026-01-01T09:00:00+01:00"
            ) -> dict[str, str]:
    """No user or system git configuration; the given author, committer and date."""
    a, c = IDENTITIES[author], IDENTITIES[committer or author]
    return isolated_env(home) | {"GIT_AUTHOR_NAME": a[0], "GIT_AUTHOR_EMAIL": a[1], "GIT_COMMITTER_NAME": c[0],
                                 "GIT_COMMITTER_EMAIL": c[1], "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}


class Team:
    """A bare ``origin`` and one working clone that everybody pushes from (with their own identity)."""

    def __init__(self, base: Path, work: Path | None = None) -> None:
        self.base = base
        self.origin = base / "origin.git"
        self.work = work or base / "lmdc-sms"
        self.shas: dict[str, str] = {}

    def git(self, *args: str, who: str = "tomas", by: str | None = None, when: str = "2026-01-05T09:00:00+01:00"
            ) -> str:
        return subprocess.run(["git", *args], cwd=self.work, env=git_env(self.base, who, by, when),
                              capture_output=True, text=True, check=True).stdout

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.work / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def commit(self, step: str, message: str, *, who: str, when: str, by: str | None = None) -> None:
        self.git("add", "-A", who=who, when=when)
        self.git("commit", "-q", "--allow-empty", "-m", message, who=who, by=by, when=when)
        self.mark(step)

    def mark(self, step: str) -> None:
        self.shas[step] = self.git("rev-parse", "HEAD").strip()

    def short(self, step: str) -> str:
        return self.shas[step][:7]

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name, "origin/main")

    def main(self) -> None:
        self.git("checkout", "-q", "main")
        self.git("pull", "-q", "--ff-only", "origin", "main")

    def push(self, ref: str = "main") -> None:
        self.git("push", "-q", "origin", ref)

    def propose(self, branch: str, change: tuple[str, str, str], step: str, message: str, *, who: str, when: str
                ) -> None:
        """On a new branch from origin/main, commit one edit (file, old text, new text) as ``step``."""
        self.branch(branch)
        self.edit(*change)
        self.commit(step, message, who=who, when=when)

    def merge(self, step: str, branch: str, message: str, *, who: str, when: str, by: str | None = None) -> None:
        """A merge commit, authored by who merged (``by``: the committer, GitHub for its web interface)."""
        self.main()
        self.git("merge", "-q", "--no-ff", "-m", message, branch, who=who, by=by, when=when)
        self.mark(step)
        self.push()

    def github_merge(self, step: str, number: int, branch: str, *, who: str, when: str) -> None:
        """A merge commit made by GitHub's "Merge pull request" button: authored by who pressed it."""
        self.merge(step, branch, f"Merge pull request #{number} from lmdc/{branch}\n\n{branch}", who=who,
                   by="github", when=when)


def build(base: Path) -> Team:
    """LMDC's history in 2026: each step's comment says who did what; the tests say what FitSM-1 makes of it."""
    team = Team(base)
    env = git_env(base)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(team.origin)], check=True, env=env)
    subprocess.run(["git", "clone", "-q", str(team.origin), str(team.work)], check=True, env=env,
                   capture_output=True)
    for rel, text in FILES.items():
        (team.work / rel).parent.mkdir(parents=True, exist_ok=True)
        (team.work / rel).write_text(text, encoding="utf-8")
    team.git("checkout", "-q", "-b", "main")
    # 01-08 tomas imports the SMS; the SMS owner, the SLM process manager and the SMS manager approve it
    team.commit("import", "Import the LMDC SMS\n\n"
                "Approved-by: Ingrid Solberg <ingrid.solberg@lindqvist-marine.example>\n"
                "Approved-by: Aisha Bello <aisha.bello@lindqvist-marine.example>\nApproved-by: @mnowak",
                who="tomas", when="2026-01-08T10:00:00+01:00")
    team.push()
    team.git("remote", "set-head", "origin", "main")
    # PR #12, merge commit: yuki shortens the SLA response time, aisha (SLM process manager) merges
    team.propose("sla-response-times", ("agreements/sla-oceanography.yaml", "value: 8, unit: hours",
                 "value: 4, unit: hours"), "pr12-change", "SLA: respond within 4 hours", who="yuki",
                 when="2026-02-02T09:30:00+01:00")
    team.github_merge("pr12", 12, "sla-response-times", who="aisha-gh", when="2026-02-04T14:00:00+01:00")
    # PR #13, squash merge by yuki with tomas as co-author and no Approved-by: nobody approved it
    team.propose("ola-network-availability", ("agreements/olas.yaml", "value: 99.5", "value: 99.7"), "pr13-branch",
                 "OLA network: 99.7", who="yuki", when="2026-02-10T09:30:00+01:00")
    team.main()
    team.git("merge", "-q", "--squash", "ola-network-availability")
    team.commit("pr13", "Raise network OLA availability to 99.7 % (#13)\n\n* OLA network: 99.7\n\n"
                "Co-authored-by: Tomás Ruiz <tomas.ruiz@lindqvist-marine.example>", who="yuki", by="github",
                when="2026-02-11T10:00:00+01:00")
    team.push()
    # PR #14, rebase merge: tomas's commit replayed by GitHub, his authorship and date kept
    team.propose("archive-dois", ("services/ocean-archive.yaml", "with DOIs per cruise.",
                 "with a DOI for every cruise."), "pr14-branch", "Archive: DOI per cruise", who="tomas",
                 when="2026-02-20T09:30:00+01:00")
    team.main()
    team.git("rebase", "-q", "main", "archive-dois", who="tomas", by="github", when="2026-02-21T11:00:00+01:00")
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--ff-only", "archive-dois")
    team.mark("pr14")
    team.push()
    # GitLab !7: yuki adds emergency changes to CHM, marek (CHM process owner) merges
    team.propose("chm-emergency", ("processes.yaml", "Review failed changes]",
                 "Review failed changes, Handle emergency changes]"), "mr7-branch", "CHM: emergency changes",
                 who="yuki", when="2026-03-02T09:30:00+01:00")
    team.merge("mr7", "chm-emergency", "Merge branch 'chm-emergency' into 'main'\n\nCHM: emergency changes\n\n"
               "See merge request lmdc/sms!7", who="marek", when="2026-03-03T16:00:00+01:00")
    # GitLab !8 with the %{approved_by} template: yuki merges his own change, marek (SMS manager) approved
    team.propose("model-on-demand", ("services/model-runs.yaml", "Nightly coastal", "Nightly and on-demand coastal"),
                 "mr8-branch", "Model runs on demand", who="yuki", when="2026-03-10T09:30:00+01:00")
    team.merge("mr8", "model-on-demand", "Merge branch 'model-on-demand' into 'main'\n\nModel runs on demand\n\n"
               "See merge request lmdc/sms!8\n\nApproved-by: Marek Nowak <marek.nowak@lindqvist-marine.example>",
               who="yuki", when="2026-03-11T08:00:00+01:00")
    # the SMS owner pushes a policy change straight to main and approves it herself
    team.edit("org/policy.yaml", "every year.", "every year and after every major incident.")
    team.commit("policy", "Policy: improve after major incidents\n\n"
                "Approved-by: Ingrid Solberg <ingrid.solberg@lindqvist-marine.example>",
                who="ingrid", when="2026-03-20T18:00:00+01:00")
    team.push()
    # PR #15: yuki changes the storage OLA, tomas (neither SLM process manager nor its owner) merges
    team.propose("ola-storage-target", ("agreements/olas.yaml", "value: 99.9", "value: 99.95"), "pr15-branch",
                 "OLA storage: 99.95", who="yuki", when="2026-04-01T09:30:00+02:00")
    team.github_merge("pr15", 15, "ola-storage-target", who="tomas", when="2026-04-02T10:00:00+02:00")
    # PR #16: yuki changes SLM, marek (SLM process owner) merges ... and reverts it the next day on main
    team.propose("slm-monthly", ("processes.yaml", "every quarter", "every month"), "pr16-branch",
                 "SLM: monthly reports", who="yuki", when="2026-04-10T09:30:00+02:00")
    team.github_merge("pr16", 16, "slm-monthly", who="marek-gh", when="2026-04-11T10:00:00+02:00")
    team.git("revert", "--no-edit", "-m", "1", "HEAD", who="marek", when="2026-04-12T08:00:00+02:00")
    team.mark("revert")
    team.push()
    # tomas moves a service file into a folder (no content change)
    (team.work / "services/compute").mkdir()
    team.git("mv", "services/model-runs.yaml", "services/compute/model-runs.yaml")
    team.commit("move-file", "Move compute services to their own folder", who="tomas",
                when="2026-04-20T09:00:00+02:00")
    # yuki moves CHM out of processes.yaml into its own file (no content change)
    slm, chm = (team.work / "processes.yaml").read_text(encoding="utf-8").split("---\n")
    (team.work / "processes.yaml").write_text(slm, encoding="utf-8")
    (team.work / "processes").mkdir()
    (team.work / "processes/chm.yaml").write_text(chm, encoding="utf-8")
    team.commit("move-doc", "One file per process: CHM first", who="yuki", when="2026-04-21T09:00:00+02:00")
    # aisha adds a comment to the SLA; yuki rewrites the role assignments in block style
    team.edit("agreements/sla-oceanography.yaml", "spec:\n", "spec:\n  # negotiated with the department in January\n")
    team.commit("comment", "SLA: note when it was negotiated", who="aisha", when="2026-05-04T12:00:00+02:00")
    roles = (team.work / "org/roles.yaml").read_text(encoding="utf-8")
    roles = re.sub(r"(?m)^    - \{(.*)\}$", lambda m: "    - " + "\n      ".join(m.group(1).split(", ")), roles)
    (team.work / "org/roles.yaml").write_text(roles, encoding="utf-8")
    team.commit("reformat", "roles: block style", who="yuki", when="2026-05-05T12:00:00+02:00")
    team.push()
    # PR #17: marek (SMS manager, who may approve the roles) changes them and merges his own pull request
    team.propose("chm-manager", ("org/roles.yaml", "      process: CHM\n      person: truiz",
                 "      process: CHM\n      person: ysato"), "pr17-branch", "yuki manages changes", who="marek",
                 when="2026-05-06T09:00:00+02:00")
    team.github_merge("pr17", 17, "chm-manager", who="marek-gh", when="2026-05-06T09:05:00+02:00")
    # yuki reorders the catalogue; his "Approved-by" is in the middle of the message, not in its trailers
    team.edit("catalogue.yaml", "services: [ocean-archive, model-runs]", "services: [model-runs, ocean-archive]")
    team.commit("mid-trailer", "Catalogue: list model runs first\n\n"
                "Approved-by: Aisha Bello <aisha.bello@lindqvist-marine.example>\n\n"
                "As agreed in the ops meeting; the order follows usage.", who="yuki", when="2026-05-10T12:00:00+02:00")
    # aisha records the annual review of the SLA, by the SMS owner (GitHub handle)
    team.commit("review", "Annual review of the oceanography SLA\n\nFitsm-Review: sla-oceanography\n"
                "Reviewed-by: @ingrid-s", who="aisha", when="2026-06-01T10:00:00+02:00")
    # tomas changes the archive on 06-15; marek's approval of it after that is dated 06-01
    team.edit("services/ocean-archive.yaml", "Long-term archive", "Long-term, replicated archive")
    team.commit("archive", "Archive: replicated", who="tomas", when="2026-06-15T10:00:00+02:00")
    team.commit("backdated", "Approve the archive description\n\nFitsm-Review: ocean-archive\n"
                "Approved-by: Marek Nowak <marek.nowak@lindqvist-marine.example>", who="marek",
                when="2026-06-01T10:00:00+02:00")
    team.push()
    return team


def fitsm(cwd: Path, *args: str, home: Path) -> tuple[int, str, str]:
    """``python -m fitsm_kit ARGS`` in ``cwd``, with no user git configuration and this checkout's sources."""
    env = git_env(home) | {"PYTHONPATH": str(REPO / "src"), "XDG_CONFIG_HOME": str(home / "config")}
    done = subprocess.run([sys.executable, "-m", "fitsm_kit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return build(tmp_path_factory.mktemp("lmdc"))


@pytest.fixture(scope="module")
def run(team: Team) -> Callable[..., tuple[int, str, str]]:
    return lambda *args, cwd=team.work: fitsm(cwd, *args, home=team.base)


def git_findings(out: str) -> list[tuple[str, str, str, str, str]]:
    return [(f["requirement"], f["rule"], f["severity"], f["document"], f["message"])
            for f in json.loads(out)["findings"]]


@pytest.fixture(scope="module")
def history(run: Callable[..., tuple[int, str, str]]) -> dict[str, dict[str, Any]]:
    """``fitsm history --format json`` of every controlled document, by id."""
    found: dict[str, dict[str, Any]] = {}
    for target in ("agreements/olas.yaml", "agreements/sla-oceanography.yaml", "processes.yaml", "processes/chm.yaml",
                   "services/ocean-archive.yaml", "services/compute/model-runs.yaml", "org/policy.yaml",
                   "org/roles.yaml", "catalogue.yaml"):
        code, out, err = run("history", target, "--format", "json")
        assert code == 0, err
        found |= {d["id"]: d for d in json.loads(out)["documents"]}
    return found


def trail(doc: dict[str, Any], what: str) -> list[tuple[Any, ...]]:
    """A history's versions or approvals / reviews as (commit, date, author or approvers, …)."""
    if what == "versions":
        return [(v["commit"], v["date"], v["author"], v["path"]) for v in doc["versions"]]
    return [(e["commit"], e["date"], tuple(e["by"]), e["evidence"]) for e in doc[what]]


# --- on the default branch: each situation's true verdict ----------------------------------------------------


def test_on_main_every_unapproved_change_is_an_error_under_gr2_4_naming_its_evidence(team: Team, run: Any) -> None:
    code, out, err = run("check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select", GIT_RULES)
    assert code == 1, err
    s = team.short
    assert sorted(git_findings(out)) == sorted([
        # squash merge without Approved-by: Co-authored-by is authorship, not approval
        ("GR2.4", "changed-after-approval", "error", "ola-network",
         f"changed since its approval (Approved-by trailer in {s('import')} on 2026-01-08)"),
        # merged by tomas, who may not approve an OLA (the SLM process manager or its owner: aisha)
        ("GR2.4", "approved-in-git", "error", "ola-storage",
         f"approved by truiz (merged pull request #15 in {s('pr15')} on 2026-04-02), who is not the SLM process "
         "manager or its owner"),
        # an "Approved-by:" line in the middle of the message is no trailer
        ("GR2.4", "changed-after-approval", "error", "lmdc-catalogue",
         f"changed since its approval (Approved-by trailer in {s('import')} on 2026-01-08)"),
        # pushed straight to main and approved by its own author
        ("GR2.4", "approved-in-git", "error", "lmdc-policy",
         f"approved only by isolberg, the last author of the approved content (Approved-by trailer in {s('policy')} "
         "on 2026-03-20); a second person must approve"),
        # the revert, pushed straight to main, is a change nobody approved (README: a revert needs approval)
        ("GR2.4", "changed-after-approval", "error", "lmdc-slm",
         f"changed since its approval (merged pull request #16 in {s('pr16')} on 2026-04-11)"),
        # a pull request merged by its own author: four eyes need a second person
        ("GR2.4", "approved-in-git", "error", "lmdc-roles",
         f"approved only by mnowak, the last author of the approved content (merged pull request #17 in {s('pr17')} "
         "on 2026-05-06); a second person must approve"),
        # an approval dated two weeks before the change it would approve cannot be an approval of it
        ("GR2.4", "approved-in-git", "error", "ocean-archive",
         f"approved by mnowak (Approved-by trailer in {s('backdated')} on 2026-06-01), dated before the change it "
         f"approves ({s('archive')} on 2026-06-15): Git records no approval of this content after it was written"),
    ])


def test_history_of_a_github_merge_a_comment_and_a_review(team: Team, history: dict[str, Any]) -> None:
    sla, sha = history["sla-oceanography"], team.shas
    # the merge brought the change in and is no version; the comment-only commit is no version either
    assert trail(sla, "versions") == [(sha["import"], "2026-01-08", "truiz", "agreements/sla-oceanography.yaml"),
                                      (sha["pr12-change"], "2026-02-02", "ysato", "agreements/sla-oceanography.yaml")]
    assert trail(sla, "approvals") == [
        (sha["import"], "2026-01-08", ("isolberg", "abello", "mnowak"), "Approved-by trailer"),
        (sha["pr12"], "2026-02-04", ("abello",), "merged pull request #12")]  # the merger, by GitHub noreply handle
    assert trail(sla, "reviews") == [(sha["review"], "2026-06-01", ("isolberg",), "Fitsm-Review trailer")]


def test_history_of_gitlab_merges_and_of_documents_moved_between_files(team: Team, history: dict[str, Any]) -> None:
    chm, sha = history["lmdc-chm"], team.shas
    assert chm["path"] == "processes/chm.yaml"
    # moved out of processes.yaml into its own file by yuki: no new version, the approval still stands
    assert trail(chm, "versions") == [(sha["import"], "2026-01-08", "truiz", "processes.yaml"),
                                      (sha["mr7-branch"], "2026-03-02", "ysato", "processes.yaml")]
    assert trail(chm, "approvals")[-1] == (sha["mr7"], "2026-03-03", ("mnowak",), "merged pull request !7")
    runs = history["model-runs"]
    assert runs["path"] == "services/compute/model-runs.yaml"
    assert trail(runs, "versions") == [(sha["import"], "2026-01-08", "truiz", "services/model-runs.yaml"),
                                       (sha["mr8-branch"], "2026-03-10", "ysato", "services/model-runs.yaml")]
    # GitLab's %{approved_by} trailer names the approver; yuki, who merged, approves nothing
    assert trail(runs, "approvals")[-1] == (sha["mr8"], "2026-03-11", ("mnowak",), "Approved-by trailer")


def test_squash_and_rebase_merges_record_authors_and_no_approver(team: Team, history: dict[str, Any]) -> None:
    sha = team.shas
    network = history["ola-network"]
    assert trail(network, "versions")[-1] == (sha["pr13"], "2026-02-11", "ysato", "agreements/olas.yaml")
    assert [a[0] for a in trail(network, "approvals")] == [sha["import"]]  # not the co-author, not GitHub
    archive = history["ocean-archive"]
    # the rebased commit keeps tomas as author and his date; GitHub, its committer, is nobody's approval
    assert trail(archive, "versions")[1] == (sha["pr14"], "2026-02-20", "truiz", "services/ocean-archive.yaml")
    assert [a[0] for a in trail(archive, "approvals")] == [sha["import"], sha["backdated"]]
    # marek's approval is dated before the change it would approve: shown, and shown as not counted
    assert [(a["counted"], a["dated_before"]) for a in archive["approvals"]] == [(True, None), (False, sha["archive"])]


def test_reformatting_and_a_revert(team: Team, history: dict[str, Any]) -> None:
    sha = team.shas
    # block style is the same data: no version; marek's change is one
    assert [v[0] for v in trail(history["lmdc-roles"], "versions")] == [sha["import"], sha["pr17-branch"]]
    slm = history["lmdc-slm"]
    assert [(v[0], v[2]) for v in trail(slm, "versions")] == [(sha["import"], "truiz"), (sha["pr16-branch"], "ysato"),
                                                            (sha["revert"], "mnowak")]
    assert [a[0] for a in trail(history["lmdc-catalogue"], "approvals")] == [sha["import"]]


def test_status_counts_the_git_findings_against_gr2_4(run: Any) -> None:
    code, out, err = run("status", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select", GIT_RULES)
    assert code == 1, err
    row = next(r for r in json.loads(out)["requirements"] if r["id"] == "GR2.4")
    assert (row["state"], row["findings"]) == ("findings", 7)


def test_a_shallow_clone_shows_no_evidence_not_conformity(team: Team, tmp_path: Path) -> None:
    """Without the history the Git rules check nothing; GR2.4 must not be shown as satisfied by them."""
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{team.origin}", str(clone)], check=True,
                   env=git_env(team.base), capture_output=True)
    _, out, err = fitsm(clone, "status", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select", GIT_RULES,
                        home=team.base)
    row = next(r for r in json.loads(out)["requirements"] if r["id"] == "GR2.4")
    assert row["state"] == "no-evidence", row
    assert row["note"].startswith("Git history not read (shallow clone)"), err


# --- on a pull request's branch ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pr_branch(team: Team, tmp_path_factory: pytest.TempPathFactory) -> Team:
    """A fresh clone in which yuki changes the SLA on a branch (its pull request is not merged yet)."""
    clone = Team(team.base, tmp_path_factory.mktemp("pr") / "lmdc-sms")
    subprocess.run(["git", "clone", "-q", str(team.origin), str(clone.work)], check=True, env=git_env(team.base),
                   capture_output=True)
    clone.git("checkout", "-q", "-b", "sla-two-hours")
    clone.edit("agreements/sla-oceanography.yaml", "value: 4, unit: hours", "value: 2, unit: hours")
    clone.commit("change", "SLA: respond within 2 hours", who="yuki", when="2026-07-01T09:00:00+02:00")
    return clone


PENDING = ("GR2.4", "approval-pending", "info", "sla-oceanography",
           "approval pending until it reaches origin/main: spec.targets[1].value: 4 → 2; to be approved by the SLM "
           "process manager or its owner: abello (@abello-lmdc)")


def test_on_a_branch_only_what_it_changed_is_pending_and_main_s_errors_stay_errors(team: Team, pr_branch: Team) -> None:
    """The documents the branch did not touch keep their verdict from main: an unapproved change there is
    still an error, not "approval pending … new on this branch" (which let the pre-commit hook pass)."""
    code, out, err = fitsm(pr_branch.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           GIT_RULES, home=team.base)
    found = git_findings(out)
    assert PENDING in found
    assert sorted((f[1], f[2], f[3]) for f in found if f != PENDING) == [
        ("approved-in-git", "error", "lmdc-policy"), ("approved-in-git", "error", "lmdc-roles"),
        ("approved-in-git", "error", "ocean-archive"),
        ("approved-in-git", "error", "ola-storage"), ("changed-after-approval", "error", "lmdc-catalogue"),
        ("changed-after-approval", "error", "lmdc-slm"), ("changed-after-approval", "error", "ola-network")]
    assert code == 1, err


def test_pull_request_mode_reports_the_change_and_fixes_nothing_it_did_not_fix(team: Team, pr_branch: Team) -> None:
    code, out, err = fitsm(pr_branch.work, "check", "--changed-since", "origin/main", "--format", "json", "--as-of",
                           AS_OF, "--no-cache", "--select", GIT_RULES, home=team.base)
    assert git_findings(out) == [PENDING]
    assert json.loads(out)["fixed"] == []
    assert "compared with origin/main: 1 new finding, 0 fixed, 7 already there" in err
    assert code == 0, err


# --- CODEOWNERS as GitHub and GitLab read it ------------------------------------------------------------------


@pytest.fixture
def clone(team: Team, tmp_path: Path) -> Team:
    """A copy of origin and a clone of it, to change and push to without touching the shared history."""
    fresh = Team(tmp_path)
    for args in (["--bare", str(team.origin), str(fresh.origin)], [str(fresh.origin), str(fresh.work)]):
        subprocess.run(["git", "clone", "-q", *args], check=True, env=git_env(tmp_path), capture_output=True)
    return fresh


def codeowners(clone: Team, *args: str) -> tuple[int, str]:
    code, out, err = fitsm(clone.work, "codeowners", *args, home=clone.base)
    return code, out + err


def test_github_codeowners_with_an_inline_comment_and_a_later_override(clone: Team) -> None:
    assert codeowners(clone)[0] == 0
    path = clone.work / ".github/CODEOWNERS"
    text = path.read_text(encoding="utf-8")
    assert "/agreements/olas.yaml @abello-lmdc\n" in text and "/org/policy.yaml @ingrid-s\n" in text
    # GitHub's documented inline comment ("*.js @js-owner #This is an inline comment.") names no owner
    path.write_text(text.replace("/org/policy.yaml @ingrid-s\n", "/org/policy.yaml @ingrid-s # SMS owner only\n"),
                    encoding="utf-8")
    code, out = codeowners(clone, "--check")
    assert code == 0, out
    # a later rule wins: yuki taking over the agreements folder is caught
    path.write_text(path.read_text(encoding="utf-8") + "/agreements/ @ysato\n", encoding="utf-8")
    code, out = codeowners(clone, "--check")
    assert code == 1
    assert "agreements/olas.yaml: owned by @ysato, expected @abello-lmdc" in out


def with_gitlab_handles(clone: Team) -> None:
    people = clone.work / "org/people.yaml"
    text = people.read_text(encoding="utf-8")
    for handle in ("ingrid-s", "abello-lmdc", "truiz", "ysato"):
        text = text.replace(f"  github: {handle}\n", f"  github: {handle}\n  gitlab: {handle}\n")
    people.write_text(text, encoding="utf-8")


def test_gitlab_reads_the_root_codeowners_first(clone: Team) -> None:
    """GitLab uses the first of CODEOWNERS, docs/CODEOWNERS, .gitlab/CODEOWNERS: a root file another team
    wrote makes the generated .gitlab/CODEOWNERS dead, and --check must say so."""
    with_gitlab_handles(clone)
    assert codeowners(clone, "--platform", "gitlab")[0] == 0
    assert codeowners(clone, "--platform", "gitlab", "--check")[0] == 0
    (clone.work / "CODEOWNERS").write_text("* @ysato\n", encoding="utf-8")
    code, out = codeowners(clone, "--platform", "gitlab", "--check")
    assert code == 1
    assert "CODEOWNERS: org/policy.yaml: owned by @ysato, expected @ingrid-s" in out


def test_an_optional_gitlab_section_requires_no_approval(clone: Team) -> None:
    """GitLab: code owners of an optional section (``^[Section]``) need not approve, so they enforce nothing."""
    with_gitlab_handles(clone)
    assert codeowners(clone, "--platform", "gitlab")[0] == 0
    path = clone.work / ".gitlab/CODEOWNERS"
    path.write_text(path.read_text(encoding="utf-8").replace("\n[FitSM documents]", "\n^[FitSM documents]"),
                    encoding="utf-8")
    code, out = codeowners(clone, "--platform", "gitlab", "--check")
    assert code == 1
    assert "org/policy.yaml: owned by nobody, expected @ingrid-s" in out


# --- forged evidence ---------------------------------------------------------------------------------------


def test_text_crafted_into_a_trailer_cannot_add_lines_to_ci_output(clone: Team) -> None:
    """yuki pushes a policy change whose Approved-by value carries a workflow command, a percent-encoded line
    break and a carriage return; GitHub annotations and the history must show it as text, on its own line."""
    clone.edit("org/policy.yaml", "every major incident.", "every major outage.")
    forged = "x%0A::error file=org/roles.yaml,line=1::roles approved\r::notice::ok <forged@example.org>"
    clone.commit("forged", f"Policy wording\r::error::subject\n\nApproved-by: {forged}", who="yuki",
                 when="2026-07-01T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--format", "github", "--as-of", AS_OF, "--no-cache", "--select",
                           GIT_RULES + ",policy-approved-by-sms-owner", home=clone.base)
    assert code == 1, err
    commands = [line for line in out.splitlines() if line.lstrip().startswith("::")]
    assert len(commands) == 7  # the seven documents with findings, one annotation each
    policy = next(line for line in commands if "file=org/policy.yaml" in line)
    assert policy.startswith("::error file=org/policy.yaml,line=7,col=11,title=GR1.2 policy-approved-by-sms-owner::"
                             "the policy was approved in Git by x%250A")
    assert "\r" not in out
    assert not [line for line in commands if line.startswith(("::error file=org/roles.yaml,line=1", "::notice::"))]
    code, out, err = fitsm(clone.work, "history", "lmdc-policy", home=clone.base)
    assert code == 0, err
    assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
    assert "\r" not in out


def test_a_file_name_that_is_a_glob_cannot_widen_codeowners(clone: Team) -> None:
    """A service file literally named '*.yaml' would, written as a pattern, hand every service to its owners."""
    (clone.work / "services/ocean-archive.yaml").rename(clone.work / "services/*.yaml")
    code, out = codeowners(clone, "--stdout")
    assert code == 2
    assert "cannot write CODEOWNERS: the file name 'services/*.yaml' holds a character CODEOWNERS cannot express" in out


def test_a_changed_since_ref_cannot_be_an_option(clone: Team) -> None:
    code, out, err = fitsm(clone.work, "check", "--changed-since", "--output=/tmp/owned", "--as-of", AS_OF,
                           home=clone.base)
    assert code == 2
    assert not Path("/tmp/owned").exists()


def test_a_gitlab_noreply_address_is_not_a_github_handle(clone: Team) -> None:
    """Aisha's handle abello-lmdc is hers on GitHub; on GitLab that username is someone else's, whose merges
    carry 5501-abello-lmdc@users.noreply.gitlab.com. Their merge is not Aisha's approval."""
    clone.propose("sla-faster", ("agreements/sla-oceanography.yaml", "value: 4, unit: hours", "value: 3, unit: hours"),
                  "change", "SLA: 3 hours", who="yuki", when="2026-07-01T09:00:00+02:00")
    clone.merge("merge", "sla-faster", "Merge branch 'sla-faster' into 'main'\n\nSee merge request lmdc/sms!9",
                who="gitlab-namesake", when="2026-07-02T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           GIT_RULES, home=clone.base)
    assert code == 1, err
    assert ("GR2.4", "approved-in-git", "error", "sla-oceanography",
            f"approved by A. Bello <5501-abello-lmdc@users.noreply.gitlab.com> (merged pull request !9 in "
            f"{clone.short('merge')} on 2026-07-02), who is not the SLM process manager or its owner"
            ) in git_findings(out)


@pytest.fixture(params=["", "  approval: {approved_by: isolberg, approved_on: 2026-07-02}\n"],
                ids=["git-only", "metadata-claims-the-owner"])
def approval_line(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_policy_merged_by_the_sms_manager_is_a_gr1_2_finding(clone: Team, approval_line: str) -> None:
    """FitSM-1 GR1.2: the policy is approved by the SMS owner. Marek (SMS manager) merging a policy change is
    that requirement's finding, as it is when metadata.approval names him (tests/conformity variant
    policy-approved-by-sms-manager), not only a GR2.4 one; a metadata.approval naming the SMS owner does
    not outweigh what Git records."""
    clone.propose("policy-outages", ("org/policy.yaml", "every major incident.", "every major outage."), "change",
                  "Policy: outages", who="yuki", when="2026-07-01T09:00:00+02:00")
    clone.edit("org/policy.yaml", '  version: "1"\n', '  version: "1"\n' + approval_line)
    clone.commit("change", "Policy: outages", who="yuki", when="2026-07-01T09:00:00+02:00")
    clone.github_merge("merge", 18, "policy-outages", who="marek-gh", when="2026-07-02T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           "policy-approved-by-sms-owner,approved-in-git,changed-after-approval", home=clone.base)
    assert code == 1, err
    assert [f for f in git_findings(out) if f[3] == "lmdc-policy"] == [
        ("GR1.2", "policy-approved-by-sms-owner", "error", "lmdc-policy",
         f"the policy was approved in Git by mnowak (merged pull request #18 in {clone.short('merge')} on 2026-07-02), "
         "who is not the SMS owner")]


def test_moving_a_document_to_its_own_file_keeps_its_findings_known(clone: Team) -> None:
    """A pull request that only splits ola-storage out of olas.yaml neither causes nor fixes the finding that
    tomas merged it without the right to approve it: the finding moved with the document."""
    clone.branch("split-olas")
    network, storage = (clone.work / "agreements/olas.yaml").read_text(encoding="utf-8").split("---\n")
    (clone.work / "agreements/olas.yaml").write_text(network, encoding="utf-8")
    (clone.work / "agreements/ola-storage.yaml").write_text("# split out of olas.yaml\n" + storage, encoding="utf-8")
    clone.commit("split", "One OLA per file", who="yuki", when="2026-07-01T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--changed-since", "origin/main", "--format", "json", "--as-of", AS_OF,
                           "--no-cache", "--select", GIT_RULES, home=clone.base)
    report = json.loads(out)
    assert (report["findings"], report["fixed"]) == ([], [])
    assert [(f["document"], f["path"]) for f in report["known"] if f["document"] == "ola-storage"] == [
        ("ola-storage", "agreements/ola-storage.yaml")]
    assert "compared with origin/main: 0 new findings, 0 fixed, 7 already there" in err
    assert code == 0, err


def test_the_sms_owner_cannot_approve_her_own_policy_change_with_a_stranger_as_second_approver(clone: Team) -> None:
    clone.edit("org/policy.yaml", "every major incident.", "every major outage.")
    clone.commit("change", "Policy: outages\n\nApproved-by: Ingrid Solberg <ingrid.solberg@lindqvist-marine.example>\n"
                 "Approved-by: Audit Firm <partner@audit.example>", who="ingrid", when="2026-07-01T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           "policy-approved-by-sms-owner,approved-in-git", home=clone.base)
    assert [f for f in git_findings(out) if f[3] == "lmdc-policy"] == [
        ("GR2.4", "approved-in-git", "error", "lmdc-policy",
         f"approved only by isolberg, the last author of the approved content (Approved-by trailer in "
         f"{clone.short('change')} on 2026-07-01); a second person must approve")]
    assert code == 1, err


def test_an_approval_recorded_in_git_is_recorded(run: Any) -> None:
    """LMDC keeps no metadata.approval: Git is the record. 'no approval is recorded' would be untrue for a
    document whose approval Git records (approved-in-git judges it)."""
    code, out, err = run("check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                         "approved-has-approval")
    assert git_findings(out) == []
    assert code == 0, err


def test_a_tag_named_origin_main_cannot_stand_in_for_the_default_branch(clone: Team) -> None:
    """git resolves 'origin/main' to a tag of that name before the remote-tracking branch. A tag pushed with
    that name at the pull request's own head would make the change compare with itself: nothing new,
    nothing pending, CI green. Pull-request mode refuses the ambiguous ref; the default branch is found by
    its full name."""
    clone.propose("sla-two-hours", ("agreements/sla-oceanography.yaml", "value: 4, unit: hours",
                  "value: 2, unit: hours"), "change", "SLA: 2 hours", who="yuki", when="2026-07-01T09:00:00+02:00")
    clone.git("tag", "origin/main")
    code, out, err = fitsm(clone.work, "check", "--changed-since", "origin/main", "--format", "json", "--as-of", AS_OF,
                           "--no-cache", "--select", GIT_RULES, home=clone.base)
    assert code == 2
    assert "'origin/main' is ambiguous" in err
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           GIT_RULES, home=clone.base)
    assert PENDING in git_findings(out), err


def _sla_findings(clone: Team) -> tuple[int, list[tuple[str, str, str, str, str]], str]:
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           GIT_RULES, home=clone.base)
    return code, [f for f in git_findings(out) if f[3] == "sla-oceanography"], err


def test_a_pull_request_merged_by_one_of_its_authors_is_not_a_second_persons_approval(clone: Team) -> None:
    """Aisha (SLM process manager) raises the SLA's availability target on a branch, Yuki adds a wording
    change on top, and Aisha merges the pull request. Yuki wrote the last commit, but Aisha approved content
    she wrote herself: nobody else approved her change (four eyes)."""
    clone.propose("sla-avail", ("agreements/sla-oceanography.yaml", "value: 99.0", "value: 99.5"), "aisha-change",
                  "SLA: 99.5 % availability", who="aisha", when="2026-07-01T09:00:00+02:00")
    clone.edit("agreements/sla-oceanography.yaml", "Department of Physical Oceanography", "Physical Oceanography group")
    clone.commit("yuki-change", "SLA: wording", who="yuki", when="2026-07-01T11:00:00+02:00")
    clone.github_merge("merge", 21, "sla-avail", who="aisha-gh", when="2026-07-02T09:00:00+02:00")
    code, found, err = _sla_findings(clone)
    assert found == [
        ("GR2.4", "approved-in-git", "error", "sla-oceanography",
         f"approved only by abello, who wrote part of the approved content ({clone.short('aisha-change')}) "
         f"(merged pull request #21 in {clone.short('merge')} on 2026-07-02); a second person must approve")]
    assert code == 1, err


def test_a_co_author_of_the_change_is_not_its_second_approver(clone: Team) -> None:
    """Yuki commits a change Aisha wrote with her (Co-authored-by, as GitHub's squash merges record the
    authors of a pull request), and Aisha merges it: her own work, approved by herself alone."""
    clone.propose("sla-avail", ("agreements/sla-oceanography.yaml", "value: 99.0", "value: 99.5"), "change",
                  "SLA: 99.5 % availability\n\nCo-authored-by: Aisha Bello <aisha.bello@lindqvist-marine.example>",
                  who="yuki", when="2026-07-01T09:00:00+02:00")
    clone.github_merge("merge", 22, "sla-avail", who="aisha-gh", when="2026-07-02T09:00:00+02:00")
    code, found, err = _sla_findings(clone)
    assert found == [
        ("GR2.4", "approved-in-git", "error", "sla-oceanography",
         f"approved only by abello, who wrote part of the approved content ({clone.short('change')}) "
         f"(merged pull request #22 in {clone.short('merge')} on 2026-07-02); a second person must approve")]
    assert code == 1, err


def test_an_earlier_change_approved_by_someone_else_does_not_bar_its_author_from_approving_the_next(
        clone: Team) -> None:
    """Tomás (the service's owner) changes its description and Marek (SMS manager) merges it; Yuki's later
    change is merged by Tomás. He approves only Yuki's work: four eyes on each change, no finding."""
    clone.propose("archive-doi", ("services/ocean-archive.yaml", "replicated archive", "mirrored archive"),
                  "tomas-change", "Archive: mirrored", who="tomas", when="2026-07-01T09:00:00+02:00")
    clone.github_merge("merge-1", 23, "archive-doi", who="marek-gh", when="2026-07-02T09:00:00+02:00")
    clone.propose("archive-ships", ("services/ocean-archive.yaml", "ship and glider", "ship, mooring and glider"),
                  "yuki-change", "Archive: moorings too", who="yuki", when="2026-07-03T09:00:00+02:00")
    clone.github_merge("merge-2", 24, "archive-ships", who="tomas", when="2026-07-04T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           GIT_RULES, home=clone.base)
    assert [f for f in git_findings(out) if f[3] == "ocean-archive"] == []
    # without Marek's merge in between, Tomás approves his own change too
    clone.propose("archive-depth", ("services/ocean-archive.yaml", "Long-term, mirrored", "Lasting, mirrored"),
                  "tomas-again", "Archive: full depth", who="tomas", when="2026-07-05T09:00:00+02:00")
    clone.edit("services/ocean-archive.yaml", "mooring and glider", "mooring, float and glider")
    clone.commit("yuki-again", "Archive: floats", who="yuki", when="2026-07-05T10:00:00+02:00")
    clone.github_merge("merge-3", 25, "archive-depth", who="tomas", when="2026-07-06T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           GIT_RULES, home=clone.base)
    assert [f for f in git_findings(out) if f[3] == "ocean-archive"] == [
        ("GR2.4", "approved-in-git", "error", "ocean-archive",
         f"approved only by truiz, who wrote part of the approved content ({clone.short('tomas-again')}) "
         f"(merged pull request #25 in {clone.short('merge-3')} on 2026-07-06); a second person must approve")]
    assert code == 1, err


@pytest.mark.parametrize(("told_on", "expected"), [
    ("2026-07-01", ["the policy approved on 2026-07-02 (merged pull request #19 in {merge}) has not been "
                    "communicated since: no dated distribution on or after that day"]),
    ("2026-07-03", []),
])
def test_a_policy_approved_only_in_git_is_communicated_after_that_approval(clone: Team, told_on: str,
                                                                          expected: list[str]) -> None:
    """GR1.2 asks for the approved policy to be communicated. LMDC records approvals in Git only (no
    metadata.approval): the approval that counts is Ingrid's merge, so a distribution dated the day before it
    communicated an earlier text. Before, a policy without metadata.approval was never judged at all."""
    clone.propose("policy-outages", ("org/policy.yaml", "every major incident.", "every major outage."), "change",
                  "Policy: outages", who="yuki", when="2026-07-01T09:00:00+02:00")
    clone.edit("org/policy.yaml", '  version: "1"\n',
               f'  version: "1"\n  distribution:\n    - {{audience: all staff, channel: mail, on: {told_on}}}\n')
    clone.commit("change", "Policy: outages, and when we told staff", who="yuki", when="2026-07-01T09:00:00+02:00")
    clone.merge("merge", "policy-outages", "Merge pull request #19 from lmdc/policy-outages\n\npolicy-outages",
                who="ingrid", by="github", when="2026-07-02T09:00:00+02:00")
    code, out, err = fitsm(clone.work, "check", "--format", "json", "--as-of", AS_OF, "--no-cache", "--select",
                           "policy-communicated", home=clone.base)
    assert code == (1 if expected else 0), err
    assert [f[4] for f in git_findings(out) if f[3] == "lmdc-policy"] == [
        e.format(merge=clone.short("merge")) for e in expected]
