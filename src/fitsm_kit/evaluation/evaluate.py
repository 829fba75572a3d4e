"""Evaluate SLA / OLA / UA targets for a period from outages and tickets (FitSM PR2.3, PR2.5).

Availability follows FitSM-0: (agreed service time − downtime during service time) / agreed service time.
Agreed service time is the agreement's service hours within the period, in its time zone, less its
declared maintenance windows (``service_hours.maintenance``; its ``exceptions`` are free text with no dates
to take out, and the detail says so); outages outside it do not count and
overlapping outages count once. An outage marked planned counts as any other: planned work is excluded
only within a declared window, and the detail says how much planned work outside one counted.
Response and resolution times count only support hours; a target is met when the slowest ticket of
its priority is within it. An SLA's are the service desk's (ticket rows without a supplier), an OLA's or
UA's the supplier's (rows naming the supplier the ticket was passed to). Days are 24 hours of counted
time; working hours and working days count the support hours as :mod:`fitsm_kit.model.workingtime` does
(2 working days from Friday 17:00 end on Tuesday 17:00 with Mon–Fri 08–18). A target this command cannot
measure gets a not-measured result saying why.

Availability, reliability and unknown status come from monthly monitoring reports (:mod:`monitoring`)
when they have rows for the agreement: per service for an SLA, per supplier for an OLA / UA, one result
per signatory for an OLA template. Their figure is recorded over one from outages; the note gives both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

from fitsm_kit.errors import FitsmError
from fitsm_kit.evaluation import monitoring
from fitsm_kit.evaluation.measurements import OutageRecord, Ticket
from fitsm_kit.model.dates import parse_interval
from fitsm_kit.model.service import SLA, AgreementSpec, Hours, SupportingSpec, Target
from fitsm_kit.model.timeline import Span, agreed_time, intersect, local_period, minutes, open_hours
from fitsm_kit.model.workingtime import WORKING_UNITS, due, working_days_between
from fitsm_kit.rules.pr_agreements import sla_services
from fitsm_kit.sms.index import Doc, Sms

_UNIT_MINUTES = {"minutes": 1.0, "hours": 60.0, "days": 1440.0, "working-hours": 60.0}
_TIME_UNITS = (*_UNIT_MINUTES, "working-days")


@dataclass(frozen=True)
class TargetResult:
    target: Target
    measured: float | None  # None: nothing measured (no data, or no tickets of that priority)
    met: bool | None  # None: not measured, for want of data or of tickets to time (detail says why)
    detail: str
    service: str | None = None  # the service measured, for a result per service
    supplier: str | None = None  # the signatory measured, for an OLA template
    note: str | None = None  # recorded with a measured result too (e.g. when outage data gave another figure)
    nothing_to_measure: bool = False  # the data covered the period and held no ticket the target counts


@dataclass(frozen=True)
class Evaluation:
    agreement: Doc
    first: dt.date
    last: dt.date
    results: tuple[TargetResult, ...]


def covered(sms: Sms, agreement: Doc) -> list[tuple[str, str | None]]:
    """(service, component or None) pairs an agreement covers."""
    spec = agreement.spec
    if isinstance(agreement.model, SLA):  # the rules' own reading: a default SLA may cover every live service
        return [(s, None) for s in dict.fromkeys(sla_services(sms, agreement))]
    return [(c.service, c.component) for c in spec.supports or ()]


NO_OUTAGE_DATA = "not measured: no outage data for the period"
NO_TICKET_DATA = "not measured: no ticket data for the period"
NO_MONITORING_DATA = "not measured: no monitoring data for the agreement (--monitoring)"


def evaluate(sms: Sms, agreement: Doc, first: dt.date, last: dt.date,
             outages: list[OutageRecord] | None, tickets: list[Ticket] | None,
             monitored: monitoring.Monitoring | None = None, no_outages: str = NO_OUTAGE_DATA) -> Evaluation:
    """Each target of ``agreement`` for the period; ``None`` data (no source at all) leaves a target not
    measured: absence of data is never a met target. ``outages`` is the period's outage data only when it is
    known to list every outage of the days measured (else ``None``, and ``no_outages`` says why). Only the
    days of the period the agreement was in force count (its targets did not apply before its validity
    started or after it ended)."""
    spec: AgreementSpec = agreement.spec
    if spec.service_hours is None or spec.support is None or not spec.targets:
        return Evaluation(agreement, first, last, ())  # nothing agreed to measure against (reported by check)
    start, end = in_force(spec, first, last)
    if start > end:
        why = f"not measured: the agreement was not in force in {first}..{last}"
        return Evaluation(agreement, first, last, tuple(TargetResult(t, None, None, why) for t in spec.targets))
    results = _evaluate(sms, agreement, start, end, outages, tickets, monitored, no_outages)
    if (start, end) != (first, last):
        part = f"; over {start}..{end}, the part of the period the agreement was in force"
        results = tuple(dataclasses.replace(r, detail=r.detail + part) for r in results)
    return Evaluation(agreement, first, last, results)


def in_force(spec: AgreementSpec, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The days of ``first``..``last`` within the agreement's validity (start after end: none of them)."""
    if spec.validity is None:
        return first, last
    return max(first, spec.validity.start), min(last, spec.validity.end or last)


