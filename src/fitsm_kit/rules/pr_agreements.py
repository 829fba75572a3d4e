"""Rules for service level management (PR2): catalogue, SLAs, OLAs / UAs, their evaluation and the chain.

The chain: a catalogue lists live services; every live customer-facing service is covered by an SLA;
every supplier a live service depends on is covered by an OLA or UA (or is explicitly exempt); and
the supporting agreements can carry the SLA (rules in :mod:`fitsm_kit.rules.pr_chain`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from fitsm_kit.model.base import Status
from fitsm_kit.model.dates import parse_interval
from fitsm_kit.model.operations import Customer
from fitsm_kit.model.service import (
    SLA,
    AgreementEvaluation,
    Lifecycle,
    Result,
    Service,
    ServiceCatalogue,
    Target,
)
from fitsm_kit.model.workingtime import WORKING_UNITS
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.documents import reviewed_rule
from fitsm_kit.rules.portfolio import is_live, live, suppliers_named
from fitsm_kit.rules.pr_common import (
    AGREED,
    SUPPORTING,
    agreements_in_force,
    case_owner_rule,
    coverage_known,
    expired,
    in_force,
    in_force_fix,
    not_in_force,
    targets_known,
)
from fitsm_kit.sms.index import Sms

# --- catalogue (PR2.1) ------------------------------------------------------------------------------


def _catalogued_stages_known(ctx: Context) -> str | None:
    """Intact (for ``rule(intact=...)``): every service a catalogue lists has a lifecycle status to compare.

    A status left out or invalid is reported once, under PR1.1; whether the catalogue may list the
    service cannot be told until it is fixed.
    """
    unknown = sorted({service_id for catalogue in ctx.sms.of_kind("ServiceCatalogue")
                      for service_id in catalogue.spec.services or ()
                      if (service := ctx.sms.get(service_id, "Service")) is not None
                      and service.spec.lifecycle_status is None})
    return f"the lifecycle status of {', '.join(unknown)} is not known" if unknown else None


@rule("PR2.1", "catalogue-lists-live-services", kinds=("ServiceCatalogue",), intact=_catalogued_stages_known,
      fix="list only live services in a catalogue; keep others in the portfolio")
def catalogue_lists_live_services(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Service catalogue entries are live services from the portfolio.

    PR2.1 asks for a maintained catalogue: what customers can order now. Evidence: every id in a
    ``ServiceCatalogue``'s ``spec.services`` is a ``Service`` with ``lifecycle_status: live``. A service
    whose status is left out or invalid (a PR1.1 finding) is not judged: PR2.1 is then undetermined.
    """
    assert isinstance(doc.model, ServiceCatalogue)
    for i, service_id in enumerate(doc.model.spec.services or ()):
        service = ctx.sms.get(service_id, "Service")
        stage = service.spec.lifecycle_status if service is not None else None
        if stage is not None and stage is not Lifecycle.LIVE:
            yield Problem(doc, ("spec", "services", i), f"{service_id} is {stage.value}, not live")


@rule("PR2.1", "live-service-in-catalogue", kinds=("Service",), evidence=live(customer_facing=True),
      fix="add the service to a ServiceCatalogue, or set customer_facing: false if customers never see it")
