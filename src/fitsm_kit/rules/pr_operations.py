"""Rules for availability and continuity (PR4), capacity (PR5) and information security management (PR6)."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import ProcessCode, Status
from fitsm_kit.model.operations import (
    AvailabilityContinuityPlan,
    CapacityPlan,
    Risk,
    SecurityControl,
)
from fitsm_kit.model.service import SLA, Lifecycle
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.pr_agreements import covering_slas
from fitsm_kit.rules.pr_common import case_owner_rule, in_force, judged, reviewed_rule

RISK_TREATMENT_THRESHOLD = 12  # probability × impact on 1–5 scales


def live_services(ctx: Context) -> list[Doc]:
    return [d for d in ctx.sms.of_kind("Service") if d.spec.lifecycle_status is Lifecycle.LIVE]


def risks(ctx: Context, *categories: str) -> list[Doc]:
    """Risks of ``categories`` that are not retired."""
    return [d for d in ctx.sms.of_kind("Risk")
            if d.spec.category in categories and d.model.metadata.status is not Status.RETIRED]


def assessment_problems(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A risk is reassessed within its planned interval (a missing interval is GR2.4's finding)."""
    interval = ctx.interval(doc)
    if interval is not None and (due := ctx.overdue(doc.spec.assessed_on, interval)) is not None:
        yield Problem(doc, ("spec", "assessed_on"), f"last assessed {doc.spec.assessed_on}, interval {interval}: "
                      f"the reassessment fell due {due}", "reassess the risk and update spec.assessed_on")


