"""Real Git repositories holding an SMS, with fixed identities and dates, for the document-control tests.

``scenario(path)`` builds the repository the tests share (see its docstring); ``GitSms`` runs git with
an isolated configuration (no global or system config) and the identity and date of each step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import EXAMPLES

# name and email of the acme people (examples/acme/people/people.yaml); bob's second email is in spec.emails
PEOPLE = {
    "alice": ("Alice Martin", "alice.martin@acme-rc.example"),
    "bob": ("Bob Keller", "bob.keller@acme-rc.example"),
    "bob-noreply": ("Bob Keller", "bkeller@users.noreply.example"),
    "carla": ("Carla Rossi", "carla.rossi@acme-rc.example"),
    "eva": ("Eva Novak", "eva.novak@acme-rc.example"),
    "farid": ("Farid Haddad", "farid.haddad@acme-rc.example"),
    "greta": ("Greta Lind", "greta.lind@acme-rc.example"),
}
RULES = ["approved-in-git", "changed-after-approval", "version-bumped"]


def isolated_env(home: Path) -> dict[str, str]:
    """An environment in which git reads no user or system configuration."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "LC_ALL": "C", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1"}


def no_user_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """fitsm's own git calls see no global configuration of the machine running the tests (a fixture)."""
    for key, value in isolated_env(tmp_path).items():
        if key != "PATH":
            monkeypatch.setenv(key, value)


@dataclass
class GitSms:
    root: Path
    shas: dict[str, str] = field(default_factory=dict)  # step name -> commit sha

    def git(self, *args: str, who: str = "bob", when: str = "2026-01-01T09:00:00+00:00") -> str:
        name, email = PEOPLE[who]
        env = isolated_env(self.root.parent) | {
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(self, step: str, message: str, *, who: str, when: str, merge: str | None = None) -> str:
        """Commit everything (or merge ``merge`` with --no-ff) and remember the sha as ``step``."""
        if merge is None:
            self.git("add", "-A")
            self.git("commit", "-q", "--allow-empty", "-m", message, who=who, when=when)
        else:
            self.git("merge", "-q", "--no-ff", "-m", message, merge, who=who, when=when)
        self.shas[step] = self.git("rev-parse", "HEAD").strip()
        return self.shas[step]


def copy_sms(root: Path) -> None:
    """A small SMS from the acme example: people, roles, policy, the SPD processes and two SLAs in one file."""
    acme = EXAMPLES / "acme"
    root.mkdir(parents=True)
    (root / "fitsm.yaml").write_text("as_of: 2026-11-26\n", encoding="utf-8")
    for rel in ("people/people.yaml", "general/roles.yaml", "general/policy.yaml", "processes/spd.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(acme / rel, root / rel)
    for rel in ("people/people.yaml", "general/roles.yaml"):  # records here, so only the documents under test count
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: recorded"),
                        encoding="utf-8")
    slas = [(acme / "agreements" / f"{name}.yaml").read_text(encoding="utf-8")
            for name in ("sla-default", "sla-bio-institute")]
    (root / "agreements").mkdir()
    (root / "agreements" / "slas.yaml").write_text(slas[0] + "---\n" + slas[1], encoding="utf-8")


def scenario(root: Path) -> GitSms:
    """The shared history (dates in 2026):

    1. 01-05 farid imports the SMS; ``Approved-by: Bob Keller <bkeller@users.noreply.example>``.
    2. 01-10 bob changes the policy on branch ``policy`` (a content change);
       01-12 alice merges it: "Merge pull request #1 from acme/policy".
    3. 02-01 eva changes sla-bio-institute; ``Approved-by: Carla Rossi <carla.rossi@acme-rc.example>``.
    4. 02-10 carla changes sla-default, squash-merged as "… (#2)" with ``Approved-by: carla-rossi``.
    5. 03-01 bob renames agreements/slas.yaml to agreements/service-levels.yaml (no content change).
    6. 03-05 bob fixes a typo in the policy, straight on main (a change after its approval).
    7. 03-10 eva records a review of sla-bio-institute in an empty commit:
       ``Fitsm-Review: sla-bio-institute`` and ``Reviewed-by: @glind`` (greta's GitHub handle).
    """
    copy_sms(root)
    repo = GitSms(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("import", "Import the SMS\n\nApproved-by: Bob Keller <bkeller@users.noreply.example>",
                who="farid", when="2026-01-05T10:00:00+01:00")
    repo.git("checkout", "-q", "-b", "policy")
    repo.edit("general/policy.yaml", "at least quarterly", "at least monthly")
    repo.commit("policy-change", "Inform customers monthly", who="bob", when="2026-01-10T11:00:00+01:00")
    repo.git("checkout", "-q", "main")
    repo.commit("merge-1", "Merge pull request #1 from acme/policy\n\nInform customers monthly", who="alice",
                when="2026-01-12T12:00:00+01:00", merge="policy")
    repo.edit("agreements/slas.yaml", "Higher availability", "High availability")
    repo.commit("sla-bio", "Reword the bio SLA\n\nApproved-by: Carla Rossi <carla.rossi@acme-rc.example>",
                who="eva", when="2026-02-01T09:30:00+01:00")
    repo.edit("agreements/slas.yaml", "Standard service levels", "Service levels")
    repo.commit("sla-default", "Shorten the default SLA description (#2)\n\nApproved-by: carla-rossi", who="carla",
                when="2026-02-10T15:00:00+01:00")
    repo.git("mv", "agreements/slas.yaml", "agreements/service-levels.yaml")
    repo.commit("rename", "Rename the SLA file", who="bob", when="2026-03-01T08:00:00+01:00")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    repo.commit("typo", "Policy: wording", who="bob", when="2026-03-05T08:00:00+01:00")
    repo.commit("review", "Review the bio SLA\n\nFitsm-Review: sla-bio-institute\nReviewed-by: @glind", who="eva",
                when="2026-03-10T16:00:00+01:00")
    return repo