def _evaluate(sms: Sms, agreement: Doc, first: dt.date, last: dt.date, outages: list[OutageRecord] | None,
              tickets: list[Ticket] | None, monitored: monitoring.Monitoring | None,
              no_outages: str) -> tuple[TargetResult, ...]:
    """:func:`evaluate` over ``first``..``last``, days the agreement was in force."""
    spec: AgreementSpec = agreement.spec
    assert spec.service_hours is not None and spec.support is not None and spec.targets
    scope = covered(sms, agreement)
    services = {service for service, _ in scope}
    from_monitoring = monitored is not None and _monitors(monitored, agreement, services, last)
    results: list[TargetResult] = []
    for target in spec.targets:
        # a target for some of the services (target.services) is measured on theirs only
        mine_scope = [(s, c) for s, c in scope if not target.services or s in target.services]
        relevant = [o for o in outages or [] if any(o.service == s and (c is None or o.component == c)
                                                    for s, c in mine_scope)]
        if target.metric in monitoring.METRICS and from_monitoring:
            assert monitored is not None
            other = None
            if target.metric == "availability" and outages is not None and mine_scope and target.unit == "%":
                other = availability(target, spec.service_hours, first, last, relevant)
            results += _monitored(sms, agreement, target, first, last, monitored, other)
        elif target.metric == "availability":
            if target.unit != "%":
                results.append(TargetResult(target, None, None, "not measured: availability from outages is a "
                                                                f"percentage; the target is in {target.unit}"))
                continue
            if outages is None:
                results.append(TargetResult(target, None, None, no_outages))
                continue
            if not mine_scope:  # no outage of nothing is no evidence of availability
                results.append(TargetResult(target, None, None, "not measured: the agreement covers no service"
                                            + (" the target names" if target.services else "")))
                continue
            results.append(availability(target, spec.service_hours, first, last, relevant))
        elif target.metric in ("reliability", "unknown"):
            why = NO_MONITORING_DATA if monitored is None else \
                f"not measured: the monitoring data has no row for {_measured_on(agreement, services, last)}"
            results.append(TargetResult(target, None, None, why))
        elif target.metric in ("response-time", "resolution-time") and target.unit in _TIME_UNITS:
            if tickets is None:
                results.append(TargetResult(target, None, None, NO_TICKET_DATA))
                continue
            results += _ticket_results(agreement, target, first, last, tickets, services)
        else:  # said in the record rather than left out: the check then names what is missing
            what = f"{target.metric} in {target.unit}" if target.metric != "other" else "targets of metric other"
            results.append(TargetResult(target, None, None, f"not measured: fitsm evaluate does not measure {what}; "
                                                            "record the result by hand"))
    return tuple(results)


