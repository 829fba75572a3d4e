"""The arithmetic of the agreement chain: can the supporting agreements (OLAs / UAs) carry an SLA?

Pure functions, no SMS lookups: the rules in ``rules/pr_chain.py`` find which agreements stand behind
which SLA and hand the numbers here.

- **Availability** of components in series is the product of their availabilities (99.5 % × 99.95 %
  = 99.45 %); a service whose critical components are agreed with that product cannot promise more.
  A component run by *k of n* parallel providers (a federation's resource centres) is available while
  at least *k* of them are (:func:`k_of_n`). Reliability composes the same way.
- **Hours**: weekly windows in a time zone (windows past midnight included) are turned into real
  instants, so a window in ``America/New_York`` is compared with one in ``Europe/Berlin`` as the
  clocks really stand, daylight saving time included. Two schedules in the same zone are compared over
  one week; in different zones over a year, because the zones switch to and from summer time on
  different days. The interval arithmetic is shared with ``fitsm evaluate``
  (:mod:`fitsm_kit.model.timeline`).
- **Times** (response, resolution) are compared in minutes; a day is 24 hours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fitsm_kit.model.service import Hours, Target
from fitsm_kit.model.timeline import UTC, Span, subtract, union

MINUTES = {"minutes": 1, "hours": 60, "days": 24 * 60}
TIME_METRICS = ("response-time", "resolution-time")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def compose(availabilities: Iterable[float]) -> float:
    """Availability in percent of components in series: the product of their availabilities."""
    product = 1.0
    for percent in availabilities:
        product *= percent / 100
    return product * 100


def k_of_n(availabilities: Sequence[float], k: int) -> float:
    """Availability in percent of ``k`` of ``n`` parallel providers: the chance that at least ``k`` are up.

    Providers fail independently; each one's availability may differ (a Poisson binomial). Two of three
    providers at 95 % each: 3 × 0.95² × 0.05 + 0.95³ = 99.275 %. One of n is plain redundancy, n of n is
    a series chain.
    """
    if not 1 <= k <= len(availabilities):
        raise ValueError(f"k = {k} of {len(availabilities)} providers")
    up = [1.0]  # up[j]: the chance that exactly j of the providers seen so far are available
    for percent_ in availabilities:
        p = percent_ / 100
        up = [(up[j] if j < len(up) else 0.0) * (1 - p) + (up[j - 1] * p if j else 0.0) for j in range(len(up) + 1)]
    return sum(up[k:]) * 100


def percent(value: float, *, below: float | None = None) -> str:
    """``value`` as a percentage for a message: ``99.5``, ``99.95``; truncated when shown beside ``below``.

    A composed availability is truncated to two decimals so that a shortfall never reads as equal to or
    above the target it misses (99.4999 against 99.5 shows as 99.49).
    """
    if below is not None:
        value = math.floor(value * 100 + 1e-9) / 100
    return f"{value:.4f}".rstrip("0").rstrip(".")


def to_minutes(value: float, unit: str) -> float | None:
    """A duration in minutes, or None when ``unit`` is not a unit of time."""
    factor = MINUTES.get(unit)
    return None if factor is None else value * factor


def slower(required: Target, offered: Iterable[Target]) -> list[Target]:
    """The ``offered`` targets of the same time metric and priority that promise longer than ``required``.

    Targets without a priority match every priority. Targets not in minutes, hours or days are skipped,
    except offered working hours, which last at least as many clock hours (8 working hours are slower
    than 4 hours); a required time in working units is not compared.
    """
    limit = to_minutes(required.value, required.unit)
    if required.metric not in TIME_METRICS or limit is None:
        return []
    found = []
    for target in offered:
        if target.metric != required.metric:
            continue
        if required.priority and target.priority and target.priority != required.priority:
            continue
        minutes = to_minutes(target.value, target.unit)
        if minutes is None and target.unit == "working-hours":
            minutes = target.value * 60  # working hours last at least as long as clock hours: a sure lower bound
        if minutes is not None and minutes > limit + 1e-9:
            found.append(target)
    return found


def spans(hours: Hours, start: dt.date, days: int) -> list[Span]:
    """The instants (in UTC) ``hours`` covers on the local dates ``start`` … ``start + days - 1``.

    A window whose end is not after its start runs past midnight; ``24:00`` is the next midnight.
    """
    zone = ZoneInfo(hours.timezone)
    if hours.always:
        first = dt.datetime.combine(start, dt.time(), zone)
        return [(first.astimezone(UTC), (first + dt.timedelta(days=days)).astimezone(UTC))]
    found = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        for window in hours.windows:
            if _WEEKDAYS[day.weekday()] not in window.days:
                continue
            begin = dt.datetime.combine(day, _clock(window.start), zone)
            end_day = day if window.end != "24:00" and window.end > window.start else day + dt.timedelta(days=1)
            end = dt.datetime.combine(end_day, _clock(window.end), zone)
            found.append((begin.astimezone(UTC), end.astimezone(UTC)))
    return union(found)


def _clock(hhmm: str) -> dt.time:
    hour, minute = int(hhmm[:2]), int(hhmm[3:])
    return dt.time(0, 0) if hour == 24 else dt.time(hour, minute)


@dataclass(frozen=True)
class Coverage:
    """Where ``offered`` hours leave ``required`` hours uncovered, over the dates compared."""

    gaps: list[Span]
    timezone: str
    weeks: int

    @property
    def hours_per_week(self) -> float:
        seconds = sum((end - begin).total_seconds() for begin, end in self.gaps)
        return seconds / 3600 / self.weeks

    def first_gap(self) -> str:
        """The first gap in the required hours' time zone, e.g. ``Sat 2026-11-28 00:00–24:00 Europe/Berlin``."""
        zone = ZoneInfo(self.timezone)
        begin, end = (t.astimezone(zone) for t in self.gaps[0])
        if end.date() == begin.date():
            until = end.strftime("%H:%M")
        elif end.time() == dt.time() and end.date() == begin.date() + dt.timedelta(days=1):
            until = "24:00"
        else:
            until = end.strftime("%a %Y-%m-%d %H:%M")
        return f"{begin.strftime('%a %Y-%m-%d %H:%M')}–{until} {self.timezone}"


