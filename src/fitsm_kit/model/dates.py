"""ISO-8601 durations (``P12M``, ``P1Y6M``, ``P2W``, ``P30D``, ``PT8H``, ``P1DT12H``) and date arithmetic on them."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

# The digits each part of a duration may have: enough for any planned interval, and bounded so that no
# duration within them is longer than date arithmetic can take (all at their maximum: about 640 years).
# The checker and the published schemas use the same bounds, so an editor accepts exactly what it does.
_DATE_PARTS = (("Y", 2), ("M", 3), ("W", 3), ("D", 5))
_TIME_PARTS = (("H", 6), ("M", 7), ("S", 9))


def _some_of(parts: tuple[tuple[str, int], ...]) -> str:
    """A regex for one or more of ``parts`` in order, each with its number (no look-ahead: Rust, JS, Python)."""
    alternatives = []
    for i, (unit, digits) in enumerate(parts):
        rest = "".join(f"([0-9]{{1,{d}}}{u})?" for u, d in parts[i + 1:])
        alternatives.append(f"[0-9]{{1,{digits}}}{unit}{rest}")
    return f"({'|'.join(alternatives)})"


_FORM = re.compile(r"P(?!\Z)(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?"
                   r"(?:T(?!\Z)(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?\Z")
# What the checker accepts and the published schemas say: a bare "P" or "PT" is no duration.
DURATION_PATTERN = f"^P({_some_of(_DATE_PARTS)}(T{_some_of(_TIME_PARTS)})?|T{_some_of(_TIME_PARTS)})$"
_BOUNDED = re.compile(DURATION_PATTERN)
_LIMITS = ", ".join(f"{'9' * digits}{unit}" for unit, digits in _DATE_PARTS) + ", T" + \
    ", ".join(f"{'9' * digits}{unit}" for unit, digits in _TIME_PARTS)

# Dates and date-times as the checker (pydantic) reads them, as JSON Schema patterns for editors: a real
# calendar day (29 February only in leap years), a time with optional seconds, an optional UTC offset
# (the checker reads a date-time without one in the document's time zone, so "format: date-time",
# which requires an offset, would flag what the checker accepts).
_YEAR = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_MONTH_DAY = "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
_LEAP_DAY = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29"
_DATE = f"({_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})"
DATE_PATTERN = f"^{_DATE}$"
_TIME = "[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?"
_OFFSET = "([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
DATETIME_PATTERN = f"^{_DATE}{_TIME}{_OFFSET}?$"
# Either kind alone, for rules that need both values of a pair alike.
NAIVE_DATETIME_PATTERN = f"^{_DATE}{_TIME}$"
AWARE_DATETIME_PATTERN = f"^{_DATE}{_TIME}{_OFFSET}$"
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
    if not isinstance(text, str):
        raise ValueError(_not_a_duration(text))
    return _parse_interval(text)


def _not_a_duration(text: object) -> str:
    return f"{text!r} is not an ISO-8601 duration such as P12M, P1Y, P2W, P30D or PT8H"


# A check parses the same few intervals (P12M, the grace period) tens of thousands of times, once per
# document validated and per date a rule computes; an Interval is immutable, so each text is parsed once.
@functools.lru_cache(maxsize=1024)
def _parse_interval(text: str) -> Interval:
    match = _FORM.match(text) if len(text) <= 64 else None
    if not match:
        raise ValueError(_not_a_duration(text))
    if not _BOUNDED.match(text):
        raise ValueError(f"{text!r} has more digits than a planned interval needs (at most {_LIMITS})")
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
# The pattern is for editors only: _check_interval applies the same one with a message that helps.
IsoDuration = Annotated[str, BeforeValidator(as_text), AfterValidator(_check_interval),
                        Field(json_schema_extra={"pattern": DURATION_PATTERN}, examples=["P12M"])]