def _ticket_results(agreement: Doc, target: Target, first: dt.date, last: dt.date, tickets: list[Ticket],
                    services: set[str]) -> list[TargetResult]:
    """A response or resolution target's results: for an SLA from the tickets of the service desk (rows
    without a supplier), for an OLA / UA from the rows the data says were passed to its supplier, one result
    per signatory of a template. The desk's response to customers is not a supplier's response."""
    if isinstance(agreement.model, SLA):
        subjects: list[tuple[str | None, list[Ticket]]] = [(None, [t for t in tickets if t.supplier is None])]
    elif not any(t.supplier for t in tickets):
        return [TargetResult(target, None, None, "not measured: the ticket data says of no ticket which supplier it "
                             "was passed to (a supplier column): the service desk's times are not "
                             f"{' or '.join(parties(agreement, last)) or 'the supplier'}'s")]
    else:
        subjects = [(p, [t for t in tickets if t.supplier == p]) for p in parties(agreement, last)]
    template = bool(getattr(agreement.spec, "signatories", None))  # one result per signatory, naming it
    newest = max((x for t in tickets for x in (t.opened, t.first_response, t.resolved) if x is not None),
                 default=None)  # the ticket data was exported no earlier than this
    signed = {s.supplier: s.signed_on for s in getattr(agreement.spec, "signatories", None) or ()}
    results = []
    for supplier, pool in subjects:
        on = signed.get(supplier) if supplier else None
        if on is not None and on > first:  # a ticket passed to it before it signed is not held to the template
            since = local_period(on, on, agreement.spec.service_hours.timezone)[0]
            pool = [t for t in pool if t.opened >= since]
        result = _ticket_result(agreement, target, first, last, pool, services, newest)
        if on is not None and on > first:
            result = dataclasses.replace(result, detail=f"{result.detail}; from {on}, the day {supplier} signed")
        results.append(dataclasses.replace(result, supplier=supplier if template else None))
    return results


def _ticket_result(agreement: Doc, target: Target, first: dt.date, last: dt.date, tickets: list[Ticket],
                   services: set[str], newest: dt.datetime | None) -> TargetResult:
    """A response or resolution target's result from ``tickets``; ``newest`` is the newest time in the whole
    ticket data (it was exported no earlier than this)."""
    spec: AgreementSpec = agreement.spec
    assert spec.service_hours is not None and spec.support is not None and spec.targets
    zone = spec.service_hours.timezone
    period = local_period(first, last, zone)
    in_period = [t for t in tickets if period[0] <= t.opened < period[1]]
    ours = [t for t in in_period if t.service in services]
    named = {t.priority for t in spec.targets if t.priority is not None}
    _refuse_misspelt(agreement, ours, named)
    spelt = {t.priority for t in tickets}  # the priorities the export uses
    uncovered = [a for a, b in _months(first, last)  # months of the period no ticket of the data was opened in
                 if not any(p[0] <= t.opened < p[1] for p in [local_period(a, b, zone)] for t in in_period)]
    if not in_period:
        # an export of another month would otherwise make every ticket target met: nothing late
        return TargetResult(target, None, None, f"not measured: the ticket data has no ticket opened in "
                            f"{first}..{last}, so nothing shows it covers the period; export the period's tickets")
    if uncovered:  # an export of part of the period: the other months' late tickets are not in it
        months = ", ".join(f"{a:%Y-%m}" for a in uncovered)
        return TargetResult(target, None, None, f"not measured: the ticket data has no ticket opened in {months}, "
                            f"so nothing shows it covers those months of {first}..{last}; export the period's tickets")
    if target.unit in WORKING_UNITS and spec.support.hours is None:
        return TargetResult(target, None, None, "not measured: working time needs the agreement's support hours "
                            "(spec.support.hours)")
    hours = spec.support.hours or spec.service_hours
    mine = [t for t in ours if (target.priority is None or t.priority == target.priority)
            and (not target.services or t.service in target.services)]
    if target.priority is not None and ours and not named & spelt:
        # the export's own priority names: no ticket would count, and every target would be met
        return TargetResult(target, None, None, _foreign_priorities(tickets, named))
    assert newest is not None or not mine
    return _ticket_times(target, hours, mine, newest)


