"""Durations in working hours and working days, counted in an agreement's support hours.

"Respond within 2 working days" means nothing without the hours that count as working time; an
agreement's ``support.hours`` are those hours. Pure functions over :class:`~fitsm_kit.model.service.Hours`:

- **working hours** count only the time inside the support hours: with Mon–Fri 08:00–18:00, 4 working
  hours from Friday 16:00 end on Monday 10:00.
- **working days** are days with support hours. A time is due the same share into its working day, that
  many working days later: raised on Friday at 17:00 (9 of 10 hours into the day), 2 working days are due
  on Tuesday at 17:00. A time raised outside the support hours starts at the next opening.

Free-text exceptions (public holidays) and planned maintenance are not subtracted: they are not data.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fitsm_kit.model.chain import spans
from fitsm_kit.model.service import Hours
from fitsm_kit.model.timeline import UTC, Span

WORKING_UNITS = ("working-hours", "working-days")
_HORIZON = 366 * 2  # days searched for working time before giving up (hours with no windows cannot occur)


def due(raised: dt.datetime, value: float, unit: str, hours: Hours) -> dt.datetime:
    """When a time of ``value`` ``unit`` (working-hours or working-days) started at ``raised`` runs out.

    ``raised`` must be time-zone aware; the result is in the support hours' time zone.
    """
    if raised.tzinfo is None:
        raise ValueError("raised must be time-zone aware")
    zone = ZoneInfo(hours.timezone)
    if unit == "working-hours":
        return _after_working_time(raised, dt.timedelta(hours=value), hours).astimezone(zone)
    if unit == "working-days":
        return _after_working_days(raised, value, hours).astimezone(zone)
    raise ValueError(f"{unit!r} is not a unit of working time ({', '.join(WORKING_UNITS)})")


def working_days_between(raised: dt.datetime, end: dt.datetime, hours: Hours) -> float:
    """The working days from ``raised`` to ``end``: the least count whose :func:`due` time is not before ``end``.

    The inverse of :func:`due`, found by bisection (due grows with the count), to a millionth of a day.
    """
    if end <= raised:
        return 0.0
    low, high = 0.0, 1.0
    while due(raised, high, "working-days", hours) < end:
        low, high = high, high * 2
    while high - low > 1e-6:
        middle = (low + high) / 2
        if due(raised, middle, "working-days", hours) >= end:
            high = middle
        else:
            low = middle
    return high


def _day(hours: Hours, day: dt.date) -> list[Span]:
    return spans(hours, day, 1)


def _after_working_time(start: dt.datetime, length: dt.timedelta, hours: Hours) -> dt.datetime:
    left = length
    day = start.astimezone(ZoneInfo(hours.timezone)).date() - dt.timedelta(days=1)  # a window from yesterday
    for offset in range(_HORIZON):
        for begin, end in _day(hours, day + dt.timedelta(days=offset)):
            begin = max(begin, start.astimezone(UTC))
            if end <= begin:
                continue
            if end - begin >= left:
                return begin + left
            left -= end - begin
    raise ValueError("the support hours have no working time")


def _after_working_days(start: dt.datetime, count: float, hours: Hours) -> dt.datetime:
    at = start.astimezone(UTC)
    day = start.astimezone(ZoneInfo(hours.timezone)).date()
    windows = _day(hours, day)
    elapsed = sum(((min(end, at) - begin) for begin, end in windows if begin < at), dt.timedelta())
    if elapsed <= dt.timedelta():
        # before the opening (or on a day without support): no working time has passed since the last close
        day = _working_day(hours, day, -1)
        windows = _day(hours, day)
        elapsed = _length(windows)
    whole = int(count)
    if whole:
        day = _working_day(hours, day, whole)
        windows = _day(hours, day)
    landing = _within(windows, min(elapsed, _length(windows)))
    share = count - whole  # a fraction of a day is that fraction of the landing day's working time
    return _after_working_time(landing, share * _length(windows), hours) if share else landing


def _working_day(hours: Hours, day: dt.date, steps: int) -> dt.date:
    """The ``steps``-th day with support hours after ``day`` (before it, for negative steps)."""
    step = 1 if steps > 0 else -1
    found = 0
    for offset in range(1, _HORIZON):
        candidate = day + dt.timedelta(days=offset * step)
        if _day(hours, candidate):
            found += 1
            if found == abs(steps):
                return candidate
    raise ValueError("the support hours have no working days")


def _length(windows: list[Span]) -> dt.timedelta:
    return sum((end - begin for begin, end in windows), dt.timedelta())


def _within(windows: list[Span], into: dt.timedelta) -> dt.datetime:
    """The instant ``into`` working time into a day's ``windows``."""
    for begin, end in windows:
        if end - begin >= into:
            return begin + into
        into -= end - begin
    return windows[-1][1]
