"""Variants for the Git document-control rules (GR2.4): the copy of the example becomes a Git repository
with a history that breaks one rule. The example itself is not in a repository of its own, so these
rules are silent on it (see the README, "Document control from Git")."""

from __future__ import annotations

from pathlib import Path

from gitsms import GitSms

from variants import Mutation, Variant, replace

APPROVED = "\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>"


def history(*steps: tuple[Mutation | None, str]) -> Mutation:
    """``git init``, then one commit per step (its mutation applied first), a day apart, by bob."""

    def mutate(root: Path) -> None:
        repo = GitSms(root)
        repo.git("init", "-q", "-b", "main")
        for day, (change, message) in enumerate(steps, start=1):
            if change is not None:
                change(root)
            repo.commit(f"step-{day}", message, who="bob", when=f"2026-01-{day:02d}T09:00:00+00:00")

    return mutate


def on_branch(root: Path) -> None:
    """The next steps happen on a feature branch, not on main (their changes await approval)."""
    GitSms(root).git("checkout", "-q", "-b", "feature")


POLICY_EDIT = replace("general/policy.yaml", "at least quarterly", "at least monthly")

VARIANTS = [
    Variant("GR2.4", "approved-in-git", history((None, "Import the SMS")), "no-approval-recorded"),
    Variant("GR2.4", "changed-after-approval",
            history((None, "Import the SMS" + APPROVED), (POLICY_EDIT, "Change the policy unapproved"))),
    Variant("GR2.4", "approval-pending",
            history((None, "Import the SMS" + APPROVED), (on_branch, "Start a branch"),
                    (POLICY_EDIT, "Change the policy on a branch"))),
    Variant("GR2.4", "version-bumped",
            history((replace("fitsm.yaml", "grace:", "document_control: {versioning: explicit}\ngrace:"),
                     "Import the SMS" + APPROVED), (POLICY_EDIT, "Change the policy" + APPROVED))),
]