def _refuse_misspelt(agreement: Doc, tickets: list[Ticket], named: set[str]) -> None:
    """Refuse a ticket whose priority is one the agreement's targets name, spelt otherwise ('p1' for 'P1'):
    which was meant cannot be told, and the ticket would count for no target."""
    def key(text: str) -> str:
        return "".join(c for c in text.casefold() if c.isalnum())

    spelt = {key(p): p for p in named}
    for t in tickets:
        meant = spelt.get(key(t.priority))
        if meant is not None and meant != t.priority:
            raise FitsmError(f"{t.source}: priority {t.priority!r} is not {meant!r} as {agreement.id}'s targets spell "
                             "it; write the priorities in the export as the agreement does")


def _foreign_priorities(tickets: list[Ticket], named: set[str]) -> str:
    """Why no ticket target is measured from data that spells no priority as the agreement does. (Data that
    spells some of them is taken at its word: a month without P1 tickets had none late.)"""
    found = sorted({t.priority for t in tickets})
    shown = ", ".join(found[:6]) + (", …" if len(found) > 6 else "")
    return (f"not measured: no ticket in the ticket data has a priority its targets name "
            f"({', '.join(sorted(named))}); the data has {shown}: export the priorities as the agreement names them")


def parties(agreement: Doc, last: dt.date) -> list[str]:
    """The suppliers an OLA / UA was agreed with by ``last``: its supplier, or the template's signatories."""
    spec = agreement.spec
    if not isinstance(spec, SupportingSpec):
        return []
    return ([spec.supplier] if spec.supplier else []) + [s.supplier for s in spec.signatories if s.signed_on <= last]


def _monitors(data: monitoring.Monitoring, agreement: Doc, services: set[str], last: dt.date) -> bool:
    """Whether the monitoring data has rows (of any month) for what the agreement is measured on."""
    if isinstance(agreement.model, SLA):
        return data.names(services=services)
    return data.names(providers=parties(agreement, last))


def _measured_on(agreement: Doc, services: set[str], last: dt.date) -> str:
    """What monitoring rows must name for the agreement: its services (SLA) or its suppliers (OLA / UA)."""
    if isinstance(agreement.model, SLA):
        return ", ".join(sorted(services)) or "its services (it covers none)"
    return ", ".join(parties(agreement, last)) or "its supplier (it names none)"


def _monitored(sms: Sms, agreement: Doc, target: Target, first: dt.date, last: dt.date,
               data: monitoring.Monitoring, other: TargetResult | None) -> list[TargetResult]:
    """The target's results from monitoring: one per service of an SLA, one per supplier of an OLA / UA."""
    template = bool(getattr(agreement.spec, "signatories", None))
    subjects: list[tuple[str | None, str | None]]  # (service, supplier)
    if isinstance(agreement.model, SLA):
        subjects = [(s, None) for s in (target.services or [s for s, _ in covered(sms, agreement)])]
    else:
        subjects = [(None, p) for p in parties(agreement, last)]
    unmeasurable = _unmeasurable(target, first, last)
    signed = {s.supplier: s.signed_on for s in getattr(agreement.spec, "signatories", None) or ()}
    results = []
    for service, supplier in subjects:
        on = signed.get(supplier) if supplier else None
        problem = unmeasurable
        if problem is None and on is not None and on > first:  # its month's figure counts days before it signed
            problem = (f"not measured: {supplier} signed on {on}, within {first}..{last}; monthly monitoring "
                       "figures cover days before the agreement applied to it")
        if problem:
            results.append(TargetResult(target, None, None, problem, service, supplier if template else None))
            continue
        months = monitoring.months(first.strftime("%Y-%m"), last.strftime("%Y-%m"))
        supported = {s for s, _ in covered(sms, agreement)}
        rows = [(m, data.for_service(service, m) if service else data.for_provider(str(supplier), supported, m))
                for m in months]
        measured, met, detail = monitoring.measure(target, str(service or supplier), rows)
        note = None
        if other is not None:  # both sources: the monitoring system's figure is the agreed measure
            said = f"gives {other.measured:g} %" if other.measured is not None else f"gives no figure ({other.detail})"
            note = (f"outage data was given too and {said} for the agreement over its agreed service time; "
                    "not used: the monitoring data is the source of this agreement's figures")
            detail = f"{detail}; {note}"
        results.append(TargetResult(target, measured, met, detail, service, supplier if template else None,
                                    note if measured is not None else None))
    return results


