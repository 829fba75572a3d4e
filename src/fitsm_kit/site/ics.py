"""A minimal RFC 5545 (iCalendar) writer: all-day events, CRLF line ends, 75-octet folding, TEXT escaping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from fitsm_kit import __version__

_LIMIT = 75  # octets per line, CRLF excluded (RFC 5545 §3.1)


@dataclass(frozen=True)
class Event:
    uid: str
    date: dt.date
    summary: str
    description: str = ""


def escape(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, _LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, _LIMIT - 1  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def calendar(name: str, events: Iterable[Event], stamp: dt.date) -> str:
    """A VCALENDAR of all-day ``events``; ``stamp`` (the as-of date) is every DTSTAMP, so output is reproducible."""
    dtstamp = f"{stamp:%Y%m%d}T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//fitsm-kit//fitsm render {__version__}//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{escape(event.uid)}", f"DTSTAMP:{dtstamp}",
                  f"DTSTART;VALUE=DATE:{event.date:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{event.date + dt.timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{escape(event.summary)}", "TRANSP:TRANSPARENT"]
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
