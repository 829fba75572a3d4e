"""Rules for availability and continuity (PR4) and capacity management (PR5), and the risk helpers PR6 shares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fitsm_kit.model.base import Status
from fitsm_kit.model.operations import (
    CapacityPlan,
    Risk,
)
from fitsm_kit.model.service import SLA
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.documents import reviewed_rule
from fitsm_kit.rules.portfolio import is_live, live
from fitsm_kit.rules.pr_agreements import covering_slas, covers_implicitly
from fitsm_kit.rules.pr_common import case_owner_rule, coverage_known, in_force, targets_known

RISK_TREATMENT_THRESHOLD = 12  # probability × impact on 1–5 scales


def live_services(ctx: Context) -> list[Doc]:
    return [d for d in ctx.sms.of_kind("Service") if is_live(d, ctx)]


def risks(ctx: Context, *categories: str) -> list[Doc]:
    """Risks of ``categories`` that are not retired; a risk whose category was cut out as invalid may be one: the
    rule asking holds back (:meth:`Context.judged`)."""
    return [d for d in ctx.sms.of_kind("Risk") if d.model.metadata.status is not Status.RETIRED
            and ctx.judged(d, "spec", "category") and d.spec.category in categories]


def assessment_problems(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A risk is reassessed within its planned interval (a missing interval is GR2.4's finding)."""
    interval = ctx.interval(doc)
    if doc.spec.assessed_on is not None and doc.spec.assessed_on > ctx.as_of:
        yield Problem(doc, ("spec", "assessed_on"), f"assessed on {doc.spec.assessed_on}, after today ({ctx.as_of}): "
                      "an assessment cannot be recorded ahead", "record the date the assessment took place")
    elif interval is not None and (due := ctx.overdue(doc.spec.assessed_on, interval)) is not None:
        yield Problem(doc, ("spec", "assessed_on"), f"last assessed {doc.spec.assessed_on}, interval {interval}: "
                      f"the reassessment fell due {due}", "reassess the risk and update spec.assessed_on")


