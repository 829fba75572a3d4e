"""GR4 Planning (PLAN): the service management plan and process-specific plans."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.general import Plan, Role
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.documents import last_approved, reviewed_rule, settled_on
from fitsm_kit.rules.general import exactly_one, holders, roles_intact, the_sms_plan


@rule("GR4.1", "sms-plan-content", fix="add a Plan with type: sms")
def sms_plan_content(ctx: Context) -> Iterator[Problem]:
    """A service management plan exists with goals and timing, roles, training and awareness, and tools.

    GR4.1 lists what the plan shall include. Evidence: a ``Plan`` with ``type: sms`` whose
    ``spec.goals`` (each with a due date), ``spec.roles``, ``spec.training`` and ``spec.tools`` are
    not empty.
    """
    read = [d for d in ctx.sms.of_kind("Plan") if d.spec.type == "sms"]
    plans = [d for d in read if ctx.judged(d, "spec", "type")]  # a type cut out reads as sms: it may be process
    if not read and ctx.all_read("Plan"):  # else the plan that could not be read may be it
        yield Problem(None, (), "no service management plan (kind: Plan, spec.type: sms)")
    for doc in plans:
        assert isinstance(doc.model, Plan)
        for part, what in (("goals", "goals with due dates"), ("roles", "roles and responsibilities"),
                           ("training", "training and awareness activities"), ("tools", "tools")):
            if not getattr(doc.model.spec, part):
                yield Problem(doc, ("spec",), f"service management plan lists no {what}",
                              f"add spec.{part}")


reviewed_rule("GR4.1", "sms-plan-reviewed", ("Plan",), "service management plan", where=lambda d: d.spec.type == "sms",
              gate=("spec", "type"),
              why='GR4.1 asks for a plan "created and maintained"; FitSM-2 asks to "review and update the service '
                  'management plan at regular intervals".')


@rule("GR4.1", "sms-manager-assigned",
      fix="assign exactly one active person the role sms-manager")
def sms_manager_assigned(ctx: Context) -> Iterator[Problem]:
    """Exactly one SMS manager is assigned, to an active person.

    FitSM-3 asks for one SMS manager for the overall SMS: the person who maintains the service
    management plan and keeps the processes implemented as planned. The assignment is a
    ``RoleAssignment`` entry with ``role: sms-manager``; its person must be an active ``Person``.
    """
    yield from exactly_one(ctx, Role.SMS_MANAGER, None, "SMS manager")


@rule("GR4.1", "sms-plan-owned-by-sms-manager", kinds=("Plan",), intact=roles_intact(Role.SMS_MANAGER),
      fix="make the SMS manager the plan's metadata.owner")
def sms_plan_owned_by_sms_manager(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The service management plan is maintained by the SMS manager.

    FitSM-3 gives the SMS manager the task to "maintain the service management plan"; the plan's
    ``metadata.owner`` is the person who maintains it, and should hold the role ``sms-manager``.
    """
    managers = holders(ctx, Role.SMS_MANAGER)
    if doc.spec.type == "sms" and managers and doc.model.metadata.owner not in managers \
            and ctx.judged(doc, "spec", "type"):  # a type cut out reads as sms: it may be a process plan
        yield Problem(doc, ("metadata", "owner"), f"the service management plan is owned by "
                      f"{doc.model.metadata.owner}, not the SMS manager ({', '.join(sorted(managers))})")


@rule("GR4.2", "process-plan-aligned", kinds=("Plan",),
      fix="set spec.aligned_with to the id of the service management plan")
def process_plan_aligned(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every process-specific plan names the service management plan it is aligned with.

    Evidence: a ``Plan`` with ``type: process`` has ``spec.aligned_with`` naming the ``Plan`` with
    ``type: sms``.
    """
    assert isinstance(doc.model, Plan)
    spec = doc.model.spec
    if not ctx.judged(doc, "spec", "type") or spec.type != "process":  # an invalid type reads as "sms"
        return
    target = ctx.sms.get(spec.aligned_with, "Plan") if spec.aligned_with else None
    if spec.aligned_with is None:
        yield Problem(doc, ("spec",), "process plan does not say which service management plan it is aligned with")
    elif target is not None and target.spec.type != "sms":
        yield Problem(doc, ("spec", "aligned_with"),
                      f"aligned_with names {spec.aligned_with}, a process plan, not the service management plan")


@rule("GR4.2", "process-plan-aligned-with-sms-plan", kinds=("AvailabilityContinuityPlan", "CapacityPlan"),
      fix="set spec.aligned_with to the id of the service management plan (Plan with type: sms)")
def operational_plan_aligned(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An availability / continuity or capacity plan that names a plan it aligns with names the SMS plan.

    The ACM and CAPM plans are process-specific plans (GR4.2). Evidence: their ``spec.aligned_with``,
    when given, names the ``Plan`` with ``type: sms``; a process plan in its place is not aligned with
    the service management plan.
    """
    named = doc.spec.aligned_with
    target = ctx.sms.get(named, "Plan") if named else None
    if target is not None and target.spec.type != "sms":
        yield Problem(doc, ("spec", "aligned_with"),
                      f"aligned_with names {named}, a process plan, not the service management plan")


@rule("GR4.2", "process-plan-current", kinds=("Plan",), history=True,
      fix="review the process plan against the current service management plan and record the review date")
def process_plan_current(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every process-specific plan was reviewed since the current service management plan was approved.

    FitSM-2 asks to "review process-specific plans at regular intervals and keep them aligned to the
    overall service management plan". A process plan last reviewed or approved before the current
    version of the service management plan was approved has not been aligned to it. Reviews and approvals
    recorded in Git count as for ``process-plan-reviewed``, for both plans: the SMS plan's approval is the
    later of its ``metadata.approval`` and its newest approval in Git that counts.
    """
    sms_plan = the_sms_plan(ctx)
    if not ctx.judged(doc, "spec", "type") or doc.spec.type != "process" or sms_plan is None:
        return
    approved = last_approved(sms_plan, ctx)
    if approved is None:
        return  # never approved: nothing to align to yet (approved-has-approval reports an approved plan without)
    settled = settled_on(doc, ctx)
    if settled is None or settled.on < approved.on:
        yield Problem(doc, ("metadata", "review") if doc.model.metadata.review else ("metadata",),
                      f"process plan last reviewed or approved {settled or 'never'}, before the current service "
                      f"management plan was approved ({approved})")


reviewed_rule("GR4.2", "process-plan-reviewed", ("Plan",), "process plan", where=lambda d: d.spec.type == "process",
              gate=("spec", "type"),
              why='FitSM-2 asks to "review process-specific plans at regular intervals".')
