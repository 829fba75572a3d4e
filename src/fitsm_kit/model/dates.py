"""ISO-8601 durations (``P12M``, ``P1Y6M``, ``P2W``, ``P30D``) and date arithmetic on them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
# No look-ahead here: pydantic-core and editors use this one (parse_interval rejects a bare "P").
DURATION_PATTERN = r"^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$"


@dataclass(frozen=True)
class Interval:
    """A calendar interval: months are calendar months, not 30 days."""

    years: int = 0
    months: int = 0
    days: int = 0

    def after(self, start: dt.date) -> dt.date:
        """The date this interval after ``start`` (Jan 31 + P1M = Feb 28/29)."""
        months = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) + dt.timedelta(days=self.days)

    def before(self, end: dt.date) -> dt.date:
        """The date this interval before ``end``."""
        months = end.month - 1 - self.months - 12 * self.years
        year, month = end.year + months // 12, months % 12 + 1
        day = min(end.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) - dt.timedelta(days=self.days)


def parse_interval(text: str) -> Interval:
    """Parse an ISO-8601 date duration; raise ValueError with a hint when it is not one."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an ISO-8601 duration such as P12M, P1Y, P2W or P30D")
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return Interval(years, months, 7 * weeks + days)


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
