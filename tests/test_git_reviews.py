"""Reviews recorded in Git count for the review rules, under the trust rules of approvals (README "Reviews").

Nordlicht Research Computing (NRC) keeps its SMS in Git on GitHub, with a bare ``origin`` here. Its
documents say they were last reviewed in January 2025 (``metadata.review.last_reviewed``), but the team
records its reviews in Git: with ``fitsm review --commit``, in an empty commit on a pull-request branch
merged by GitHub's merge button, in a squash merge's message, in a commit that names two documents —
and some records that must not count: a reviewer who is no Person of the SMS, GitLab's ``Reviewed-by``
of a change, a review on a branch that was never merged, unsigned reviews when signatures are required.
Every verdict is read through the real CLI (``python -m fitsm_kit``) in real repositories.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gitsms import isolated_env

from conftest import REPO

AS_OF = "2026-09-30"  # each document says 2025-01-15 and P12M: due 2026-01-15, late after the 30 days' grace
REVIEW_RULES = "review-overdue,sla-reviewed"
OLD = "2025-01-15"

PEOPLE = {
    "hanna": ("Hanna Larsen", "hanna.larsen@nordlicht.example"),
    "hanna-gh": ("Hanna Larsen", "7001+hlarsen@users.noreply.github.com"),
    "ole": ("Ole Koch", "ole.koch@nordlicht.example"),
    "petra": ("Petra Meyer", "petra.meyer@nordlicht.example"),
    "jo": ("Jo Doe", "jo.doe@elsewhere.example"),  # a consultant: no Person of the SMS
    "github": ("GitHub", "noreply@github.com"),
}
HANNA, OLE, PETRA, JO = (f"{n} <{e}>" for n, e in (PEOPLE[p] for p in ("hanna", "ole", "petra", "jo")))


def service(doc_id: str, title: str, last_reviewed: str | None = OLD) -> str:
    review = f"{{interval: P12M, last_reviewed: {last_reviewed}}}" if last_reviewed else "{interval: P12M}"
    return f"""\
apiVersion: fitsm.eu/v1
kind: Service
metadata:
  id: {doc_id}
  title: {title}
  owner: okoch
  status: approved
  review: {review}
spec:
  description: {title} for the research groups of the institute.
  lifecycle_status: live
"""


FILES = {
    "fitsm.yaml": "# NRC service management system\ndocument_control:\n  git: true\n",
    "people.yaml": "".join(f"""\
{'---' + chr(10) if i else ''}apiVersion: fitsm.eu/v1
kind: Person
metadata: {{id: {pid}, title: {name}, owner: hlarsen, status: recorded}}
spec:
  name: {name}
  email: {PEOPLE[who][1]}
  github: {pid}
""" for i, (pid, name, who) in enumerate((("hlarsen", "Hanna Larsen", "hanna"), ("okoch", "Ole Koch", "ole"),
                                          ("pmeyer", "Petra Meyer", "petra")))),
    "services/hpc.yaml": service("svc-hpc", "HPC cluster"),
    "services/storage.yaml": service("svc-storage", "Research storage"),
    "services/jupyter.yaml": service("svc-jupyter", "JupyterHub"),
    "services/backup.yaml": service("svc-backup", "Backup"),
    "services/vm.yaml": service("svc-vm", "Virtual machines"),
    "services/gitlab.yaml": service("svc-gitlab", "GitLab"),
    "services/web.yaml": service("svc-web", "Web hosting"),
    "services/new.yaml": service("svc-new", "Data transfer", last_reviewed=None),
    "services/orphan.yaml": service("svc-orphan", "Licence server", last_reviewed=None),
    "agreements/sla-physics.yaml": f"""\
apiVersion: fitsm.eu/v1
kind: SLA
metadata:
  id: sla-physics
  title: SLA with the physics department
  owner: pmeyer
  status: approved
  review: {{interval: P12M, last_reviewed: {OLD}}}
spec:
  type: specific
  services: [svc-hpc, svc-storage]
  validity: {{start: 2025-01-01}}
  targets:
    - {{id: avail, metric: availability, value: 99.0, unit: "%", period: P3M}}
