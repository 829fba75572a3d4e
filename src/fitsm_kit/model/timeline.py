"""Time as sets of intervals: agreed service time, outages, and how they intersect.

All intervals are half-open ``[start, end)`` pairs of aware UTC datetimes. Weekly windows are laid out in
the agreement's own time zone day by day, so daylight-saving changes fall where they really happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from fitsm_kit.model.service import Hours

Span = tuple[dt.datetime, dt.datetime]
UTC = dt.timezone.utc
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def union(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same time (overlapping outages count once)."""
    merged: list[Span] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect(a: Iterable[Span], b: Iterable[Span]) -> list[Span]:
    """The time in both ``a`` and ``b``."""
    left, right = union(a), union(b)
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start, end = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if start < end:
            out.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Iterable[Span], b: Iterable[Span]) -> list[Span]:
    """The time in ``a`` but not in ``b``."""
    out: list[Span] = []
    holes = union(b)
    for start, end in union(a):
        cursor = start
        for h_start, h_end in holes:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                out.append((cursor, h_start))
            cursor = max(cursor, h_end)
        if cursor < end:
            out.append((cursor, end))
    return out


def minutes(spans: Iterable[Span]) -> float:
    return sum((end - start).total_seconds() for start, end in union(spans)) / 60


def aware(moment: dt.datetime, zone: str) -> dt.datetime:
    """A datetime in UTC; naive ones are read in ``zone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def local_period(first: dt.date, last: dt.date, zone: str) -> Span:
    """From local midnight of ``first`` to local midnight after ``last``."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def open_hours(hours: Hours, period: Span) -> list[Span]:
    """When ``hours`` are in force within ``period`` (maintenance windows not yet removed)."""
    if hours.always:
        return [period]
    tz = ZoneInfo(hours.timezone)
    day = period[0].astimezone(tz).date() - dt.timedelta(days=1)
    last = period[1].astimezone(tz).date()
    spans: list[Span] = []
    while day <= last:
        for window in hours.windows:
            if _DAYS[day.weekday()] in window.days:
                start, end = _at(day, window.start, tz), _at(day, window.end, tz)
                if end <= start:  # an overnight window (22:00-06:00) ends the next day
                    end = _at(day + dt.timedelta(days=1), window.end, tz)
                spans.append((start, end))
        day += dt.timedelta(days=1)
    return intersect(spans, [period])


def agreed_time(hours: Hours, period: Span) -> list[Span]:
    """Agreed service time: service hours within the period, less the declared maintenance windows."""
    maintenance = [(aware(m.start, hours.timezone), aware(m.end, hours.timezone)) for m in hours.maintenance]
    return subtract(open_hours(hours, period), maintenance)


def _at(day: dt.date, hhmm: str, tz: ZoneInfo) -> dt.datetime:
    if hhmm == "24:00":
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz).astimezone(UTC)
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tz).astimezone(UTC)
