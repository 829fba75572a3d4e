"""GR5 Implementing (DO): the plan is implemented and the processes are followed in practice."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import Status
from fitsm_kit.model.general import Plan, Process, Role
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.general import attestation_problems, either, holders, in_scope_processes, roles_intact


def _planned_goals(ctx: Context) -> str | None:
    return None if any(d.spec.goals for d in ctx.sms.of_kind("Plan")) else "no Plan with goals"


@rule("GR5.1", "plan-goals-on-track", kinds=("Plan",), evidence=_planned_goals,
      fix="complete the goal, or re-plan it with a new due date (and say why in the management review)")
def plan_goals_on_track(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """No plan goal is past its due date while still planned or in progress.

    GR5.1 asks that the service management plan be implemented. Evidence: each goal in a ``Plan`` has a
    ``status``; one still ``planned`` or ``in-progress`` after its ``due`` date (as of ``--as-of``) is
    late. Re-planning means a new due date, so the plan stays honest.
    """
    assert isinstance(doc.model, Plan)
    for i, goal in enumerate(doc.model.spec.goals):
        if goal.status in ("planned", "in-progress") and goal.due < ctx.as_of \
                and ctx.judged(doc, "spec", "goals", i, "status"):  # cut out, it reads as planned
            yield Problem(doc, ("spec", "goals", i, "due"), f"goal {goal.id} was due {goal.due} "
                          f"and is still {goal.status}")


@rule("GR5.2", "process-followed-attested", kinds=("Process",),
      intact=roles_intact(Role.PROCESS_OWNER, Role.SMS_OWNER, Role.SMS_MANAGER),
      fix="have the process owner attest GR5.2 in the process definition's metadata.attestations")
def process_followed_attested(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The owner of each process in scope attests that the process is followed in practice and enforced.

    Whether a defined process is followed in practice, and its application enforced, is a judgement
    about what people do. fitsm-kit checks recorded evidence, not the truth of it: each in-scope
    ``Process`` definition carries an attestation (``metadata.attestations``) with
    ``requirement: GR5.2`` by that process's owner (or the SMS owner or SMS manager), saying in which
    role, dated within the definition's review interval (12 months when it has none) plus grace. The
    records that back it are checked by GR2.3 and the process requirements; audits (GR6.2) test it.
    """
    assert isinstance(doc.model, Process)
    code = doc.model.spec.code
    if code not in in_scope_processes(ctx) or doc.model.metadata.status is Status.RETIRED:
        return
    accepted = either(holders(ctx, Role.PROCESS_OWNER, process=code), holders(ctx, Role.SMS_OWNER, Role.SMS_MANAGER))
    yield from attestation_problems(doc, ctx, "GR5.2", accepted, f"the {code.value} process owner",
                                    f"the {code.value} process is followed in practice")