def treatment_problems(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A risk at or above the treatment threshold is mitigated by something implemented, or accepted."""
    assert isinstance(doc.model, Risk)
    spec = doc.model.spec
    level = spec.probability * spec.impact
    if level < RISK_TREATMENT_THRESHOLD or doc.model.metadata.status is Status.RETIRED:
        return
    if spec.treatment == "accept":
        if spec.accepted_by is None:
            yield Problem(doc, ("spec", "treatment"), "risk is accepted but nobody is recorded as accepting it",
                          "set spec.accepted_by")
        return
    controls = [c for c in ctx.sms.of_kind("SecurityControl")
                if doc.id in c.spec.mitigates and c.spec.status == "implemented"]
    measures = [m for p in ctx.sms.of_kind("AvailabilityContinuityPlan") for m in p.spec.measures
                if doc.id in m.mitigates and m.status == "implemented"]
    if not controls and not measures:
        yield Problem(doc, ("spec", "impact"), f"risk level {level} (probability {spec.probability} × impact "
                      f"{spec.impact}) has no implemented control or measure")


# --- PR4 availability and continuity -----------------------------------------------------------------


@rule("PR4.1", "availability-requirements", kinds=("Service",),
      fix="add a requirement for the service to an AvailabilityContinuityPlan, at least as high as its SLAs")
def availability_requirements(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live service has availability and continuity requirements that take its SLAs into account.

    Some AvailabilityContinuityPlan lists a requirement for the service, and the highest availability
    it requires is at least the highest availability target of the SLAs in force that cover it.
    """
    if doc.spec.lifecycle_status is not Lifecycle.LIVE:
        return
    found = [(plan, k, r) for plan in ctx.sms.of_kind("AvailabilityContinuityPlan")
             if isinstance(plan.model, AvailabilityContinuityPlan)
             for k, r in enumerate(plan.model.spec.requirements) if r.service == doc.id]
    if not found:
        yield Problem(doc, ("spec", "lifecycle_status"), "live service has no availability and continuity "
                      "requirements in any AvailabilityContinuityPlan")
        return
    promised = [(t.value, sla.id) for sla in covering_slas(ctx.sms, doc.id) if in_force(sla, ctx)
                and isinstance(sla.model, SLA) for t in sla.model.spec.targets
                if t.metric == "availability" and t.unit == "%"]
    if not promised:
        return
    value, sla_id = max(promised)
    plan, k, best = max(found, key=lambda f: f[2].availability or -1.0)
    if best.availability is None or best.availability < value:
        have = "no availability" if best.availability is None else f"{best.availability:g} %"
        yield Problem(plan, ("spec", "requirements", k), f"{doc.id}: SLA {sla_id} promises {value:g} % "
                      f"availability, the requirement has {have}")


reviewed_rule("PR4.1", "availability-plan-reviewed", ("AvailabilityContinuityPlan",),
              "availability and continuity plan")


@rule("PR4.2", "availability-risks-assessed",
      fix="assess the availability and continuity risks of the service as Risk documents")
def availability_risks_assessed(ctx: Context) -> Iterator[Problem]:
    """Availability and continuity risks are assessed for every live service, at planned intervals.

    Every live service is named by at least one Risk of category availability or continuity; each
    such risk was assessed (``spec.assessed_on``) within its planned interval (the Risk's review
    interval, or the default for Risk) plus the grace period.
    """
    assessed = risks(ctx, "availability", "continuity")
    named = {s for r in assessed for s in r.spec.services}
    for service in live_services(ctx):
        if service.id not in named:
            yield Problem(service, ("spec", "lifecycle_status"),
                          "no availability or continuity risk is assessed for this live service")
    for doc in assessed:
        yield from assessment_problems(doc, ctx)


@rule("PR4.3", "availability-risks-treated", kinds=("Risk",),
      fix="add an implemented measure that mitigates it to an AvailabilityContinuityPlan, "
          "or set treatment: accept with accepted_by")
def availability_risks_treated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A non-security risk (availability, continuity, capacity, other) at the threshold is treated.

    Treated means mitigated or formally accepted (``treatment: accept`` with ``accepted_by``).
    Mitigated means an implemented measure in an availability / continuity plan (or an implemented
    SecurityControl) names the risk. The threshold is probability × impact ≥ 12 on 1–5 scales.
    """
    if doc.spec.category != "security":
        yield from treatment_problems(doc, ctx)


case_owner_rule("PR4.3", "availability-plan-owner", ("AvailabilityContinuityPlan",),
                "availability and continuity plan owner", "availability and continuity plan")


@rule("PR4.4", "live-service-monitored", kinds=("Service",),
      fix="describe how the service's availability is monitored under spec.monitoring")
def live_service_monitored(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live service names how its availability is monitored."""
    if doc.spec.lifecycle_status is Lifecycle.LIVE and doc.spec.monitoring is None:
        yield Problem(doc, ("spec",), "live service has no availability monitoring")


# --- PR5 capacity ------------------------------------------------------------------------------------


@rule("PR5.1", "capacity-requirements", kinds=("Service",),
      fix="add a requirement for the service, with its demand forecast, to a CapacityPlan")
def capacity_requirements(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live service has capacity and performance requirements that consider predicted demand."""
    if doc.spec.lifecycle_status is not Lifecycle.LIVE:
        return
    found = [r for plan in ctx.sms.of_kind("CapacityPlan") if isinstance(plan.model, CapacityPlan)
             for r in plan.model.spec.requirements if r.service == doc.id]
    if not found:
        yield Problem(doc, ("spec", "lifecycle_status"), "live service has no capacity requirements in any "
                      "CapacityPlan")
    elif not any(r.demand_forecast for r in found):
        yield Problem(doc, ("spec", "lifecycle_status"), "the capacity requirements of this service consider "
                      "no predicted demand (demand_forecast)")


reviewed_rule("PR5.1", "capacity-plan-reviewed", ("CapacityPlan",), "capacity plan")


@rule("PR5.2", "current-capacity-recent", kinds=("CapacityPlan",),
      fix="record current capacity and utilisation per resource under spec.current, with its as_of date")
def current_capacity_recent(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A capacity plan records current capacity and utilisation, measured within its planned interval."""
    assert isinstance(doc.model, CapacityPlan)
    current = doc.model.spec.current
    if not current:
        yield Problem(doc, ("spec",), "capacity plan records no current capacity and utilisation")
        return
    interval = ctx.interval(doc)
    for i, entry in enumerate(current):
        if interval is not None and (due := ctx.overdue(entry.as_of, interval)) is not None:
            yield Problem(doc, ("spec", "current", i, "as_of"), f"utilisation of {entry.resource} is from "
                          f"{entry.as_of}; interval {interval}, a new figure fell due {due}")


case_owner_rule("PR5.3", "capacity-plan-owner", ("CapacityPlan",), "capacity plan owner", "capacity plan")


@rule("PR5.3", "capacity-future-planned", kinds=("CapacityPlan",),
      fix="add spec.future with the horizon and the human, technical and financial resources")
def capacity_future_planned(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A capacity plan plans future capacity considering human, technical and financial resources."""
    if doc.spec.future is None:
        yield Problem(doc, ("spec",), "capacity plan has no future capacity plan")


@rule("PR5.4", "capacity-thresholds", kinds=("CapacityPlan",),
      fix="set warning_threshold and exception_threshold (warning below exception) for the resource")
def capacity_thresholds(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every monitored resource has a warning and a higher exception threshold for its utilisation.

    The thresholds are how operational warnings and exceptions are identified when utilisation is
    analysed.
    """
    assert isinstance(doc.model, CapacityPlan)
    for i, entry in enumerate(doc.model.spec.current):
        warning, exception = entry.warning_threshold, entry.exception_threshold
        if warning is None or exception is None:
            yield Problem(doc, ("spec", "current", i), f"{entry.resource} has no "
                          f"{'warning' if warning is None else 'exception'} threshold")
        elif warning >= exception:
            yield Problem(doc, ("spec", "current", i, "warning_threshold"), f"{entry.resource}: warning threshold "
                          f"{warning:g} % is not below the exception threshold {exception:g} %")


# --- PR6 information security ------------------------------------------------------------------------


@rule("PR6.1", "security-policy-defined", fix="add an approved SecurityPolicy listing the security requirements")
def security_policy_defined(ctx: Context) -> Iterator[Problem]:
    """An information security policy is in force and lists the information security requirements."""
    policies = [d for d in ctx.sms.of_kind("SecurityPolicy")
                if d.model.metadata.status not in (Status.DRAFT, Status.RETIRED)]
    if not policies:
        yield Problem(None, (), "no information security policy is in force (kind: SecurityPolicy)")
    elif not any(d.spec.requirements for d in policies):
        yield Problem(policies[0], ("spec",), "the information security policy identifies no security "
                      "requirements", "list them under spec.requirements")


reviewed_rule("PR6.1", "security-policy-reviewed", ("SecurityPolicy",), "information security policy")


@rule("PR6.2", "security-risks-assessed",
      fix="assess information security risks as Risk documents (category: security)")
def security_risks_assessed(ctx: Context) -> Iterator[Problem]:
    """Information security risks are assessed, and reassessed within their planned interval.

    At least one Risk of category security exists; each was assessed (``spec.assessed_on``) within its
    planned interval (the Risk's review interval, or the default for Risk) plus the grace period.
    """
    assessed = risks(ctx, "security")
    if not assessed:
        yield Problem(None, (), "no information security risk is assessed (Risk with category: security)")
    for doc in assessed:
        yield from assessment_problems(doc, ctx)


case_owner_rule("PR6.2", "security-risk-owner", ("Risk",), "security risk owner", "security risk",
                where=lambda d: d.spec.category == "security")


@rule("PR6.3", "high-risks-treated", kinds=("Risk",),
      fix="add a SecurityControl that mitigates it, or set treatment: accept with accepted_by")
def high_risks_treated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An information security risk at or above the treatment threshold is mitigated or formally accepted.

    Mitigated means an implemented SecurityControl (or an implemented measure in an availability /
    continuity plan) names the risk. The threshold is probability × impact ≥ 12 on 1–5 scales.
    """
    if doc.spec.category == "security":
        yield from treatment_problems(doc, ctx)


case_owner_rule("PR6.3", "security-control-owner", ("SecurityControl",), "security control owner",
                "security control")


@rule("PR6.4", "security-incidents-consistent",
      fix="write the ISM procedure for security events and incidents, and have its owner attest to it")
def security_incidents_consistent(ctx: Context) -> Iterator[Problem]:
    """Information security events and incidents are handled by a written procedure, attested in practice.

    The tool checks evidence, not truth: that the ISM process definition has a procedure with topic
    ``security-incidents`` and steps, and records in ``metadata.attestations`` that its owner or
    manager (or the SMS owner or manager) attests, with role and date, that events and incidents are
    handled that way (``requirement: PR6.4``, within the process definition's review interval plus
    grace). Whether they really are is for the auditor to judge.
    """
    yield from judged(ctx, "PR6.4", ProcessCode.ISM, "security-incidents", "handling security events and incidents")


@rule("PR6.5", "access-control-consistent",
      fix="write the ISM access control procedure, and have its owner attest to it")
def access_control_consistent(ctx: Context) -> Iterator[Problem]:
    """Access control and the provisioning of access rights follow a written procedure, attested in practice.

    The tool checks evidence, not truth: an ISM procedure with topic ``access-control`` and steps, and
    in the ISM process definition a recent attestation (``requirement: PR6.5``) by the ISM owner or
    manager or the SMS owner or manager, with role and date.
    """
    yield from judged(ctx, "PR6.5", ProcessCode.ISM, "access-control", "access control")


@rule("PR6.5", "access-review-recent",
      fix="add a SecurityControl with topic: access-control, an interval and records under performed")
def access_review_recent(ctx: Context) -> Iterator[Problem]:
    """Access rights are reviewed at planned intervals, as FitSM-2 asks of access control.

    An implemented SecurityControl with ``topic: access-control`` has an ``interval`` and a record
    under ``performed`` within that interval plus the grace period as of ``--as-of``.
    """
    controls = [d for d in ctx.sms.of_kind("SecurityControl") if isinstance(d.model, SecurityControl)
                and d.model.spec.topic == "access-control" and d.model.spec.status != "retired"]
    implemented = [d for d in controls if d.spec.status == "implemented"]
    if not controls:
        yield Problem(None, (), "no access control (SecurityControl with topic: access-control) records "
                      "reviews of access rights")
    elif not implemented:
        for doc in controls:
            yield Problem(doc, ("spec", "status"), "access control is not implemented, so access rights are "
                          "not reviewed", "implement the control and record its reviews under spec.performed")
    for doc in implemented:
        assert isinstance(doc.model, SecurityControl)
        spec = doc.model.spec
        if spec.interval is None:
            yield Problem(doc, ("spec",), "no planned interval for reviewing access rights", "set spec.interval")
            continue
        last = max((p.date for p in spec.performed), default=None)
        since = spec.implemented_on
        if last is None:
            if since is None or ctx.overdue(since, spec.interval) is not None:
                yield Problem(doc, ("spec",), "no review of access rights recorded under spec.performed")
        elif (due := ctx.overdue(last, spec.interval)) is not None:
            yield Problem(doc, ("spec", "performed"), f"access rights last reviewed {last}, interval "
                          f"{spec.interval}: the next review fell due {due}")
