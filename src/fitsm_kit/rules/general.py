"""Rules for the general requirements GR1–GR7."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import ProcessCode
from fitsm_kit.model.general import KPI, Nonconformity, Plan, Process
from fitsm_kit.rules.base import Context, Doc, Problem, rule


def in_scope_processes(ctx: Context) -> list[ProcessCode]:
    """The processes the scope statement puts in scope (all 14 when there is no scope statement)."""
    scopes = ctx.sms.of_kind("Scope")
    return list(scopes[0].spec.processes) if scopes else list(ProcessCode)


@rule("GR1.1", "sms-owner-assigned", fix="assign exactly one person the role sms-owner in a RoleAssignment")
def sms_owner_assigned(ctx: Context) -> Iterator[Problem]:
    """Exactly one SMS owner is assigned, and that person is a member of top management.

    Being top management is a fact the tool cannot see: it checks that the SMS owner's Person record
    says ``top_management: true``.
    """
    owners = [(doc, i, a) for doc, i, a in ctx.sms.assignments() if a.role.value == "sms-owner"]
    if not owners:
        anchor = next(iter(ctx.sms.of_kind("RoleAssignment")), None)
        yield Problem(anchor, ("spec", "assignments"), "no SMS owner is assigned")
        return
    for doc, i, _ in owners[1:]:
        yield Problem(doc, ("spec", "assignments", i), f"{len(owners)} SMS owners assigned; FitSM-3 asks for one")
    doc, i, owner = owners[0]
    person = ctx.sms.get(owner.person, "Person")
    if person is not None and not person.spec.top_management:
        yield Problem(doc, ("spec", "assignments", i, "person"),
                      f"SMS owner {owner.person} is not recorded as top management",
                      "assign a member of top management, or set spec.top_management: true on their Person")


@rule("GR2.2", "process-definitions", fix="add a Process document for each process in scope")
def process_definitions(ctx: Context) -> Iterator[Problem]:
    """Each process in scope has exactly one complete definition.

    Complete means goals, inputs, activities, outputs, roles and interfaces are all described.
    """
    defined: dict[ProcessCode, list[Doc]] = {}
    for doc in ctx.sms.of_kind("Process"):
        assert isinstance(doc.model, Process)
        defined.setdefault(doc.model.spec.code, []).append(doc)
    for code in in_scope_processes(ctx):
        docs = defined.get(code, [])
        if not docs:
            yield Problem(None, (), f"process {code.value} is in scope but has no Process definition")
        for extra in docs[1:]:
            yield Problem(extra, ("spec", "code"), f"process {code.value} is defined more than once "
                          f"(also in {docs[0].path})", "keep one definition per process")
    for docs in defined.values():
        for doc in docs:
            spec = doc.spec
            for part in ("goals", "inputs", "activities", "outputs", "roles", "interfaces"):
                if not getattr(spec, part):
                    yield Problem(doc, ("spec",), f"process definition has no {part}",
                                  f"describe the process's {part} under spec.{part}")


@rule("GR3.2", "scope-statement", fix="add one Scope document with the SMS scope statement")
def scope_statement(ctx: Context) -> Iterator[Problem]:
    """The SMS has exactly one scope statement."""
    scopes = ctx.sms.of_kind("Scope")
    if not scopes:
        yield Problem(None, (), "no scope statement (kind: Scope)")
    for doc in scopes[1:]:
        yield Problem(doc, ("kind",), f"more than one scope statement (also {scopes[0].path})",
                      "merge the scope statements into one")


@rule("GR4.1", "sms-plan-content", fix="add a Plan with type: sms")
def sms_plan_content(ctx: Context) -> Iterator[Problem]:
    """A service management plan exists with goals and timing, roles, training and awareness, and tools."""
    plans = [d for d in ctx.sms.of_kind("Plan") if d.spec.type == "sms"]
    if not plans:
        yield Problem(None, (), "no service management plan (kind: Plan, spec.type: sms)")
    for doc in plans:
        assert isinstance(doc.model, Plan)
        for part, what in (("goals", "goals with due dates"), ("roles", "roles and responsibilities"),
                           ("training", "training and awareness activities"), ("tools", "tools")):
            if not getattr(doc.model.spec, part):
                yield Problem(doc, ("spec",), f"service management plan lists no {what}",
                              f"add spec.{part}")


@rule("GR5.1", "plan-goals-on-track", kinds=("Plan",),
      fix="complete the goal, or re-plan it with a new due date (and say why in the management review)")
def plan_goals_on_track(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """No plan goal is past its due date while still planned or in progress."""
    assert isinstance(doc.model, Plan)
    for i, goal in enumerate(doc.model.spec.goals):
        if goal.status in ("planned", "in-progress") and goal.due < ctx.as_of:
            yield Problem(doc, ("spec", "goals", i, "due"), f"goal {goal.id} was due {goal.due} "
                          f"and is still {goal.status}")


@rule("GR6.1", "kpi-measured", kinds=("KPI",), fix="record a measurement under spec.measurements")
def kpi_measured(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every KPI has a measurement within its frequency (plus grace)."""
    assert isinstance(doc.model, KPI)
    spec = doc.model.spec
    if not spec.measurements:
        yield Problem(doc, ("spec",), "KPI has never been measured")
        return
    last = max(m.period_end for m in spec.measurements)
    if (due := ctx.overdue(last, spec.frequency)) is not None:
        yield Problem(doc, ("spec", "measurements"),
                      f"last measurement {last}, frequency {spec.frequency}: a new one fell due {due}")


@rule("GR7.1", "nonconformity-overdue", kinds=("Nonconformity",),
      fix="carry out the corrective action and close the nonconformity, or set a new due date")
def nonconformity_overdue(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Open nonconformities have an owner-set due date that has not passed."""
    assert isinstance(doc.model, Nonconformity)
    spec = doc.model.spec
    if spec.status == "closed":
        return
    if spec.due is None:
        yield Problem(doc, ("spec",), "open nonconformity has no due date", "set spec.due")
    elif spec.due < ctx.as_of:
        yield Problem(doc, ("spec", "due"), f"nonconformity was due {spec.due} and is still {spec.status}")