def treatment_problems(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A risk at or above the treatment threshold is mitigated by something implemented, or accepted."""
    assert isinstance(doc.model, Risk)
    spec = doc.model.spec
    if spec.probability is None or spec.impact is None:
        return  # not assessed: reported under the risk's requirement
    level = spec.probability * spec.impact
    if level < RISK_TREATMENT_THRESHOLD or doc.model.metadata.status is Status.RETIRED:
        return
    if spec.treatment == "accept":
        if spec.accepted_by is None:
            yield Problem(doc, ("spec", "treatment"), "risk is accepted but nobody is recorded as accepting it",
                          "set spec.accepted_by")
        return
    controls = [c for c in ctx.sms.referring(doc.id, "SecurityControl", via="mitigates")
                if c.spec.status == "implemented"]
    if not controls and doc.id not in ctx.memo("measured", lambda: {
            r for p in ctx.sms.of_kind("AvailabilityContinuityPlan") for m in p.spec.measures
            if m.status == "implemented" for r in m.mitigates}) \
            and ctx.all_read("AvailabilityContinuityPlan", "SecurityControl") and _treatment_known(doc, ctx) \
            and ctx.none_cut("AvailabilityContinuityPlan", "spec", "measures") \
            and ctx.none_cut("SecurityControl", "spec", "mitigates"):  # else an unread or cut one may
        yield Problem(doc, ("spec", "impact"), f"risk level {level} (probability {spec.probability} × impact "
                      f"{spec.impact}) has no implemented control or measure")


def _treatment_known(risk: Doc, ctx: Context) -> bool:
    """Whether "no implemented control or measure" holds whatever the fields cut out say: the risk's treatment
    (cut out, it reads as mitigate: it may say accept) and the status of each control or measure against it
    (cut out, it reads as planned: it may say implemented). False notes which (:meth:`Context.judged`)."""
    checks = [ctx.judged(risk, "spec", "treatment")]
    checks += [ctx.judged(c, "spec", "status") for c in ctx.sms.referring(risk.id, "SecurityControl", via="mitigates")]
    checks += [ctx.judged(p, "spec", "measures", i, "status") for p in ctx.sms.of_kind("AvailabilityContinuityPlan")
               for i, m in enumerate(p.spec.measures) if risk.id in m.mitigates]
    return all(checks)


def plan_requirements(ctx: Context, kind: str, service_id: str) -> list[tuple[Doc, int, Any]]:
    """(plan, index, requirement) for every requirement of a plan of ``kind`` about ``service_id``."""

    def build() -> dict[str, list[tuple[Doc, int, Any]]]:
        found: dict[str, list[tuple[Doc, int, Any]]] = {}
        for plan in ctx.sms.of_kind(kind):
            for k, requirement in enumerate(plan.spec.requirements):
                found.setdefault(requirement.service, []).append((plan, k, requirement))
        return found

    return ctx.memo(f"requirements:{kind}", build).get(service_id, [])


# --- PR4 availability and continuity -----------------------------------------------------------------


@rule("PR4.1", "availability-requirements", kinds=("Service",), evidence=live(),
      fix="add a requirement for the service to an AvailabilityContinuityPlan, at least as high as its SLAs")
def availability_requirements(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live service has availability and continuity requirements that take its SLAs into account.

    Some AvailabilityContinuityPlan lists a requirement for the service, and the highest availability
    it requires is at least the highest availability target of the SLAs in force that cover it (a target
    for some services only, ``targets[].services``, counts for those).
    """
    if not is_live(doc, ctx):
        return
    found = plan_requirements(ctx, "AvailabilityContinuityPlan", doc.id)
    if not found and not ctx.all_read("AvailabilityContinuityPlan") or not ctx.none_cut(
            "AvailabilityContinuityPlan", "spec", "requirements", naming=doc.id, key="service"):
        return  # the plan that could not be read, or a requirement cut out as invalid, may be the one
    if not found:
        yield Problem(doc, ("spec", "lifecycle_status"), "live service has no availability and continuity "
                      "requirements in any AvailabilityContinuityPlan")
        return
    if not ctx.once("coverage of SLAs in force known", lambda: all([
            coverage_known(sla, ctx) for sla in ctx.sms.of_kind("SLA") if in_force(sla, ctx)])):
        return  # an SLA whose coverage is not known may cover the service, and promise more
    slas = [sla for sla in covering_slas(ctx, doc.id) if in_force(sla, ctx)]
    if not all([targets_known(sla, ctx) for sla in slas]):
        return  # a target cut out of an SLA may promise more
    if any(covers_implicitly(sla) for sla in slas) and not ctx.judged(doc, "spec", "customer_facing"):
        return  # cut out, customer_facing reads as true: the default SLA may not cover the service
    promised = [(t.value, sla.id) for sla in covering_slas(ctx, doc.id) if in_force(sla, ctx)
                and isinstance(sla.model, SLA) for t in sla.model.spec.targets or ()
                if t.metric == "availability" and t.unit == "%" and (not t.services or doc.id in t.services)]
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


@rule("PR4.2", "availability-risks-assessed", evidence=live(),
      fix="assess the availability and continuity risks of the service as Risk documents")
def availability_risks_assessed(ctx: Context) -> Iterator[Problem]:
    """Availability and continuity risks are assessed for every live service, at planned intervals.

    Every live service is named by at least one Risk of category availability or continuity; each
    such risk was assessed (``spec.assessed_on``) within its planned interval (the Risk's review
    interval, or the default for Risk) plus the grace period.
    """
    complete = ctx.all_read("Risk")  # else a risk that could not be read may name a service, and is not judged
    assessed = risks(ctx, "availability", "continuity")
    named = {s for r in assessed for s in r.spec.services}
    uncategorised = [r for r in ctx.sms.of_kind("Risk") if r.spec.category is None]  # left or cut out: may be one
    for service in live_services(ctx):
        if service.id not in named and complete and ctx.none_cut("Risk", "spec", "services") \
                and all(service.id not in r.spec.services or ctx.judged(r, "spec", "category", left_out=True)
                        for r in uncategorised):
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


@rule("PR4.4", "live-service-monitored", kinds=("Service",), evidence=live(),
      fix="describe how the service's availability is monitored under spec.monitoring")
def live_service_monitored(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live service names how its availability is monitored.

    PR4.4 asks that availability be monitored. Evidence: a live ``Service`` has ``spec.monitoring``;
    whether the monitoring runs is for the auditor to see.
    """
    if is_live(doc, ctx) and doc.spec.monitoring is None:
        yield Problem(doc, ("spec",), "live service has no availability monitoring")


# --- PR5 capacity ------------------------------------------------------------------------------------


@rule("PR5.1", "capacity-requirements", kinds=("Service",), evidence=live(),
      fix="add a requirement for the service, with its demand forecast, to a CapacityPlan")
def capacity_requirements(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live service has capacity and performance requirements that consider predicted demand.

    Evidence: some ``CapacityPlan`` lists a requirement for the service under ``spec.requirements``,
    and at least one of them has a ``demand_forecast``.
    """
    if not is_live(doc, ctx):
        return
    found = [r for _, _, r in plan_requirements(ctx, "CapacityPlan", doc.id)]
    if not any(r.demand_forecast for r in found) and (not ctx.all_read("CapacityPlan") or not ctx.none_cut(
            "CapacityPlan", "spec", "requirements", naming=doc.id, key="service")):
        return  # the plan that could not be read, or a requirement cut out as invalid, may be the one
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
    """A capacity plan records current capacity and utilisation, measured within its planned interval.

    PR5.2 asks that current capacity be identified. Evidence: ``spec.current`` lists resources, each
    with an ``as_of`` date within the plan's review interval plus grace as of ``--as-of``.
    """
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
    """A capacity plan plans future capacity considering human, technical and financial resources.

    Evidence: the ``CapacityPlan`` has ``spec.future`` (the schema asks for its horizon and the human,
    technical and financial resources it considers).
    """
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
