"""GR6 Monitoring and reviewing (CHECK): KPIs, assessments and audits."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import ProcessCode
from fitsm_kit.model.general import KPI, Audit, Role
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.general import attestation_problems, either, holders, latest_of, recent_record, roles_intact

_PROCESS_CODES = {p.value: p for p in ProcessCode}


@rule("GR6.1", "kpi-measured", kinds=("KPI",), fix="record a measurement under spec.measurements")
def kpi_measured(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every KPI has a measurement within its frequency (plus grace).

    GR6.1 asks that effectiveness be measured, not only defined. The latest ``spec.measurements``
    entry's ``period_end`` plus the KPI's ``spec.frequency`` plus the grace period must not lie before
    ``--as-of``; a late one names the date the next measurement fell due. A measurement of a period
    that ends after ``--as-of`` has no result yet (a mistyped date): it is reported, and not counted.
    """
    assert isinstance(doc.model, KPI)
    spec = doc.model.spec
    for i, m in enumerate(spec.measurements):
        if m.period_end > ctx.as_of:
            yield Problem(doc, ("spec", "measurements", i, "period_end"),
                          f"measurement of the period ending {m.period_end}, after {ctx.as_of}: a period that has "
                          "not ended has no result yet", "date the measurement by the end of the period it measures")
    past = [m.period_end for m in spec.measurements if m.period_end <= ctx.as_of]
    if not past:
        if not spec.measurements:
            yield Problem(doc, ("spec",), "KPI has never been measured")
        return
    last = max(past)
    if spec.frequency is not None and (due := ctx.overdue(last, spec.frequency)) is not None:
        yield Problem(doc, ("spec", "measurements"),
                      f"last measurement {last}, frequency {spec.frequency}: a new one fell due {due}")


@rule("GR6.1", "kpi-for-sms", fix="define a KPI with spec.scope: sms")
def kpi_for_sms(ctx: Context) -> Iterator[Problem]:
    """At least one KPI measures the effectiveness of the SMS as a whole.

    GR6.1 asks that the effectiveness of the SMS and of its processes be measured. Evidence: a
    ``KPI`` with ``spec.scope: sms`` (process KPIs name the process code, service KPIs the service).
    """
    kpis = ctx.sms.of_kind("KPI")
    if any(d.spec.scope == "sms" for d in kpis) or not ctx.all_read("KPI"):
        return
    judged = [ctx.judged(d, "spec", "scope", left_out=d.spec.scope is None) for d in kpis]  # unjudged: may be it
    if all(judged):
        yield Problem(None, (), "no KPI measures the SMS as a whole (a KPI with spec.scope: sms)")


@rule("GR6.1", "kpi-scope-known", kinds=("KPI",),
      fix="set spec.scope to sms, a process code such as SLM, or a service id")
def kpi_scope_known(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every KPI says what it measures: the SMS, a process or a service.

    ``spec.scope`` is ``sms``, a process code (``SLM``, ``ISM``, …) or the id of a ``Service``.
    """
    scope = doc.spec.scope
    if scope is None:
        return  # left out or cut out: reported as such (evidence-field), not as an unknown scope
    if scope != "sms" and scope not in _PROCESS_CODES and ctx.sms.get(scope, "Service") is None \
            and not ctx.unread_id(scope, "Service"):  # a service that could not be read may be it
        yield Problem(doc, ("spec", "scope"), f"KPI scope {scope!r} is neither sms, a process code nor a service id")


@rule("GR6.1", "kpi-supports-goal", kinds=("KPI",),
      fix="set spec.goal to the id of a goal in the SM plan or a process plan")
def kpi_supports_goal(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every KPI supports a defined goal.

    GR6.1 asks for KPIs "in support of defined or agreed goals". Evidence: ``spec.goal`` names the id
    of a goal in a ``Plan`` (the service management plan or a process plan).
    """
    goals = ctx.memo("goals", lambda: {g.id for plan in ctx.sms.of_kind("Plan") for g in plan.spec.goals})
    goal = doc.spec.goal
    if not goal:
        yield Problem(doc, ("spec",), "KPI does not name the goal it supports (spec.goal)")
    elif goal not in goals and ctx.all_read("Plan") \
            and ctx.none_cut("Plan", "spec", "goals", naming=goal, key="id"):  # else an unread or cut one may
        yield Problem(doc, ("spec", "goal"), f"KPI supports goal {goal!r}, which no plan defines")


@rule("GR6.1", "kpi-suitability-attested", kinds=("KPI",),
      intact=roles_intact(Role.SMS_OWNER, Role.SMS_MANAGER, Role.PROCESS_OWNER),
      fix="have the SMS owner, SMS manager or the process owner attest the KPI's suitability in metadata.attestations")
def kpi_suitability_attested(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Someone accountable attests that the KPI is suitable.

    Whether a KPI is suitable — measurable with reasonable effort, reflecting the provider's own
    performance, tracking progress to a goal — needs judgement. fitsm-kit checks recorded evidence,
    not the truth of it: the KPI carries an attestation (``metadata.attestations``) with
    ``requirement: GR6.1`` by the SMS owner, the SMS manager or (for a process KPI) that process's
    owner, saying in which role, dated within the KPI's review interval (12 months when it has none)
    plus grace.
    """
    assert isinstance(doc.model, KPI)
    accepted = holders(ctx, Role.SMS_OWNER, Role.SMS_MANAGER)
    code = _PROCESS_CODES.get(doc.model.spec.scope or "")
    if code is not None:
        accepted = either(accepted, holders(ctx, Role.PROCESS_OWNER, process=code))
    yield from attestation_problems(doc, ctx, "GR6.1", accepted,
                                    "the SMS owner, the SMS manager or the process owner", "the KPI is suitable")


@rule("GR6.2", "audit-planned", fix="set spec.audit_interval on the policy and record each assessment or audit")
def audit_planned(ctx: Context) -> Iterator[Problem]:
    """Assessments or audits of the SMS have a planned interval and the last one is within it.

    The interval is the policy's ``spec.audit_interval``, else the default for ``Audit`` in
    ``fitsm.yaml`` or the policy's ``default_review_intervals``. The latest ``Audit`` record (a
    self-assessment, internal or external audit) must be dated within the interval plus grace as of
    ``--as-of``; an overdue one names the date the next fell due.
    """
    yield from recent_record(ctx, "Audit", "assessment or audit", "audit_interval")


@rule("GR6.2", "audit-evaluates-maturity", kinds=("Audit",),
      fix="record the capability scores (0-4 per requirement or process) under spec.scores")
def audit_evaluates_maturity(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The latest assessment or audit records the maturity it found.

    GR6.2 asks for assessments or audits "to evaluate the level of maturity and conformity". Evidence:
    the most recent ``Audit`` has ``spec.scores`` (FitSM-6 capability levels 0–4 per requirement or
    process); conformity gaps are its ``spec.findings``.
    """
    assert isinstance(doc.model, Audit)
    if doc is latest_of(ctx, "Audit") and not doc.model.spec.scores:
        yield Problem(doc, ("spec",), "the latest assessment or audit records no maturity scores (spec.scores)")