""",
}


def git_env(home: Path, author: str, committer: str | None = None, when: str = "2025-03-03T09:00:00+01:00"
            ) -> dict[str, str]:
    a, c = PEOPLE[author], PEOPLE[committer or author]
    return isolated_env(home) | {"GIT_AUTHOR_NAME": a[0], "GIT_AUTHOR_EMAIL": a[1], "GIT_COMMITTER_NAME": c[0],
                                 "GIT_COMMITTER_EMAIL": c[1], "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}


class Team:
    """A bare ``origin`` and a working clone; each step with its own identity and date."""

    def __init__(self, base: Path, work: Path) -> None:
        self.base, self.origin, self.work = base, base / "origin.git", work
        self.shas: dict[str, str] = {}

    def git(self, *args: str, who: str = "ole", by: str | None = None, when: str = "2025-03-03T09:00:00+01:00",
            options: tuple[str, ...] = ()) -> str:
        return subprocess.run(["git", *options, *args], cwd=self.work, env=git_env(self.base, who, by, when),
                              capture_output=True, text=True, check=True).stdout

    def commit(self, step: str, message: str, *, who: str, when: str, by: str | None = None,
               options: tuple[str, ...] = ()) -> None:
        self.git("add", "-A", who=who, when=when)
        self.git("commit", "-q", "--allow-empty", "-m", message, who=who, by=by, when=when, options=options)
        self.mark(step)

    def mark(self, step: str) -> None:
        self.shas[step] = self.git("rev-parse", "HEAD").strip()

    def short(self, step: str) -> str:
        return self.shas[step][:7]

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.work / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def fitsm(self, *args: str, who: str = "ole", when: str = "2026-09-30T12:00:00+02:00") -> tuple[int, str, str]:
        """``python -m fitsm_kit ARGS`` in the clone, as ``who`` (whose identity a ``--commit`` uses) at ``when``."""
        env = git_env(self.base, who, when=when) | {"PYTHONPATH": str(REPO / "src"),
                                                    "XDG_CONFIG_HOME": str(self.base / "config")}
        done = subprocess.run([sys.executable, "-m", "fitsm_kit", *args], cwd=self.work, env=env,
                              capture_output=True, text=True, check=False)
        return done.returncode, done.stdout, done.stderr

    def findings(self, *args: str, as_of: str = AS_OF) -> dict[str, str]:
        """The review findings of ``fitsm check`` as of ``as_of``: document id -> message."""
        code, out, err = self.fitsm("check", "--format", "json", "--no-cache", "--as-of", as_of,
                                    "--select", REVIEW_RULES, *args)
        assert code in (0, 1), err
        found = json.loads(out)["findings"]
        assert all(f["rule"] in REVIEW_RULES.split(",") for f in found), found
        assert code == (1 if found else 0)
        return {f["document"]: f["message"] for f in found}


def build(base: Path) -> Team:
    """NRC's history; each step's comment says who did what, the tests say what counts."""
    team = Team(base, base / "nrc-sms")
    env = git_env(base, "ole")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(team.origin)], check=True, env=env)
    subprocess.run(["git", "clone", "-q", str(team.origin), str(team.work)], check=True, env=env, capture_output=True)
    for rel, text in FILES.items():
        (team.work / rel).parent.mkdir(parents=True, exist_ok=True)
        (team.work / rel).write_text(text, encoding="utf-8")
    team.git("checkout", "-q", "-b", "main")
    team.commit("import", "Import the NRC SMS", who="ole", when="2025-03-03T09:00:00+01:00")
    team.git("push", "-q", "origin", "main")
    team.git("remote", "set-head", "origin", "main")
    # 2025-06-02 ole records a review of the web hosting, by himself (GitHub handle), straight on main
    team.commit("web", "Review web hosting\n\nFitsm-Review: svc-web\nReviewed-by: @okoch", who="ole",
                when="2025-06-02T10:00:00+02:00")
    # 2026-04-10 hanna reviews the HPC service with 'fitsm review --commit' (it stamps the file and commits)
    code, out, err = team.fitsm("review", "svc-hpc", "--by", "hlarsen", "--note", "Still fits the cluster.",
                                "--commit", who="hanna", when="2026-04-10T15:00:00+02:00")
    assert code == 0, err
    team.mark("hpc")
    # 2026-04-20 ole restores the HPC file from the import (undoing a botched edit): the stamp is gone, the
    # review commit stays in the history
    team.git("checkout", team.shas["import"], "--", "services/hpc.yaml")
    team.commit("restore", "Restore the HPC service file", who="ole", when="2026-04-20T09:00:00+02:00")
    # 2026-05-05 ole reviews the SLA and the new data transfer service in one commit
    team.commit("two", "Review the physics SLA and data transfer\n\nFitsm-Review: sla-physics, svc-new\n"
                f"Reviewed-by: {PETRA}", who="ole", when="2026-05-05T11:00:00+02:00")
    # 2026-05-06 a consultant, who is no Person of the SMS, "reviews" the VMs and the licence server
    team.commit("jo", f"External review\n\nFitsm-Review: svc-vm svc-orphan\nReviewed-by: {JO}", who="ole",
                when="2026-05-06T11:00:00+02:00")
    team.git("push", "-q", "origin", "main")
    # GitLab-style merge of a change to GitLab, whose reviewer the template writes as Reviewed-by: a review of
    # the change, not of the document
    team.git("checkout", "-q", "-b", "gitlab-runners", "origin/main")
    team.edit("services/gitlab.yaml", "GitLab for the", "GitLab with shared runners for the")
    team.commit("gitlab-change", "GitLab: shared runners", who="petra", when="2026-05-07T09:00:00+02:00")
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--no-ff", "-m", "Merge branch 'gitlab-runners' into 'main'\n\nGitLab: shared runners\n\n"
             f"See merge request nrc/sms!9\n\nReviewed-by: {OLE}", "gitlab-runners", who="hanna",
             when="2026-05-08T09:00:00+02:00")
    team.mark("gitlab")
    team.git("push", "-q", "origin", "main")
    # PR #21: petra reviews the storage service in an empty commit; hanna merges with GitHub's button
    team.git("checkout", "-q", "-b", "review-storage", "origin/main")
    team.commit("storage", f"Annual review of research storage\n\nFitsm-Review: svc-storage\nReviewed-by: {PETRA}",
                who="petra", when="2026-06-03T10:00:00+02:00")
    team.git("push", "-q", "origin", "review-storage")
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--no-ff", "-m", "Merge pull request #21 from nrc/review-storage\n\nreview-storage",
             "review-storage", who="hanna-gh", by="github", when="2026-06-04T10:00:00+02:00")
    team.mark("pr21")
    team.git("push", "-q", "origin", "main")
    # PR #22: ole's review of JupyterHub changes its description; GitHub squash-merges it with the trailers
    team.git("checkout", "-q", "-b", "jupyter-review", "origin/main")
    team.edit("services/jupyter.yaml", "JupyterHub for the", "JupyterHub with named kernel images for the")
    team.commit("jupyter-branch", "Jupyter: name the kernel images", who="ole", when="2026-07-01T10:00:00+02:00")
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--squash", "jupyter-review")
    team.commit("jupyter", "Review JupyterHub: name the kernel images (#22)\n\n* Jupyter: name the kernel images\n\n"
                f"Fitsm-Review: svc-jupyter\nReviewed-by: {HANNA}", who="ole", by="github",
                when="2026-07-02T10:00:00+02:00")
    team.git("push", "-q", "origin", "main")
    return team


@pytest.fixture(scope="module")
def nrc(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return build(tmp_path_factory.mktemp("nrc"))


def clone(team: Team, base: Path, *options: str) -> Team:
    """Another working clone of ``origin`` (checked out at main), for a test that adds commits of its own."""
    other = Team(team.base, base / "clone")
    other.shas = dict(team.shas)
    subprocess.run(["git", "clone", "-q", *options, f"file://{team.origin}", str(other.work)], check=True,
                   env=git_env(team.base, "ole"), capture_output=True)
    return other


def overdue(since: str, note: str = "") -> str:
    """review-overdue's message for a last review ``since`` ("DATE", or "DATE (where)") and P12M."""
    return f"review overdue: last reviewed {since}, interval P12M, fell due {int(since[:4]) + 1}{since[4:10]}{note}"