def coverage(required: Hours, offered: Hours, start: dt.date) -> Coverage:
    """Compare ``offered`` with ``required`` hours from the Monday of ``start``'s week.

    In the same time zone one week is enough; in different zones a year (53 weeks) is compared.
    Required hours are taken on those local dates; offered hours a day either side, so a window that
    begins the evening before in another zone still counts.
    """
    monday = start - dt.timedelta(days=start.weekday())
    weeks = 1 if required.always or offered.always or required.timezone == offered.timezone else 53
    wanted = spans(required, monday, 7 * weeks)
    if offered.always:
        return Coverage([], required.timezone, weeks)
    available = spans(offered, monday - dt.timedelta(days=1), 7 * weeks + 2)
    return Coverage(subtract(wanted, available), required.timezone, weeks)


def describe(hours: Hours) -> str:
    """Hours in a few words: ``always``, or ``mon–fri 07:00–19:00 Europe/Berlin``."""
    if hours.always:
        return f"always ({hours.timezone})"
    parts = [f"{_days(w.days)} {w.start}–{w.end}" for w in hours.windows]
    return f"{', '.join(parts)} {hours.timezone}"


def _days(days: Sequence[str]) -> str:
    indices = sorted(_WEEKDAYS.index(d) for d in set(days))
    if len(indices) > 2 and indices == list(range(indices[0], indices[-1] + 1)):
        return f"{_WEEKDAYS[indices[0]]}–{_WEEKDAYS[indices[-1]]}"
    return ",".join(_WEEKDAYS[i] for i in indices)
