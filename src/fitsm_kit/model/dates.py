"""ISO-8601 durations (``P12M``, ``P1Y6M``, ``P2W``, ``P30D``, ``PT8H``, ``P1DT12H``) and date arithmetic on them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

_DURATION = re.compile(r"P(?!\Z)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?!\Z)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z")
# No look-ahead here: pydantic-core and editors use this one (parse_interval rejects a bare "P" or "PT").
DURATION_PATTERN = r"^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+S)?)?$"
_REFERENCE = dt.datetime(2000, 1, 1)  # where durations are laid out to compare them and to check their size


@dataclass(frozen=True)
class Interval:
    """A calendar interval: months are calendar months, not 30 days."""

    years: int = 0
    months: int = 0
    days: int = 0
    seconds: int = 0  # the time part (PT8H): what is below a day is kept exactly, not rounded to days

    def after(self, start: dt.date) -> dt.date:
        """The date this interval after ``start`` (Jan 31 + P1M = Feb 28/29); a time part counts in whole days."""
        months = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) + dt.timedelta(days=self.days + self.seconds // 86400)

    def before(self, end: dt.date) -> dt.date:
        """The date this interval before ``end``."""
        months = end.month - 1 - self.months - 12 * self.years
        year, month = end.year + months // 12, months % 12 + 1
        day = min(end.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) - dt.timedelta(days=self.days + self.seconds // 86400)

    def length(self) -> dt.timedelta:
        """How long the interval is, laid out from 1 January 2000: P1M is 31 days, PT36H more than P1D.

        One reference start makes every pair of durations comparable (month-, day- and hour-based).
        """
        end = dt.datetime.combine(self.after(_REFERENCE.date()), _REFERENCE.time())
        return end - _REFERENCE + dt.timedelta(seconds=self.seconds % 86400)


def parse_interval(text: str) -> Interval:
    """Parse an ISO-8601 date duration; raise ValueError with a hint when it is not one."""
    match = _DURATION.match(text) if isinstance(text, str) and len(text) <= 40 else None
    if not match:
        raise ValueError(f"{text!r} is not an ISO-8601 duration such as P12M, P1Y, P2W, P30D or PT8H")
    years, months, weeks, days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    interval = Interval(years, months, 7 * weeks + days, 3600 * hours + 60 * minutes + seconds)
    try:
        interval.length()
    except (OverflowError, ValueError):  # past year 9999: no date arithmetic can use it
        raise ValueError(f"{text!r} is longer than any planned interval can be (more than 1000 years)") from None
    if interval.length() > dt.timedelta(days=366_000):
        raise ValueError(f"{text!r} is longer than any planned interval can be (more than 1000 years)")
    return interval


def due_date(last: dt.date, interval: str) -> dt.date:
    """When the next occurrence after ``last`` falls due."""
    return parse_interval(interval).after(last)


def as_text(value: Any) -> Any:
    """A scalar as written: the loader keeps the source of numbers, so ``version: 1.10`` stays "1.10"."""
    source = getattr(value, "source", None)
    return source if isinstance(source, str) else value


def _check_interval(value: str) -> str:
    parse_interval(value)
    return value


# Lives here rather than in model/ so that the configuration can use it without importing every kind.
IsoDuration = Annotated[str, BeforeValidator(as_text), AfterValidator(_check_interval),
                        Field(pattern=DURATION_PATTERN, examples=["P12M"])]