def _unmeasurable(target: Target, first: dt.date, last: dt.date) -> str | None:
    """Why monthly percentages cannot measure ``target`` over the period, if they cannot."""
    if target.unit != "%":
        return f"not measured: monitoring figures are percentages; the target is in {target.unit}"
    interval = parse_interval(target.period)
    if (interval.years, interval.months, interval.days, interval.seconds) != (0, 1, 0, 0):
        return (f"not measured: the target is over {target.period}; monthly monitoring figures do not add up "
                "to one figure for a longer period (the hours behind each differ)")
    following = last + dt.timedelta(days=1)
    if first.day != 1 or following.day != 1:
        return (f"not measured: monitoring figures are monthly and {first}..{last} is not made of whole months")
    return None


def availability(target: Target, hours: Hours, first: dt.date, last: dt.date,
                 outages: list[OutageRecord]) -> TargetResult:
    """Availability over ``first``..``last``; a target per month (P1M) over several months is measured in each
    month and the least favourable counts, as from monitoring: the average of a quarter would record a month
    below target as met."""
    interval = parse_interval(target.period)
    monthly = (interval.years, interval.months, interval.days, interval.seconds) == (0, 1, 0, 0)
    parts = _months(first, last) if monthly else [(first, last)]
    each = [(a, measure_availability(target, hours, local_period(a, b, hours.timezone), outages)) for a, b in parts]
    if len(each) == 1:
        return each[0][1]
    measured = [(a, r) for a, r in each if r.measured is not None]  # a month without agreed time has no target
    if not measured:
        return TargetResult(target, None, None, "not measured: no agreed service time in the period")
    pick = max if target.sense == "at-most" else min
    month, worst = pick(measured, key=lambda m: m[1].measured or 0.0)
    shown = ", ".join(f"{a:%Y-%m} {r.measured:g} %" if r.measured is not None else f"{a:%Y-%m} no agreed time"
                      for a, r in each)
    return dataclasses.replace(worst, detail=f"least favourable of {len(each)} months: {month:%Y-%m} "
                                             f"({worst.detail}); {shown}")