def test_reviews_recorded_only_in_git_are_not_reported_overdue(nrc: Team) -> None:
    s = nrc.short
    assert nrc.findings() == {
        # nothing recorded anywhere but the document
        "svc-backup": overdue(OLD),
        # the review in Git counts and is the later date: still overdue, and the finding says where the date is from
        "svc-web": overdue(f"2025-06-02 (Fitsm-Review trailer in {s('web')})"),
        # a reviewer who is no Person of the SMS is nobody's review
        "svc-vm": overdue(OLD, f"; the Fitsm-Review trailer in {s('jo')} on 2026-05-06 does not count: by {JO}, "
                               "who is no Person of the SMS"),
        "svc-orphan": "the document was never reviewed: no metadata.review.last_reviewed and no approval date, "
                      f"nor a review or approval in Git that counts; the Fitsm-Review trailer in {s('jo')} on "
                      f"2026-05-06 does not count: by {JO}, who is no Person of the SMS",
        # GitLab's Reviewed-by reviews the change it merges, not the document
        "svc-gitlab": overdue(OLD, f"; the Reviewed-by trailer in {s('gitlab')} on 2026-05-08 does not count: a "
                                   "review of a change, not of the document: no Fitsm-Review trailer names it"),
    }
    # not reported: svc-hpc ('fitsm review --commit', its stamp since undone), svc-storage (an empty commit merged
    # by GitHub's merge button), svc-jupyter (a squash merge's trailers), sla-physics and svc-new (one commit naming
    # both; svc-new was never reviewed in its metadata)
    assert (nrc.work / "services/hpc.yaml").read_text(encoding="utf-8") == FILES["services/hpc.yaml"]


