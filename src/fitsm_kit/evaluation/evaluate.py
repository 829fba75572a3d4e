"""Evaluate SLA / OLA / UA targets for a period from outages and tickets (FitSM PR2.3, PR2.5).

Availability follows FitSM-0: (agreed service time − downtime during service time) / agreed service time.
Agreed service time is the agreement's service hours within the period, in its time zone, less its
declared maintenance windows; outages outside it do not count and overlapping outages count once.
Response and resolution times count only support hours; a target is met when the slowest ticket of
its priority is within it. Days are 24 hours of counted time; working hours and working days count the
support hours as :mod:`fitsm_kit.model.workingtime` does (2 working days from Friday 17:00 end on Tuesday
17:00 with Mon–Fri 08–18). A target this command cannot measure gets a not-measured result saying why.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from fitsm_kit.evaluation.measurements import OutageRecord, Ticket
from fitsm_kit.model.service import SLA, AgreementSpec, Hours, Target
from fitsm_kit.model.timeline import Span, agreed_time, intersect, local_period, minutes, open_hours
from fitsm_kit.model.workingtime import WORKING_UNITS, due, working_days_between
from fitsm_kit.rules.pr_agreements import sla_services
from fitsm_kit.sms.index import Doc, Sms

_UNIT_MINUTES = {"minutes": 1.0, "hours": 60.0, "days": 1440.0, "working-hours": 60.0}
_TIME_UNITS = (*_UNIT_MINUTES, "working-days")


@dataclass(frozen=True)
class TargetResult:
    target: Target
    measured: float | None  # None: nothing to measure (no tickets of that priority, or no data)
    met: bool | None  # None: not measured, for want of data (detail says why)
    detail: str


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


def evaluate(sms: Sms, agreement: Doc, first: dt.date, last: dt.date,
             outages: list[OutageRecord] | None, tickets: list[Ticket] | None) -> Evaluation:
    """Each target of ``agreement`` for the period; ``None`` data (no source at all) leaves a target not
    measured: absence of data is never a met target."""
    spec: AgreementSpec = agreement.spec
    if spec.service_hours is None or spec.support is None or not spec.targets:
        return Evaluation(agreement, first, last, ())  # nothing agreed to measure against (reported by check)
    scope = covered(sms, agreement)
    services = {service for service, _ in scope}
    relevant = [o for o in outages or [] if any(o.service == s and (c is None or o.component == c)
                                                for s, c in scope)]
    period = local_period(first, last, spec.service_hours.timezone)
    results = []
    for target in spec.targets:
        if target.metric == "availability":
            if outages is None:
                results.append(TargetResult(target, None, None, NO_OUTAGE_DATA))
                continue
            results.append(measure_availability(target, spec.service_hours, period, relevant))
        elif target.metric in ("response-time", "resolution-time") and target.unit in _TIME_UNITS:
            if tickets is None:
                results.append(TargetResult(target, None, None, NO_TICKET_DATA))
                continue
            if target.unit in WORKING_UNITS and spec.support.hours is None:
                results.append(TargetResult(target, None, None, "not measured: working time needs the agreement's "
                                            "support hours (spec.support.hours)"))
                continue
            hours = spec.support.hours or spec.service_hours
            mine = [t for t in tickets if t.service in services and t.opened >= period[0] and t.opened < period[1]
                    and (target.priority is None or t.priority == target.priority)]
            results.append(_ticket_times(target, hours, mine))
        else:
            results.append(TargetResult(target, None, None, f"not measured: fitsm evaluate has no data for a "
                                        f"{target.metric} target in {target.unit}"))
    return Evaluation(agreement, first, last, tuple(results))


def measure_availability(target: Target, hours: Hours, period: Span, outages: list[OutageRecord]) -> TargetResult:
    agreed = agreed_time(hours, period)
    agreed_minutes = minutes(agreed)
    down = minutes(intersect([(o.start, o.end) for o in outages], agreed))
    if agreed_minutes == 0:
        return TargetResult(target, None, None, "not measured: no agreed service time in the period")
    value = round(100 * (agreed_minutes - down) / agreed_minutes, 4)
    detail = f"{agreed_minutes:,.0f} agreed minutes, {down:,.0f} minutes down"
    return TargetResult(target, value, value >= target.value, detail)


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


def _ticket_times(target: Target, hours: Hours, tickets: list[Ticket]) -> TargetResult:
    times = []
    for t in tickets:
        end = t.first_response if target.metric == "response-time" else t.resolved
        if end is not None:
            times.append((_taken(target, hours, t.opened, end), t.id))
    if not times:  # the ticket data holds none: nothing was late, but nothing was measured either
        which = f" of priority {target.priority}" if target.priority else ""
        return TargetResult(target, None, True, f"no tickets{which} in the period in the ticket data")
    worst, ticket = max(times)
    met = worst <= target.value
    # shown to 2 decimals, never rounded across the target: 2.004 working days against 2 is missed
    worst = min(round(worst, 2), target.value) if met else math.ceil(worst * 100) / 100
    return TargetResult(target, worst, met,
                        f"{len(times)} ticket(s); slowest {ticket}: {worst:g} {target.unit}")