def _months(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """``first``..``last`` cut at month ends."""
    parts = []
    while first <= last:
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        parts.append((first, min(last, following - dt.timedelta(days=1))))
        first = following
    return parts


def measure_availability(target: Target, hours: Hours, period: Span, outages: list[OutageRecord]) -> TargetResult:
    agreed = agreed_time(hours, period)
    agreed_minutes = minutes(agreed)
    down = minutes(intersect([(o.start, o.end) for o in outages], agreed))
    if agreed_minutes == 0:
        return TargetResult(target, None, None, "not measured: no agreed service time in the period")
    value = round(100 * (agreed_minutes - down) / agreed_minutes, 4)
    detail = f"{agreed_minutes:,.0f} agreed minutes, {down:,.0f} minutes down"
    # planned work is excluded only in the maintenance windows the agreement declares (they are not agreed
    # time); announced or not, work outside them is downtime the customer had been promised service in
    planned = minutes(intersect([(o.start, o.end) for o in outages if o.planned], agreed))
    if planned:
        detail += (f" ({planned:,.0f} of them planned work outside the declared maintenance windows, which counts "
                   "as downtime)")
    if hours.exceptions:  # written as text ("public holidays"): no date to take out, so the record says so
        many = len(hours.exceptions) > 1
        detail += (f"; {len(hours.exceptions)} exception{'s' if many else ''} to the service hours (free text, e.g. "
                   f"public holidays) {'were' if many else 'was'} not taken out of the agreed time")
    return TargetResult(target, value, target.meets(value), detail)


def business_minutes(hours: Hours, start: dt.datetime, end: dt.datetime) -> float:
    """Minutes between ``start`` and ``end`` that fall within ``hours``."""
    if end <= start:
        return 0.0
    return minutes(open_hours(hours, (start, end)))


def _taken(target: Target, hours: Hours, start: dt.datetime, end: dt.datetime) -> float:
    """How long a ticket took, in the target's unit, counting only ``hours``."""
    if target.unit == "working-days":
        taken = working_days_between(start, end, hours)
        # the bisection's last digits must not decide: on time is when due() says so
        return min(taken, target.value) if end <= due(start, target.value, "working-days", hours) else taken
    return business_minutes(hours, start, end) / _UNIT_MINUTES[target.unit]


def _ticket_times(target: Target, hours: Hours, tickets: list[Ticket], newest: dt.datetime | None) -> TargetResult:
    """The slowest of ``tickets`` against ``target``.

    A ticket the data shows still open (no first response, or not resolved) counts from its opening to
    ``newest``, the latest time in the ticket data, which was exported no earlier: past the target by then, it
    is missed whatever happened later; not yet, its outcome is unknown, and so is the target's unless another
    ticket missed it. Skipping open tickets would record a target as met while a ticket was overdue.
    """
    times: list[tuple[float, str]] = []
    late_open: set[str] = set()  # open in the data and already past the target at its newest time
    waiting: list[str] = []  # open in the data, not past the target yet
    for t in tickets:
        end = t.first_response if target.metric == "response-time" else t.resolved
        stop = end if end is not None else newest
        assert stop is not None  # the ticket's own opening time is in the data
        taken = _taken(target, hours, t.opened, stop)
        if end is None:
            if taken <= target.value:
                waiting.append(t.id)
                continue
            late_open.add(t.id)
        times.append((taken, t.id))
    if not times and not waiting:  # no ticket, no time taken: nothing was late, but nothing was measured either
        which = f" of priority {target.priority}" if target.priority else ""
        what = target.metric.replace("-", " ")
        return TargetResult(target, None, None, f"nothing to measure: no tickets{which} in the period in the "
                            f"ticket data, so no {what} to measure", nothing_to_measure=True)
    worst, ticket = max(times, default=(0.0, ""))
    if worst <= target.value and waiting:
        shown = ", ".join(waiting[:3]) + (", …" if len(waiting) > 3 else "")
        return TargetResult(target, None, None, f"not measured: {len(waiting)} ticket(s) still open in the ticket "
                            f"data and not yet past the target ({shown}); evaluate again from an export made "
                            "after they were answered")
    met = worst <= target.value
    # shown to 2 decimals, never rounded across the target: 2.004 working days against 2 is missed
    worst = min(round(worst, 2), target.value) if met else math.ceil(worst * 100) / 100
    closed = {t.id for t in tickets if t.resolved is not None}  # resolved, yet with no first response recorded
    state = "resolved with no first response in the data, counted" if ticket in closed else "still open"
    still = f" ({state} at {newest:%Y-%m-%d %H:%M} UTC, the newest time in the ticket data: at least this)" \
        if ticket in late_open and newest is not None else ""
    return TargetResult(target, worst, met, f"{len(times) + len(waiting)} ticket(s); slowest {ticket}{still}: "
                                            f"{worst:g} {target.unit}")