def test_the_as_of_date_governs_which_git_reviews_have_happened(nrc: Team) -> None:
    s = nrc.short
    found = nrc.findings(as_of="2026-05-01")
    # the HPC review of 04-10 counts on 05-01; the storage review (06-03) and the SLA review (05-05) not yet
    assert "svc-hpc" not in found
    assert found["svc-storage"] == overdue(OLD, f"; the Fitsm-Review trailer in {s('storage')} on 2026-06-03 does "
                                                "not count: dated after 2026-05-01")
    assert found["sla-physics"].startswith("review of the SLA overdue: last reviewed 2025-01-15, interval P12M, fell "
                                           f"due 2026-01-15; the Fitsm-Review trailer in {s('two')} on 2026-05-05 "
                                           "does not count: dated after 2026-05-01")
    # 06-03: the storage review has happened (svc-web, reviewed 2025-06-02, is within its grace period)
    assert nrc.findings(as_of="2026-06-03").keys() == {"svc-backup", "svc-vm", "svc-orphan", "svc-gitlab",
                                                       "svc-jupyter"}


def test_a_review_on_a_branch_counts_only_once_it_is_merged(nrc: Team, tmp_path: Path) -> None:
    team = clone(nrc, tmp_path)
    team.git("checkout", "-q", "-b", "review-backup")
    team.commit("backup", f"Review the backup service\n\nFitsm-Review: svc-backup\nReviewed-by: {HANNA}", who="hanna",
                when="2026-09-01T10:00:00+02:00")
    team.git("push", "-q", "origin", "review-backup")  # a pull request, never merged
    on_branch = team.findings()
    assert on_branch["svc-backup"] == overdue(OLD, f"; the Fitsm-Review trailer in {team.short('backup')} on "
                                                   f"2026-09-01 does not count: its commit {team.short('backup')} is "
                                                   "on this branch only, not on origin/main")
    assert "svc-storage" not in on_branch and "svc-hpc" not in on_branch  # reviews the default branch holds count
    assert team.findings("--changed-since", "origin/main")["svc-backup"] == on_branch["svc-backup"]
    team.git("checkout", "-q", "main")
    assert "svc-backup" in team.findings()  # main never got it
    team.git("merge", "-q", "--no-ff", "-m", "Merge pull request #23 from nrc/review-backup", "review-backup",
             who="hanna-gh", by="github", when="2026-09-02T10:00:00+02:00")
    assert "svc-backup" not in team.findings()  # merged: its review counts