def live_service_in_catalogue(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live, customer-facing service is listed in a service catalogue.

    A catalogue that misses a live service is not maintained (PR2.1). Services with
    ``customer_facing: false`` are internal and need no catalogue entry.
    """
    if not is_live(doc, ctx) or not doc.spec.customer_facing:
        return
    # cut out, customer_facing reads as true (it may say false); a catalogue entry cut out may name the service
    if not ctx.sms.referring(doc.id, "ServiceCatalogue", via="services") and ctx.all_read("ServiceCatalogue") \
            and ctx.judged(doc, "spec", "customer_facing") and ctx.none_cut("ServiceCatalogue", "spec", "services"):
        yield Problem(doc, ("spec", "lifecycle_status"), "live customer-facing service is in no service catalogue")


# --- SLAs (PR2.2) -----------------------------------------------------------------------------------


def covering_slas(ctx: Context, service_id: str) -> list[Doc]:
    """SLAs that cover ``service_id``: specific ones that list it, default ones by catalogue or for all.

    In force or not: rule live-service-has-sla asks for one in force (:func:`~.pr_common.in_force`).
    """
    return slas_covering(ctx.sms, service_id)


def slas_covering(sms: Sms, service_id: str) -> list[Doc]:
    """:func:`covering_slas` by the documents alone (it does not depend on the date)."""

    def build() -> dict[str, list[Doc]]:
        covered: dict[str, list[Doc]] = {}
        for sla in sms.of_kind("SLA"):
            for service in dict.fromkeys(sla_services(sms, sla)):
                covered.setdefault(service, []).append(sla)
        return covered

    return sms.memo("covering-slas", build).get(service_id, [])


def covers_implicitly(sla: Doc) -> bool:
    """Whether an SLA is a default SLA that names neither services nor a catalogue: it covers every live
    customer-facing service, so a service's ``customer_facing`` cut out (read as true) may not be among them."""
    spec = sla.spec
    return bool(spec.type == "default" and not spec.services and spec.catalogue is None)


def sla_services(sms: Sms, doc: Doc) -> list[str]:
    """The services an SLA covers: those it lists; for a default SLA without a list, its catalogue's
    services, or every live customer-facing service when it names no catalogue."""
    assert isinstance(doc.model, SLA)
    spec = doc.model.spec
    if spec.services or spec.type != "default":
        return list(spec.services)
    if spec.catalogue is not None:
        catalogue = sms.get(spec.catalogue, "ServiceCatalogue")
        return list(catalogue.spec.services or ()) if catalogue is not None else []
    return [s.id for s in sms.of_kind("Service")
            if s.spec.lifecycle_status is Lifecycle.LIVE and s.spec.customer_facing]


@rule("PR2.2", "live-service-has-sla", kinds=("Service",), evidence=live(customer_facing=True),
      fix="list the service in a specific SLA, or in the catalogue a default SLA covers")
def live_service_has_sla(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live, customer-facing service is covered by an SLA that is in force today.

    In force means agreed (not a draft, not retired) and within its validity as of ``--as-of``. The
    SLA may be specific (it lists the service) or the default SLA (its catalogue lists the service,
    or it names neither services nor catalogue and so covers every live customer-facing service).
    """
    assert isinstance(doc.model, Service)
    spec = doc.model.spec
    if not is_live(doc, ctx) or not spec.customer_facing or not ctx.judged(doc, "spec", "customer_facing"):
        return  # a customer_facing cut out reads as true: it may say false
    if not ctx.once("approved SLAs' coverage known", lambda: all([
            coverage_known(s, ctx) for s in ctx.sms.of_kind("SLA") if s.model.metadata.status is Status.APPROVED])):
        return  # an SLA whose type, services or catalogue is not known may cover the service, or its customers
    slas = covering_slas(ctx, doc.id)
    if not any(in_force(s, ctx) and s.spec.type == "default" for s in slas) and not ctx.all_read("SLA",
                                                                                                  "ServiceCatalogue"):
        return  # an SLA (or a default SLA's catalogue) that could not be read may cover the service: not judged
    if not slas:
        if ctx.none_cut("SLA", "spec", "services") and ctx.none_cut("ServiceCatalogue", "spec", "services"):
            yield Problem(doc, ("spec", "lifecycle_status"), "live customer-facing service has no SLA")
        return
    agreed = [s for s in slas if in_force(s, ctx)]
    # an approved SLA with a part it agrees cut out as invalid may be in force (in_force noted why)
    cut = [s for s in slas if s.model.metadata.status is Status.APPROVED and any(s.incomplete("spec", p)
                                                                                 for p in AGREED)]
    if not agreed:
        if all(expired(s, ctx) for s in slas) or cut:
            return  # each expired SLA is reported itself (agreement-expired): the one cause
        why = "; ".join(not_in_force(s, ctx) for s in slas)
        yield Problem(doc, ("spec", "lifecycle_status"), f"no SLA covering this service is in force on {ctx.as_of} "
                      f"({why})", in_force_fix(slas[0], ctx))
        return
    default = any(s.spec.type == "default" for s in agreed)
    for i, customer in enumerate(spec.customers):
        # each customer of the service is covered for it: by its own SLA, or by a default SLA in force
        if not default and not any(s.spec.customer == customer for s in agreed) \
                and not any(s.spec.type == "default" or s.spec.customer in (customer, None) for s in cut):
            yield Problem(doc, ("spec", "customers", i), f"customer {customer} has no SLA in force for this service "
                          f"(in force: {', '.join(s.id for s in agreed)})",
                          "add the service to the customer's SLA, or cover it by a default SLA")


@rule("PR2.2", "sla-lists-live-services", kinds=("SLA",),
      fix="remove the service from the SLA, or agree it only once the service is live")
def sla_lists_live_services(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An SLA in use lists only services that are live (or being brought into operation).

    An SLA that promises a retired service misleads its customer; one that names no existing service
    is reported as an unresolved reference.
    """
    assert isinstance(doc.model, SLA)
    if doc.model.metadata.status is not Status.APPROVED:
        return
    for i, service_id in enumerate(doc.model.spec.services):
        service = ctx.sms.get(service_id, "Service")
        if service is not None and service.spec.lifecycle_status is Lifecycle.RETIRED:
            yield Problem(doc, ("spec", "services", i), f"{service_id} is retired")


def agreement_in_force(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An agreement is approved by the time its validity starts, and renewed or retired when it ends.

    An approved SLA, OLA or UA whose ``spec.validity.end`` has passed as of ``--as-of``, or one still a
    draft or in review although its validity has begun, is reported on the agreement itself: it is not
    in force, and the coverage rules never skip it silently. So is an approval dated after ``--as-of``
    (a mistyped date): as of today the agreement has not been approved; and an OLA template's signatory
    that signs after it, which is not yet a party.
    """
    validity = doc.spec.validity
    status = doc.model.metadata.status
    approval = doc.model.metadata.approval
    if status is Status.APPROVED and approval is not None and approval.approved_on > ctx.as_of:
        yield Problem(doc, ("metadata", "approval", "approved_on"),
                      f"{doc.kind} approved on {approval.approved_on}, after {ctx.as_of}: not yet agreed",
                      "correct the approval date, or keep the agreement in review until it is approved")
    for i, signatory in enumerate(getattr(doc.spec, "signatories", ())):
        if signatory.signed_on > ctx.as_of:  # an OLA template: not yet agreed with this supplier
            yield Problem(doc, ("spec", "signatories", i, "signed_on"), f"{signatory.supplier} signed on "
                          f"{signatory.signed_on}, after {ctx.as_of}: not yet a party to it",
                          "correct the signing date, or list the supplier once it has signed")
    if expired(doc, ctx):
        yield Problem(doc, ("spec", "validity", "end"), f"{doc.kind} expired on {validity.end}")
    elif (status in (Status.DRAFT, Status.IN_REVIEW) and validity is not None and validity.start <= ctx.as_of
          and (validity.end is None or ctx.as_of <= validity.end)):
        yield Problem(doc, ("metadata", "status"), f"{doc.kind} valid since {validity.start} is still {status.value}: "
                      "not agreed, so not in force", "approve it (status: approved, with metadata.approval)")


rule("PR2.2", "sla-in-force", kinds=("SLA",),
     fix="approve the SLA, renew its validity, or retire it")(agreement_in_force)
rule("PR2.4", "supporting-agreement-in-force", kinds=("OLA", "UA"),
     fix="approve the OLA / UA, renew its validity, or retire it")(agreement_in_force)


@rule("PR2.2", "sla-customer-can-agree", kinds=("SLA",),
      fix="agree a specific SLA with an organisation; cover a customer segment by the default (corporate) SLA")
def sla_customer_can_agree(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A specific SLA is agreed with a customer that can sign it: an organisation, not a segment.

    A customer segment or user community (``spec.segment``: "researchers of any EU institution") has a
    relationship manager and a complaint channel, but no one who signs for it; what it is promised is the
    default (corporate) SLA. Evidence: the ``customer`` of a ``type: specific`` SLA is no segment.
    """
    customer = ctx.sms.get(doc.spec.customer, "Customer") if doc.spec.customer else None
    if customer is not None and isinstance(customer.model, Customer) and customer.model.spec.segment is not None \
            and customer.model.spec.organisation is None and doc.spec.type != "default" \
            and ctx.judged(doc, "spec", "type", left_out=doc.spec.type is None):
        yield Problem(doc, ("spec", "customer"), f"{customer.id} is a customer segment "
                      f"({customer.model.spec.segment}); a segment signs no agreement")


def target_scope_problems(doc: Doc, covered: set[str]) -> Iterator[Problem]:
    """Targets that name services the agreement does not cover."""
    for i, target in enumerate(doc.spec.targets or ()):
        for j, service in enumerate(target.services):
            if service not in covered:
                yield Problem(doc, ("spec", "targets", i, "services", j), f"target {target.id} is for {service}, "
                              f"which {doc.id} does not cover")


def working_time_problems(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Targets in working hours or working days in an agreement whose support hours are not stated (hours
    cut out as invalid were stated: the rule holds back for them)."""
    support = doc.spec.support
    if support is None:
        return  # the missing support is reported under the agreement's requirement
    for i, target in enumerate(doc.spec.targets or ()):
        if target.unit in WORKING_UNITS and support.hours is None and ctx.judged(doc, "spec", "support", "hours"):
            yield Problem(doc, ("spec", "targets", i, "unit"), f"target {target.id} counts {target.unit}, but the "
                          "agreement states no support hours (spec.support.hours) that say what working time is")


@rule("PR2.2", "sla-target-services-covered", kinds=("SLA",),
      fix="name only services the SLA covers in a target's services, or add them to the SLA")
def sla_target_services_covered(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A target for some of an SLA's services names services the SLA covers.

    In an SLA for several services a target may apply to some of them (``targets[].services``); a
    service it names that the SLA does not cover promises nothing to anyone.
    """
    spec = doc.spec
    if not coverage_known(doc, ctx):
        return  # what the SLA covers is not known: its type, services or catalogue is cut out or left out
    if spec.catalogue is not None and ctx.sms.get(spec.catalogue, "ServiceCatalogue") is None:
        return  # what the SLA covers is not known (the catalogue is reported as unresolved or unreadable)
    if spec.type == "default" and not spec.services and spec.catalogue is None and not ctx.all_read("Service"):
        return  # it covers every live customer-facing service: one that could not be read may be among them
    yield from target_scope_problems(doc, set(sla_services(ctx.sms, doc)))


@rule("PR2.2", "sla-working-time-defined", kinds=("SLA",),
      fix="state the support hours (spec.support.hours), or give the target in hours or days")
def sla_working_time_defined(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An SLA target in working hours or working days is tied to stated support hours.

    "Respond within 2 working days" is a time only once the working time is known: the agreement's
    ``spec.support.hours``. Due times are counted in them (:mod:`fitsm_kit.model.workingtime`).
    """
    yield from working_time_problems(doc, ctx)


reviewed_rule("PR2.2", "sla-reviewed", ("SLA",), "SLA")
case_owner_rule("PR2.2", "sla-owner", ("SLA",), "SLA owner", "SLA")


# --- evaluations (PR2.3, PR2.5) ---------------------------------------------------------------------


def evaluation_interval(targets: list[Target]) -> str:
    """How often an agreement is evaluated: the shortest period of its targets."""
    start = dt.date(2001, 1, 1)
    return min((t.period for t in targets), key=lambda p: parse_interval(p).after(start))


@dataclass(frozen=True)
class EvaluationDue:
    """When an agreement in force is next to be evaluated, as rules sla-evaluated and
    supporting-agreement-evaluated count it."""

    interval: str  # the shortest period of its targets
    last: Doc | None  # the latest AgreementEvaluation with a period end; None: never evaluated
    since: dt.date  # the end of that period, else the start of the validity

    @property
    def due(self) -> dt.date:
        """The day the next evaluation falls due (late once the grace period after it has passed)."""
        return parse_interval(self.interval).after(self.since)


def next_evaluation(doc: Doc, ctx: Context) -> EvaluationDue | None:
    """When ``doc`` (an SLA, OLA or UA) is next to be evaluated; None when it is not in force."""
    if not in_force(doc, ctx):
        return None
    interval = evaluation_interval(doc.spec.targets)
    evaluations = [e for e in ctx.sms.referring(doc.id, "AgreementEvaluation", via="agreement")
                   if e.spec.period_end is not None]  # one without its period is reported under PR2.3
    if not evaluations:
        return EvaluationDue(interval, None, doc.spec.validity.start)
    last = max(evaluations, key=lambda e: e.spec.period_end)
    return EvaluationDue(interval, last, last.spec.period_end)


def evaluation_problems(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An agreement in force is evaluated every period, and the latest evaluation covers every target."""
    evaluation = next_evaluation(doc, ctx)
    if evaluation is None or not ctx.all_read("AgreementEvaluation"):
        return  # not in force; or an evaluation that could not be read may be the latest
    if not targets_known(doc, ctx):
        return  # a target cut out (its period may be shorter, it may have no result): not judged
    if not all([ctx.judged(e, "spec", "period_end", left_out=e.spec.period_end is None)
                for e in ctx.sms.referring(doc.id, "AgreementEvaluation", via="agreement")]):
        return  # an evaluation whose period end is not known may be the latest
    if evaluation.last is not None and not ctx.judged(evaluation.last, "spec", "results"):
        return  # a result cut out may be the one for a target
    targets: list[Target] = doc.spec.targets
    interval, last = evaluation.interval, evaluation.last
    if not ctx.none_cut("AgreementEvaluation", "spec", "agreement") \
            or not ctx.none_cut("AgreementEvaluation", "spec", "period_end",
                                where=lambda e: e.spec.agreement == doc.id):
        return  # an evaluation whose agreement or period was cut out as invalid may be the latest of this one
    if last is None:
        if (due := ctx.overdue(evaluation.since, interval)) is not None:
            yield Problem(doc, ("spec", "targets"), f"never evaluated: valid since {doc.spec.validity.start}, "
                          f"evaluated every {interval}, the first evaluation fell due {due}")
        return
    if (due := ctx.overdue(evaluation.since, interval)) is not None:
        yield Problem(doc, ("spec", "targets"), f"last evaluated for the period ending {last.spec.period_end} "
                      f"({last.id}); evaluated every {interval}, the next fell due {due}")
    results: dict[str, list[Result]] = {}  # a target may have one result per service or signatory
    for r in last.spec.results or ():
        results.setdefault(r.target, []).append(r)
    for i, target in enumerate(targets):
        mine = results.get(target.id, [])
        # not measured: no data is no evidence of a met target; nothing to measure (the data held no ticket of
        # the target's priority) is a target evaluated, neither met nor missed
        unmeasured = [r for r in mine if r.met is None and not r.nothing_to_measure]
        if not mine and ctx.none_cut("AgreementEvaluation", "spec", "results", where=lambda e: e is last,
                                     naming=target.id, key="target"):  # a cut result may be the one for it
            yield Problem(doc, ("spec", "targets", i), f"target {target.id} has no result in the latest "
                          f"evaluation {last.id}", f"add a result for {target.id} to {last.id}")
        elif unmeasured:
            who = [w for r in unmeasured if (w := r.service or r.supplier)]
            whom = f" for {', '.join(who)}" if who else ""
            yield Problem(doc, ("spec", "targets", i), f"target {target.id} has no measurement{whom} in the latest "
                          f"evaluation {last.id} ({unmeasured[0].note})", f"evaluate {target.id} again from data "
                          "(fitsm evaluate --outages / --tickets / --monitoring)")
        if any(r.supplier for r in mine):  # evaluated per signatory: then for every one that had signed
            signed = {s.supplier for s in doc.spec.signatories if s.signed_on <= last.spec.period_end}
            if (left := sorted(signed - {r.supplier for r in mine})) and ctx.judged(last, "spec", "results"):
                yield Problem(doc, ("spec", "targets", i), f"target {target.id} is evaluated per signatory in "
                              f"{last.id}, but not for {', '.join(left)}", f"add a result for {target.id} for each "
                              "signatory (fitsm evaluate --monitoring gives one per signatory)")
        if any(r.service for r in mine):  # evaluated per service: then for every service the target names
            named = target.services or (doc.spec.services if doc.kind == "SLA" else [])
            if (left := sorted(set(named) - {r.service for r in mine})) and ctx.judged(last, "spec", "results"):
                yield Problem(doc, ("spec", "targets", i), f"target {target.id} is evaluated per service in "
                              f"{last.id}, but not for {', '.join(left)}", f"add a result for {target.id} for each "
                              "service (fitsm evaluate --monitoring gives one per service)")


@rule("PR2.3", "sla-evaluated", kinds=("SLA",), evidence=agreements_in_force("SLA"),
      fix="record an AgreementEvaluation with a result for every target of the SLA")
def sla_evaluated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every SLA in force is evaluated against all its targets, once per target period.

    The evaluation interval is the shortest ``period`` of the SLA's targets (default ``P1M``). The
    latest AgreementEvaluation's period must end within one interval (plus grace) of ``--as-of``, and
    it must have a result for every target. A new SLA is due its first evaluation one interval after
    its validity starts. A target evaluated per service (results with ``service``) has a result for every
    service it names (``targets[].services``, else the services the SLA lists).
    """
    yield from evaluation_problems(doc, ctx)


@rule("PR2.5", "supporting-agreement-evaluated", kinds=("OLA", "UA"), evidence=agreements_in_force("OLA", "UA"),
      fix="record an AgreementEvaluation with a result for every target of the OLA / UA")
def supporting_agreement_evaluated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every OLA and UA in force is evaluated against all its targets, once per target period.

    As for SLAs (rule sla-evaluated): the shortest target period sets the interval, and the latest
    evaluation covers every target. A target of an OLA template evaluated per signatory (results with
    ``supplier``) has a result for every signatory that had signed by the end of the period.
    """
    yield from evaluation_problems(doc, ctx)


def unhandled(doc: Doc, ctx: Context, kinds: tuple[str, ...]) -> Iterator[Problem]:
    """Missed targets in an evaluation of an agreement of ``kinds`` with no follow-up recorded.

    Follow-up is a notification (to the customer, or escalation to the supplier) under
    ``spec.notifications``, or a nonconformity linked under ``spec.nonconformity``.
    """
    assert isinstance(doc.model, AgreementEvaluation)
    spec = doc.model.spec
    agreement = ctx.sms.get(spec.agreement, *kinds) if spec.agreement else None
    if agreement is None or spec.notifications or spec.nonconformity:
        return
    targets = {t.id: t for t in agreement.spec.targets or ()}
    if any(r.met is False and r.target not in targets for r in spec.results or ()) and not targets_known(agreement,
                                                                                                     ctx):
        return  # the target missed was cut out: what it agreed is not known
    for i, result in enumerate(spec.results or ()):
        if result.met is False:
            target = targets.get(result.target)
            agreed = f" against {target.value:g} {target.unit}" if target else ""
            yield Problem(doc, ("spec", "results", i, "met"),
                          f"{agreement.kind} target {result.target} missed: measured "
                          f"{'-' if result.measured is None else format(result.measured, 'g')}{agreed}")


def record_problems(doc: Doc, ctx: Context, kinds: tuple[str, ...]) -> Iterator[Problem]:
    """An evaluation of an agreement of ``kinds`` that contradicts its own numbers or dates.

    A result whose ``met`` disagrees with its measured value and the target's direction (≥ for
    availability and reliability, ≤ for unknown status, times and counts). When it was made is
    ``evaluation-after-period``'s.
    """
    assert isinstance(doc.model, AgreementEvaluation)
    spec = doc.model.spec
    agreement = ctx.sms.get(spec.agreement, *kinds) if spec.agreement else None
    if agreement is None:
        return
    targets = {t.id: t for t in agreement.spec.targets or ()}
    if any(r.target not in targets for r in spec.results or ()) and not targets_known(agreement, ctx):
        return  # a result for a target cut out (its value, unit or metric invalid): it cannot be compared
    for i, result in enumerate(spec.results or ()):
        target = targets.get(result.target)
        if result.met is None or result.measured is None:
            continue  # not measured: nothing to contradict
        verdict = target.meets(result.measured) if target is not None else None
        if target is not None and verdict is not None and verdict != result.met:
            sign = "≥" if target.sense == "at-least" else "≤"
            yield Problem(doc, ("spec", "results", i, "met"),
                          f"{result.target}: measured {result.measured:g} against {sign} {target.value:g} "
                          f"{target.unit} is {'met' if verdict else 'missed'}, but the result says met: "
                          f"{str(result.met).lower()}", "correct met (or the measured value)")


@rule("PR2.3", "sla-evaluation-consistent", kinds=("AgreementEvaluation",), evidence=agreements_in_force("SLA"),
      fix="make met agree with the measured value and the target")
def sla_evaluation_consistent(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An SLA evaluation's results agree with its numbers.

    A result is met when the measured value reaches the target in its direction: at least the value
    for availability and reliability, at most for unknown status, response and resolution times (or
    as ``direction`` says; a target of metric ``other`` without one is not compared). "Unknown ≤ 10 %"
    is missed at 12 %.
    """
    yield from record_problems(doc, ctx, ("SLA",))


@rule("PR2.5", "supporting-evaluation-consistent", kinds=("AgreementEvaluation",),
      evidence=agreements_in_force("OLA", "UA"),
      fix="make met agree with the measured value and the target")
def supporting_evaluation_consistent(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An OLA / UA evaluation's results agree with its numbers.

    As for SLAs (rule sla-evaluation-consistent): ``met`` follows the measured value and the target's
    direction (availability ≥ 80 %, reliability ≥ 85 %, unknown ≤ 10 %).
    """
    yield from record_problems(doc, ctx, ("OLA", "UA"))


@rule("PR2.3", "sla-violation-notified", kinds=("AgreementEvaluation",), evidence=agreements_in_force("SLA"),
      fix="notify the customer (spec.notifications: to, on) or link a nonconformity (spec.nonconformity)")
def sla_violation_notified(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An SLA evaluation with a missed target records that the customer was notified or a nonconformity.

    FitSM-2 asks to notify the customer of an SLA violation; the SLA owner investigates it to prevent a
    recurrence. Either is accepted as follow-up: ``spec.notifications`` or ``spec.nonconformity``.
    """
    yield from unhandled(doc, ctx, ("SLA",))


@rule("PR2.5", "supporting-violation-escalated", kinds=("AgreementEvaluation",),
      evidence=agreements_in_force("OLA", "UA"),
      fix="escalate to the supplier (spec.notifications: to, on) or link a nonconformity (spec.nonconformity)")
def supporting_violation_escalated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An OLA / UA evaluation with a missed target records its escalation to the supplier or a nonconformity.

    FitSM-2 asks to escalate an OLA / UA violation to the supplier; either ``spec.notifications`` or a
    linked ``spec.nonconformity`` is accepted as follow-up.
    """
    yield from unhandled(doc, ctx, ("OLA", "UA"))


def made_after_period(doc: Doc, ctx: Context, kinds: tuple[str, ...]) -> Iterator[Problem]:
    """An evaluation of an agreement of ``kinds`` made before its period ended, or in the future, or of a
    period that ends before it starts (start and end swapped: it covers no day); a notification of its
    violation dated in the future has not happened either.

    The day it was made is ``spec.evaluated_on`` (written by hand) or else ``spec.source.as_of`` (the
    day ``fitsm evaluate`` wrote it).
    """
    assert isinstance(doc.model, AgreementEvaluation)
    spec = doc.model.spec
    agreement = ctx.sms.get(spec.agreement, *kinds) if spec.agreement else None
    if agreement is None:
        return
    made, where = ((spec.evaluated_on, ("spec", "evaluated_on")) if spec.evaluated_on is not None
                   else (spec.source.as_of, ("spec", "source", "as_of")) if spec.source else (None, ()))
    if not ctx.judged(doc, "spec", "evaluated_on") or (spec.evaluated_on is None and not ctx.judged(doc, "spec",
                                                                                                   "source")):
        made = None  # cut out, the day it was made is not known (not the day fitsm evaluate wrote it either)
    if made is not None and made > ctx.as_of:
        yield Problem(doc, where, f"made on {made}, which is after {ctx.as_of} (today for this check)")
    for i, told in enumerate(spec.notifications):
        if told.on > ctx.as_of:
            yield Problem(doc, ("spec", "notifications", i, "on"), f"{told.to} notified of the violation on "
                          f"{told.on}, after {ctx.as_of}: it has not happened yet")
    if spec.period_end is None:
        return  # left out: reported as missing
    if spec.period_start is not None and spec.period_start > spec.period_end:
        yield Problem(doc, ("spec", "period_start"), f"the period starts {spec.period_start}, after it ends "
                      f"({spec.period_end}): it covers no day", "give the first day as period_start and the "
                      "last as period_end")
    if spec.period_end >= ctx.as_of:
        yield Problem(doc, ("spec", "period_end"), f"the period ends {spec.period_end}, which is not over as of "
                      f"{ctx.as_of}; an evaluation of it cannot come from data")
    elif made is not None and made <= spec.period_end:
        yield Problem(doc, where, f"made on {made}, before the period ended "
                      f"({spec.period_end}); its results cannot cover the whole period")


_AFTER_PERIOD_FIX = ("evaluate a period once it has ended: delete this record and run fitsm evaluate after its "
                     "last day (or correct evaluated_on)")


@rule("PR2.3", "evaluation-after-period", kinds=("AgreementEvaluation",), evidence=agreements_in_force("SLA"),
      fix=_AFTER_PERIOD_FIX)
def evaluation_after_period(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An SLA evaluation covers a period that had ended when it was made.

    A result for days still to come is not a measurement. Flagged: an evaluation whose period ends on
    or after ``--as-of``, or whose day of making (``spec.evaluated_on``, else ``spec.source.as_of``) is
    not after the period's last day or is after ``--as-of``: a record cannot be made in the future; and
    one whose ``period_start`` is after its ``period_end``.
    """
    yield from made_after_period(doc, ctx, ("SLA",))


@rule("PR2.5", "supporting-evaluation-after-period", kinds=("AgreementEvaluation",),
      evidence=agreements_in_force("OLA", "UA"), fix=_AFTER_PERIOD_FIX)
def supporting_evaluation_after_period(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An OLA / UA evaluation covers a period that had ended when it was made.

    As for SLAs (rule evaluation-after-period): made after the period's last day, and not after
    ``--as-of``, of a period that does not end before it starts.
    """
    yield from made_after_period(doc, ctx, ("OLA", "UA"))


# --- supporting agreements (PR2.4) ------------------------------------------------------------------


@rule("PR2.4", "supporting-agreement-supplier-type", kinds=("OLA", "UA"),
      fix="use an OLA for internal suppliers and federation members, a UA for external suppliers")
def supporting_agreement_supplier_type(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """OLAs are agreed with internal suppliers (or federation members), UAs with external ones.

    FitSM defines an OLA as an agreement with an internal supplier or federation member and a UA as one
    with an external supplier. Evidence: the ``Supplier`` named in ``spec.supplier`` (and each signatory
    of an OLA template under ``spec.signatories``) has the matching ``type`` (or ``federation_member:
    true`` for an OLA).
    """
    places: list[tuple[str | None, tuple[str | int, ...]]] = [(doc.spec.supplier, ("spec", "supplier"))]
    places += [(s.supplier, ("spec", "signatories", i, "supplier")) for i, s in enumerate(doc.spec.signatories)]
    for supplier_id, loc in places:
        supplier = ctx.sms.get(supplier_id, "Supplier") if supplier_id else None
        if supplier is None:
            continue  # reported as an unresolved reference
        spec = supplier.spec
        internal = spec.type == "internal" or spec.federation_member
        # cut out, a federation_member reads as false; a type cut out or left out is not known
        if not internal and not all([ctx.judged(supplier, "spec", "type", left_out=spec.type is None),
                                     ctx.judged(supplier, "spec", "federation_member")]):
            continue
        if doc.kind == "OLA" and not internal:
            yield Problem(doc, loc, f"OLA with external supplier {supplier.id}")
        elif doc.kind == "UA" and internal:
            yield Problem(doc, loc, f"UA with internal supplier {supplier.id}")


@rule("PR2.4", "supporting-target-services-covered", kinds=("OLA", "UA"),
      fix="name only services the agreement supports in a target's services")
def supporting_target_services_covered(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A target of an OLA / UA for some of its services names services it supports.

    As for SLAs (rule sla-target-services-covered): a service a target names (``targets[].services``)
    that the agreement does not support (``spec.supports``) is promised nothing.
    """
    yield from target_scope_problems(doc, {c.service for c in doc.spec.supports or ()})


@rule("PR2.4", "supporting-working-time-defined", kinds=("OLA", "UA"),
      fix="state the support hours (spec.support.hours), or give the target in hours or days")
def supporting_working_time_defined(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An OLA / UA target in working hours or working days is tied to stated support hours.

    As for SLAs (rule sla-working-time-defined): "8 operating hours" counts only the support hours.
    """
    yield from working_time_problems(doc, ctx)


@rule("PR2.4", "supporting-agreement-underpins", kinds=("OLA", "UA"),
      fix="name in supports_slas only SLAs over a service the agreement supports, or add that service to supports")
def supporting_agreement_underpins(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An OLA / UA names in ``supports_slas`` only SLAs that list a service it supports.

    An agreement stands behind an SLA through the services both are about; one that names an SLA over
    none of the services it supports underpins nothing of it, and the supply chain silently leaves it out.
    Checked for SLAs that list their services: a default SLA covers what its catalogue lists, and a
    service missing there is reported at the service (rule live-service-in-catalogue).
    """
    supported = {c.service for c in doc.spec.supports or ()}
    for i, sla_id in enumerate(doc.spec.supports_slas):
        sla = ctx.sms.get(sla_id, "SLA")
        if sla is None or not sla.spec.services or not coverage_known(sla, ctx):
            continue  # unresolved: reported as such; no list: coverage follows the catalogue; or not known
        if not supported & set(sla_services(ctx.sms, sla)):
            yield Problem(doc, ("spec", "supports_slas", i), f"{sla_id} covers none of the services this "
                          f"agreement supports ({', '.join(sorted(supported)) or 'none'})")


reviewed_rule("PR2.4", "supporting-agreement-reviewed", ("OLA", "UA"), "supporting agreement (OLA, UA)")
case_owner_rule("PR2.4", "supporting-agreement-owner", ("OLA", "UA"), "agreement owner", "OLA and UA")


def supporting(ctx: Context, service_id: str) -> list[Doc]:
    """The OLAs and UAs in force that support ``service_id`` (or some of its components)."""

    def build() -> dict[str, list[Doc]]:
        found: dict[str, list[Doc]] = {}
        for agreement in ctx.sms.of_kind("OLA", "UA"):
            if in_force(agreement, ctx):
                for service in dict.fromkeys(c.service for c in agreement.spec.supports):
                    found.setdefault(service, []).append(agreement)
        return found

    return ctx.memo("supporting", build).get(service_id, [])


def agreements_supporting(sms: Sms, service_id: str) -> list[Doc]:
    """Every OLA and UA that supports ``service_id`` (or some of its components), in force or not."""

    def build() -> dict[str, list[Doc]]:
        found: dict[str, list[Doc]] = {}
        for agreement in sms.of_kind("OLA", "UA"):
            for service in dict.fromkeys(c.service for c in agreement.spec.supports or ()):
                found.setdefault(service, []).append(agreement)
        return found

    return sms.memo("agreements-supporting", build).get(service_id, [])


def underpins(agreement: Doc, sla_id: str) -> bool:
    """Whether an OLA / UA may stand behind the SLA ``sla_id``: it names that SLA in ``supports_slas``, or names
    none (then it stands behind every SLA over the services it supports)."""
    return not agreement.spec.supports_slas or sla_id in agreement.spec.supports_slas


def agreements_behind(sms: Sms, sla: Doc) -> list[Doc]:
    """The OLAs and UAs (in force or not) behind an SLA: they support a service it covers and underpin it.

    The chain rules (:mod:`.pr_chain`) take those in force, for the live services and critical components.
    """
    found = {a.id: a for service in dict.fromkeys(sla_services(sms, sla))
             for a in agreements_supporting(sms, service) if underpins(a, sla.id)}
    return list(found.values())


def slas_underpinned(sms: Sms, agreement: Doc) -> list[Doc]:
    """The SLAs an OLA / UA stands behind (in force or not): the inverse of :func:`agreements_behind`."""
    found = {s.id: s for service in dict.fromkeys(c.service for c in agreement.spec.supports or ())
             for s in slas_covering(sms, service) if underpins(agreement, s.id)}
    return list(found.values())


def supports(agreement: Doc, service_id: str, component_id: str | None = None) -> bool:
    """Whether an OLA / UA supports the service (the component, when given, or all of the service)."""
    return any(c.service == service_id and (c.component is None or component_id is None or c.component == component_id)
               for c in agreement.spec.supports)


def _parties_known(agreement: Doc, ctx: Context) -> bool:
    """Whether an approved OLA / UA says whom it is agreed with and what it supports: its supplier (or
    signatories) and its supports neither cut out nor left out. False notes why (:meth:`Context.judged`); an
    agreement that is not approved supports nothing whatever they say."""
    spec = agreement.spec
    if agreement.model.metadata.status is not Status.APPROVED:
        return True
    return ctx.once(("parties_known", id(agreement)), lambda: all([
        ctx.judged(agreement, "spec", "supplier", left_out=not spec.parties),
        ctx.judged(agreement, "spec", "signatories"),
        ctx.judged(agreement, "spec", "supports", left_out=spec.supports is None)]))


@rule("PR2.4", "service-suppliers-covered", kinds=("Service",),
      evidence=suppliers_named((Lifecycle.LIVE,), "live service"),
      fix="agree an OLA (internal supplier, federation member) or UA (external supplier) that supports the "
          "service, or set agreement_required: false with a justification")
def service_suppliers_covered(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every supplier a live service depends on is covered by an OLA or UA in force, or is exempt.

    The suppliers are those in ``spec.suppliers`` and those of its components (each of a component's
    parallel suppliers; a signatory of an OLA template is covered by it). Exempt means
    ``agreement_required: false`` with a ``justification`` — FitSM asks for OLAs and UAs "as needed",
    and this records why one is not.
    """
    assert isinstance(doc.model, Service)
    spec = doc.model.spec
    if not is_live(doc, ctx) or not all([ctx.judged(doc, "spec", "suppliers"), ctx.judged(doc, "spec", "components")]):
        return  # a supplier cut out (or its agreement_required, which reads as true) may be exempt, or another
    places: dict[str, tuple[str | int, ...]] = {}
    for j, component in enumerate(spec.components):
        if component.supplier is not None:
            places.setdefault(component.supplier, ("spec", "components", j, "supplier"))
        for k, parallel in enumerate(component.suppliers):
            places.setdefault(parallel, ("spec", "components", j, "suppliers", k))
    exempt = set()
    for i, entry in enumerate(spec.suppliers):
        places[entry.supplier] = ("spec", "suppliers", i, "supplier")
        if not entry.agreement_required:
            exempt.add(entry.supplier)
            if not entry.justification:
                yield Problem(doc, ("spec", "suppliers", i, "agreement_required"),
                              f"no agreement with {entry.supplier} and no justification why none is needed",
                              "add a justification, or agree an OLA / UA")
    agreed = {party for a in supporting(ctx, doc.id) for party in a.spec.parties}
    # an approved OLA / UA for this service with a part it agrees cut out as invalid may be in force
    cut = [a for a in ctx.sms.with_cuts("OLA", "UA") if a.model.metadata.status is Status.APPROVED
           and (a.incomplete("spec", "supports") or any(c.service == doc.id for c in a.spec.supports or ()))
           and not all(ctx.judged(a, "spec", part) for part in AGREED + SUPPORTING)]
    for supplier, loc in places.items():
        # an OLA / UA that could not be read, whose parties or services are not known, or with a part it agrees
        # cut out, may be the one; a supplier that names no Supplier (a typo) is that one finding
        if supplier not in exempt and supplier not in agreed and ctx.all_read("OLA", "UA") \
                and ctx.none_dangling("Service", *loc, where=lambda s: s is doc) \
                and ctx.once("parties known", lambda: all([_parties_known(a, ctx)
                                                            for a in ctx.sms.of_kind("OLA", "UA")])) \
                and not cut and ctx.once("parties named", lambda: all([  # else a typo'd one may be meant
                    ctx.none_dangling(("OLA", "UA"), "spec", part, where=lambda a: a.model.metadata.status
                                      is Status.APPROVED) for part in (*SUPPORTING, "signatories")])):
            yield Problem(doc, loc, f"no OLA or UA in force with {supplier} supports this service")
