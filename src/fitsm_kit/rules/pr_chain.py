"""Rules for the agreement chain (PR2.4): can the OLAs and UAs behind an SLA carry what it promises?

For each SLA in force, the live services it covers and their critical components lead to the OLAs /
UAs in force that support them; :mod:`fitsm_kit.model.chain` does the arithmetic (composed
availability, hours coverage across time zones, response and resolution times in minutes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fitsm_kit.model.chain import compose, coverage, describe, k_of_n, percent, slower
from fitsm_kit.model.service import Component, Hours, Target
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.portfolio import is_live
from fitsm_kit.rules.pr_agreements import covers_implicitly, sla_services, supporting, supports, underpins
from fitsm_kit.rules.pr_common import coverage_known, in_force, targets_known


@dataclass(frozen=True)
class Link:
    """A critical component of a service and the supporting agreements in force behind it."""

    service: str
    component: Component
    agreements: tuple[Doc, ...]


def chain(ctx: Context, sla: Doc) -> list[Link]:
    """For each live service an SLA in force covers: its critical components with a supplier, and the
    OLAs / UAs in force that support them (and the SLA, when they list the SLAs they support).

    Components of exempt suppliers (``agreement_required: false``) and components without an
    agreement (reported by service-suppliers-covered) are left out. Three rules walk the same chain,
    so it is built once per SLA.
    """
    return ctx.memo(f"chain:{sla.id}", lambda: list(_links(ctx, sla)) if in_force(sla, ctx) else [])


def known(ctx: Context, sla: Doc) -> bool:
    """Whether the chain behind an SLA in force can be judged: what it covers, its targets, the components,
    suppliers and exemptions of the live services it covers and the targets of the agreements behind them are
    neither cut out nor (an SLA's type) left out. False notes why: the rule holds back for the SLA. Asked by
    each rule, not inside :func:`chain`: a memo is built once, and the reasons are each rule's own."""
    if not in_force(sla, ctx):
        return True  # no chain to judge
    checks = [coverage_known(sla, ctx), targets_known(sla, ctx)]
    for service_id in dict.fromkeys(sla_services(ctx.sms, sla)):
        service = ctx.sms.get(service_id, "Service")
        if service is not None:
            checks += [ctx.judged(service, "spec", "components"), ctx.judged(service, "spec", "suppliers")]
            if covers_implicitly(sla):
                checks.append(ctx.judged(service, "spec", "customer_facing"))
    checks += [targets_known(a, ctx) for link in chain(ctx, sla) for a in link.agreements]
    return all(checks)


def _links(ctx: Context, sla: Doc) -> Iterator[Link]:
    for service_id in dict.fromkeys(sla_services(ctx.sms, sla)):
        service = ctx.sms.get(service_id, "Service")
        if service is None or not is_live(service, ctx):
            continue
        agreements = [a for a in supporting(ctx, service_id) if underpins(a, sla.id)]
        exempt = {s.supplier for s in service.spec.suppliers if not s.agreement_required}
        for component in service.spec.components:
            providers = set(component.providers) - exempt
            if not component.critical or not providers:
                continue
            behind = tuple(a for a in agreements
                           if providers & set(a.spec.parties) and supports(a, service_id, component.id))
            if behind:
                yield Link(service_id, component, behind)


def intact(ctx: Context, sla: Doc, *parts: str) -> bool:
    """Whether the chain behind ``sla`` holds all that was written: no component of a service it covers, and
    none of ``parts`` of an agreement behind it, was cut out as invalid (a cut ``critical: false`` makes a
    redundant component critical; a cut target or support window narrows what an agreement agrees)."""
    links = chain(ctx, sla)
    services = {link.service for link in links}
    behind = {a.id for link in links for a in link.agreements}
    return ctx.none_cut("Service", "spec", "components", where=lambda s: s.id in services) \
        and all(ctx.none_cut(("OLA", "UA"), "spec", part, where=lambda a: a.id in behind) for part in parts)


METRICS = ("availability", "reliability")  # both compose alike: series multiply, k of n parallel


def agreed(agreement: Doc, metric: str = "availability") -> float | None:
    """The ``metric`` an OLA / UA agrees: its lowest target of that metric in percent, if any."""
    values = [t.value for t in agreement.spec.targets or () if t.metric == metric and t.unit == "%"]
    return min(values, default=None)


def availability(agreement: Doc) -> float | None:
    """The availability an OLA / UA agrees: its lowest availability target in percent, if any."""
    return agreed(agreement, "availability")


def _backed(ctx: Context) -> str | None:
    """Evidence for the rules below: an SLA in force with an OLA or UA behind a critical supplied component of
    a service it covers. Without one they compare nothing: no evidence that the chain holds, not conformity."""
    if any(chain(ctx, sla) for sla in ctx.sms.of_kind("SLA")):
        return None
    return "no SLA in force has an OLA or UA behind a critical supplied component of its services"


@rule("PR2.4", "supporting-availability", kinds=("SLA",), evidence=_backed,
      fix="raise the OLA / UA availability targets, add redundancy (mark the component critical: false, or give "
          "it parallel suppliers), or lower the SLA's target")
def supporting_availability(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The OLAs and UAs behind a service can carry the SLA's availability (and reliability) target.

    A service's critical components (``critical: true``, the default) are in series: the service is
    available only when all of them are. Their composed availability is the product of the
    availability targets agreed for them in OLAs / UAs (the best one where several apply), and must
    be at least the SLA's availability target. A component with parallel suppliers (``suppliers`` and
    ``required``: k of n, e.g. a federation's resource centres that each signed the same OLA template)
    is available while k of them are: 2 of 3 at 95 % each compose to 99.275 %; a parallel supplier with
    no agreement counts as 0 %. Reliability targets compose the same way. A target for some services
    only (``services``) is compared for those. Redundant components may also be marked
    ``critical: false``. Periods are not compared: a monthly SLA target against a yearly OLA target is
    taken at face value.
    """
    if not known(ctx, doc):
        return
    by_service: dict[str, list[Link]] = {}
    for link in chain(ctx, doc):
        by_service.setdefault(link.service, []).append(link)
    if by_service and (not ctx.all_read("OLA", "UA") or not intact(ctx, doc, "targets")):
        return  # an agreement that could not be read, or a part cut out, may stand behind a component too
    for metric in METRICS:
        targets = [(i, t) for i, t in enumerate(doc.spec.targets or ()) if t.metric == metric and t.unit == "%"]
        if not targets:
            continue
        for service_id, links in by_service.items():
            applying = [(i, t) for i, t in targets if not t.services or service_id in t.services]
            if applying:
                yield from _compose(doc, service_id, links, metric, applying)


def _compose(doc: Doc, service_id: str, links: list[Link], metric: str,
             targets: list[tuple[int, Target]]) -> Iterator[Problem]:
    factors: dict[str, float] = {}
    labels: dict[str, str] = {}
    for link in links:
        if link.component.suppliers:  # parallel providers, k of n
            values = []
            for provider in link.component.suppliers:
                theirs = [a for a in link.agreements if provider in a.spec.parties]
                values.append(max((agreed(a, metric) or 0.0 for a in theirs), default=0.0))
            k, n = link.component.needed, len(values)
            factors[f"{link.component.id}"] = k_of_n(values, k)
            labels[link.component.id] = (f"{link.component.id} ({k} of {n} at "
                                         f"{', '.join(percent(v) for v in values)} %)")
            continue
        best = max(link.agreements, key=lambda a: agreed(a, metric) or -1.0)
        value = agreed(best, metric)
        if value is None:
            yield Problem(doc, ("spec", "targets", targets[0][0]), f"{best.id} agrees no {metric} target for "
                          f"{service_id} component {link.component.id}, so the SLA's {metric} cannot be "
                          "composed", f"add an {metric} target to {best.id}")
            continue
        # An agreement for the whole service counts once; one per component counts per component.
        named = any(c.component == link.component.id for c in best.spec.supports if c.service == service_id)
        key = f"{best.id}/{link.component.id}" if named else best.id
        factors.setdefault(key, value)
        labels.setdefault(key, f"{best.id} {percent(value)} %")
    composed = compose(factors.values())
    what = "" if metric == "availability" else f"{metric} "
    for i, target in targets:
        if composed + 1e-9 < target.value:
            parts = " × ".join(labels[key] for key in factors)
            yield Problem(doc, ("spec", "targets", i, "value"),
                          f"SLA {doc.id} promises {what}{percent(target.value)} % for {service_id}; its "
                          f"components compose to {percent(composed, below=target.value)} %: {parts}")


@rule("PR2.4", "supporting-hours", kinds=("SLA",), evidence=_backed,
      fix="extend the OLA / UA service or support hours, or narrow the SLA's")
def supporting_hours(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The OLAs and UAs behind an SLA cover its service hours and its support hours.

    Weekly windows are compared as real instants in their time zones (daylight saving time included),
    over one week in the same zone and over a year across zones. Free-text exceptions and planned
    maintenance are not compared.
    """
    if not known(ctx, doc):
        return
    seen = set()
    if not intact(ctx, doc, "service_hours", "support"):
        return  # hours cut out as invalid were agreed, just not readable
    for link in chain(ctx, doc):
        for agreement in link.agreements:
            if agreement.id in seen:
                continue
            seen.add(agreement.id)
            pairs: list[tuple[tuple[str, ...], str, Hours, Hours]] = [
                (("spec", "service_hours"), "service hours", doc.spec.service_hours,
                      agreement.spec.service_hours)]
            if doc.spec.support.hours is not None and agreement.spec.support.hours is not None:
                pairs.append((("spec", "support", "hours"), "support hours", doc.spec.support.hours,
                              agreement.spec.support.hours))
            for loc, what, wanted, offered in pairs:
                result = coverage(wanted, offered, ctx.as_of)
                if result.gaps:
                    yield Problem(doc, loc, f"{what} {describe(wanted)} are not covered by {agreement.id} "
                                  f"({describe(offered)}): first gap {result.first_gap()}, "
                                  f"{percent(result.hours_per_week)} h a week")


@rule("PR2.4", "supporting-response-times", kinds=("SLA",), evidence=_backed,
      fix="shorten the OLA / UA response or resolution times, or lengthen the SLA's")
def supporting_response_times(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The OLAs and UAs behind an SLA respond and resolve no slower than the SLA promises.

    Each response-time and resolution-time target of the SLA is compared, in minutes (a day is 24
    hours), with the targets of the same metric and priority in the supporting agreements; a
    supporting agreement without such a target is not compared.
    """
    if not known(ctx, doc):
        return
    agreements = {a.id: a for link in chain(ctx, doc) for a in link.agreements}
    if agreements and not intact(ctx, doc, "targets"):
        return  # a target cut out as invalid may be the faster one; a cut component may not be critical
    for i, target in enumerate(doc.spec.targets or ()):
        for agreement in agreements.values():
            for found in slower(target, agreement.spec.targets):
                yield Problem(doc, ("spec", "targets", i, "value"),
                              f"SLA {doc.id} {target.id} promises {percent(target.value)} {target.unit}; "
                              f"{agreement.id} {found.id} allows {percent(found.value)} {found.unit}")