def ssh_key(where: Path, name: str) -> tuple[Path, str]:
    key = where / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (where / f"{name}.pub").read_text(encoding="ascii").strip()


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_with_signatures_required_only_a_review_signed_by_the_reviewer_counts(nrc: Team, tmp_path: Path) -> None:
    team = clone(nrc, tmp_path)
    keys = tmp_path / "keys"
    keys.mkdir()
    (hanna_key, hanna_pub), (petra_key, petra_pub) = ssh_key(keys, "hanna"), ssh_key(keys, "petra")
    for person, pub in (("hlarsen", hanna_pub), ("pmeyer", petra_pub)):
        team.edit("people.yaml", f"  github: {person}\n", f"  github: {person}\n  signing_keys: [{json.dumps(pub)}]\n")
    team.edit("fitsm.yaml", "  git: true\n", "  git: true\n  require_signed_approvals: true\n")
    team.commit("keys", "Sign approvals and reviews", who="hanna", when="2026-08-01T09:00:00+02:00")

    def signed(step: str, doc: str, key: Path) -> None:
        team.commit(step, f"Review {doc}\n\nFitsm-Review: {doc}\nReviewed-by: {HANNA}", who="hanna",
                    when="2026-08-02T09:00:00+02:00", options=("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}",
                                                               "-c", "commit.gpgsign=true"))

    signed("backup", "svc-backup", hanna_key)  # hanna's own key
    signed("web", "svc-web", petra_key)  # petra's key on a review that names hanna
    found = team.findings()
    assert "svc-backup" not in found
    assert found["svc-web"] == overdue(OLD, f"; the Fitsm-Review trailer in {team.short('web')} on 2026-08-02 does "
                                            "not count: not signed by the reviewer "
                                            "(document_control.require_signed_approvals): signed by a key of pmeyer, "
                                            "not of the reviewer (SHA256:" + found["svc-web"].split("(SHA256:")[1])
    # the unsigned reviews that counted before count no more
    assert found["svc-hpc"] == overdue(OLD, f"; the Fitsm-Review trailer in {team.short('hpc')} on 2026-04-10 does "
                                            "not count: not signed by the reviewer "
                                            "(document_control.require_signed_approvals): unsigned")
    assert {"svc-storage", "svc-jupyter", "sla-physics", "svc-new"} <= found.keys()


def test_a_shallow_clone_counts_only_the_documents_own_dates(nrc: Team, tmp_path: Path) -> None:
    shallow = clone(nrc, tmp_path, "--depth", "1")
    code, out, err = shallow.fitsm("check", "--format", "json", "--no-cache", "--as-of", AS_OF, "--select",
                                   REVIEW_RULES)
    assert code == 1
    result = json.loads(out)
    found = {f["document"]: f["message"] for f in result["findings"]}
    assert found["svc-hpc"] == found["svc-storage"] == overdue(OLD)  # no data, no claim of a review
    assert found["svc-new"] == ("the document was never reviewed: no metadata.review.last_reviewed and no approval "
                                "date")
    assert any(n.startswith("shallow clone:") and "reviews recorded in Git were not counted" in n
               for n in result["notices"]), result["notices"]
    assert "svc-hpc" not in nrc.findings()  # the full history has the review


def test_fitsm_review_commit_records_one_date_in_the_file_and_the_commit(nrc: Team, tmp_path: Path) -> None:
    team = clone(nrc, tmp_path)
    path = team.work / "services/backup.yaml"
    before, head = path.read_text(encoding="utf-8"), team.git("rev-parse", "HEAD")
    # the review took place in June; recording it today as a commit would date the Git review today
    late = "2026-09-20T23:30:00-05:00"  # in UTC already the 21st: the commit's own day counts, as Git records it
    code, out, err = team.fitsm("review", "svc-backup", "--by", "okoch", "--on", "2026-06-15", "--commit", when=late)
    assert code == 2
    assert err.strip().endswith("--on 2026-06-15 with --commit: the review commit is dated 2026-09-20, and a "
                                "review in Git counts from its commit's date; leave out --on, or record the review "
                                "of another day without --commit and commit the file without a Fitsm-Review "
                                "trailer"), err
    assert path.read_text(encoding="utf-8") == before and team.git("rev-parse", "HEAD") == head  # nothing written
    code, out, err = team.fitsm("review", "svc-backup", "--by", "okoch", "--commit", when=late)
    assert code == 0, err
    assert "recorded the review of svc-backup on 2026-09-20" in out
    assert "last_reviewed: 2026-09-20, reviewed_by: okoch}" in path.read_text(encoding="utf-8")
    assert team.git("log", "-1", "--format=%cI").startswith("2026-09-20T23:30:00-05:00")
    # --on the commit's day is the same review date
    code, out, err = team.fitsm("review", "svc-web", "--by", "okoch", "--on", "2026-09-20", "--commit", when=late)
    assert code == 0, err
    code, out, err = team.fitsm("history", "svc-backup", "--format", "json")
    assert code == 0, err
    reviews = json.loads(out)["documents"][0]["reviews"]
    assert [(r["date"], r["by"], r["evidence"], r["counted"]) for r in reviews] == [
        ("2026-09-20", ["okoch"], "Fitsm-Review trailer", True)]
    found = team.findings()
    assert "svc-backup" not in found and "svc-web" not in found
    # without --commit a past review is recorded in the file alone, and the hint commits it without the trailer
    code, out, err = team.fitsm("review", "svc-vm", "--by", "okoch", "--on", "2026-06-15", when=late)
    assert code == 0, err
    assert "last_reviewed: 2026-06-15, reviewed_by: okoch}" in (team.work / "services/vm.yaml").read_text("utf-8")
    assert "next: git commit -m 'Record the review of svc-vm on 2026-06-15' -- services/vm.yaml" in out


def test_history_says_which_reviews_count_and_why_not(nrc: Team) -> None:
    def reviews(doc: str) -> list[tuple[Any, ...]]:
        code, out, err = nrc.fitsm("history", doc, "--format", "json")
        assert code == 0, err
        return [(r["commit"], r["date"], tuple(r["by"]), r["evidence"], r["counted"], r["not_counted"])
                for r in json.loads(out)["documents"][0]["reviews"]]

    sha = nrc.shas
    assert reviews("svc-storage") == [(sha["storage"], "2026-06-03", ("pmeyer",), "Fitsm-Review trailer", True, None)]
    assert reviews("svc-new") == [(sha["two"], "2026-05-05", ("pmeyer",), "Fitsm-Review trailer", True, None)]
    assert reviews("svc-vm") == [(sha["jo"], "2026-05-06", (JO,), "Fitsm-Review trailer", False,
                                  f"by {JO}, who is no Person of the SMS")]
    assert reviews("svc-gitlab") == [(sha["gitlab"], "2026-05-08", ("okoch",), "Reviewed-by trailer", False,
                                      "a review of a change, not of the document: no Fitsm-Review trailer names it")]
    code, out, err = nrc.fitsm("history", "svc-vm")
    assert code == 0, err
    assert (f"2026-05-06  {nrc.short('jo')}  {JO}  (Fitsm-Review trailer; not counted: by {JO}, who is no Person "
            "of the SMS)") in out


def test_the_site_counts_the_reviews_the_check_counts(nrc: Team, tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, _, err = nrc.fitsm("render", "--out", str(out), "--as-of", AS_OF)
    assert code == 0, err
    html = (out / "reviews" / "index.html").read_text(encoding="utf-8")
    late = html[html.index('id="overdue-or-not-planned"'):html.index('id="coming-up"')]
    # the review calendar says overdue exactly where the check reports it
    ids = re.findall(r"(?m)^  id: (\S+)$", "".join(FILES.values()))
    assert len(ids) == 10 and {d for d in ids if f"/{d}/" in late} == nrc.findings().keys()
    assert "/svc-backup/" in late and "/svc-hpc/" not in late
    page = (out / "services" / "svc-hpc" / "index.html").read_text(encoding="utf-8")
    assert f"<td>2026-04-10 (Fitsm-Review trailer in {nrc.short('hpc')})</td>" in page

