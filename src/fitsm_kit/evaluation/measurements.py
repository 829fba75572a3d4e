"""Read outages and tickets: OutageLog documents from the SMS, and CSV exports from monitoring and ticket tools.

CSV columns (a header row is required; extra columns are ignored):

- outages: ``service, component, start, end, planned`` (component may be empty; planned is true/false)
- tickets: ``id, service, priority, opened, first_response, resolved`` (resolved may be empty)

Times are ISO 8601. A time without an offset is read in the time zone given (``--timezone``); without one it
is refused: which zone an export's local times are in is the desk's, not the agreement's, and reading them
as UTC would move every ticket by the offset, quietly.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit.errors import FitsmError, did_you_mean
from fitsm_kit.model.measurement import OutageLog
from fitsm_kit.model.timeline import UTC, aware
from fitsm_kit.sms.index import Sms


@dataclass(frozen=True)
class OutageRecord:
    service: str
    component: str | None
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    planned: bool
    source: str  # file:line, for messages


@dataclass(frozen=True)
class Ticket:
    id: str
    service: str
    priority: str
    opened: dt.datetime
    first_response: dt.datetime | None
    resolved: dt.datetime | None
    source: str
    # the supplier the ticket was passed to (the optional ``supplier`` column), timed from then: such a row
    # measures that supplier's OLA / UA; a row without one, the service desk's SLA response to customers
    supplier: str | None = None


def outages_from_sms(sms: Sms) -> list[OutageRecord]:
    records = []
    for doc in sms.of_kind("OutageLog"):
        assert isinstance(doc.model, OutageLog)
        zone = doc.model.spec.timezone
        declared = "timezone" in doc.model.spec.model_fields_set
        for i, o in enumerate(doc.model.spec.outages or ()):
            if o.start.tzinfo is None and not declared:  # the model's default UTC is no statement of the log's
                raise FitsmError(f"{doc.path}: outage {i + 1} ({o.start.isoformat()}) has no UTC offset and the log "
                                 "declares no spec.timezone; add spec.timezone (the zone its times are in) or write "
                                 "the times with their offset")
            records.append(OutageRecord(o.service, o.component, aware(o.start, zone), aware(o.end, zone),
                                        o.planned, f"{doc.path} (outage {i + 1})"))
    return records


def read_outages_csv(path: Path, zone: str | None) -> list[OutageRecord]:
    records = []
    for line, row in _rows(path, ("service", "start", "end")):
        where = f"{path}:{line}"
        if not row["end"].strip():  # still going on when exported: its downtime is not known yet
            raise FitsmError(f"{where}: the outage has no end; give the time it ended (evaluate a period after "
                             "its outages have ended)")
        start, end = _time(row["start"], zone, where), _time(row["end"], zone, where)
        if end <= start:
            raise FitsmError(f"{where}: the outage ends before it starts")
        planned = (row.get("planned") or "false").strip().lower()
        if planned not in ("true", "false", "yes", "no", "1", "0"):
            raise FitsmError(f"{where}: planned must be true or false, not {planned!r}")
        records.append(OutageRecord(row["service"].strip(), (row.get("component") or "").strip() or None,
                                    start, end, planned in ("true", "yes", "1"), where))
    return records


def read_tickets_csv(path: Path, zone: str | None) -> list[Ticket]:
    tickets = []
    for line, row in _rows(path, ("id", "service", "priority", "opened")):
        where = f"{path}:{line}"
        response, resolved = row.get("first_response") or "", row.get("resolved") or ""
        opened = _time(row["opened"], zone, where)
        times = {name: _time(text, zone, where) if text.strip() else None
                 for name, text in (("first_response", response), ("resolved", resolved))}
        for name, time in times.items():
            if time is not None and time < opened:  # counted as 0 it would be a met target from a wrong export
                raise FitsmError(f"{where}: {name} {time.isoformat()} is before opened {opened.isoformat()}; "
                                 "correct the export (a time before the ticket existed measures nothing)")
        tickets.append(Ticket(row["id"].strip(), row["service"].strip(), row["priority"].strip(), opened,
                              times["first_response"], times["resolved"], where,
                              (row.get("supplier") or "").strip() or None))
    return tickets


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            if not header:
                raise FitsmError(f"{path}: empty; the file needs a header row naming {', '.join(required)}")
            if len(header) == 1 and (sep := next((s for s in ";\t|" if s in header[0]), None)):
                raise FitsmError(f"{path}:1: the header is one column, {header[0]!r}: the file is separated by "
                                 f"{sep!r}; fitsm reads comma-separated CSV, so export it with commas")
            missing = [c for c in required if c not in header]
            if missing:
                raise FitsmError(f"{path}:1: missing column(s) {', '.join(missing)}; "
                                 f"the header must name {', '.join(required)}")
            return [(reader.line_num, {k: v or "" for k, v in row.items() if k}) for row in reader]
    except OSError as err:
        raise FitsmError(f"{path}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise FitsmError(f"{path}: not a readable UTF-8 CSV file ({err})") from None
    except csv.Error as err:
        line = f":{reader.line_num + 1}" if reader is not None else ""
        if "field larger than field limit" in str(err):
            raise FitsmError(f"{path}{line}: a field is longer than {csv.field_size_limit():,} characters; this is "
                             "no ticket or outage export (or its quotes do not close)") from None
        raise FitsmError(f"{path}{line}: not a readable CSV file ({err})") from None


def _time(text: str, zone: str | None, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise FitsmError(f"{where}: {text!r} is not an ISO 8601 date and time such as 2026-10-03T14:05") from None
    if moment.tzinfo is None and zone is None:
        raise FitsmError(f"{where}: {text.strip()!r} has no UTC offset, so which time it is cannot be told; give "
                         "--timezone ZONE (the IANA zone the export's times are in, e.g. Europe/Berlin) or export "
                         "the times with their offset (2026-10-03T14:05:00+02:00)")
    try:
        return aware(moment, zone or "UTC").astimezone(UTC)
    except (ValueError, OverflowError):
        raise FitsmError(f"{where}: {text!r} is not an ISO 8601 date and time such as 2026-10-03T14:05") from None


def refuse_future(outages: list[OutageRecord], tickets: list[Ticket], as_of: dt.date) -> None:
    """Refuse a time after the day that counts as today: data cannot come from the future (and a date such
    as 9999-12-31 is a placeholder, not a measurement)."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), UTC) if as_of < dt.date.max else None
    times = [(o.source, t) for o in outages for t in (o.start, o.end)]
    times += [(t.source, x) for t in tickets for x in (t.opened, t.first_response, t.resolved) if x is not None]
    for where, time in times:
        if end is not None and time >= end + dt.timedelta(days=1):  # a day's slack for time zones
            raise FitsmError(f"{where}: {time.isoformat()} is after {as_of} (--as-of); a measurement cannot come "
                             "from the future. Correct the time, or leave the field empty if it has not happened")


def refuse_strangers(sms: Sms, outages: list[OutageRecord], tickets: list[Ticket], first: dt.date,
                     last: dt.date) -> None:
    """Refuse an outage or a ticket of the period (a day's slack for time zones) that names a service, a
    component of one or a supplier the SMS does not have: it would count for no agreement, and every target would be met
    for want of it (a status page's "Mail" for ``nd-mail``). Rows of other times may name retired services."""
    components = {d.id: {c.id for c in d.spec.components or ()} for d in sms.of_kind("Service")}
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), UTC)
    end = dt.datetime.combine(last, dt.time(), UTC) + dt.timedelta(days=2)
    named = [(o.source, o.service, o.component) for o in outages if o.start < end and o.end > start]
    named += [(t.source, t.service, None) for t in tickets if start <= t.opened < end]
    suppliers = {d.id for d in sms.of_kind("Supplier")}
    for t in tickets:
        if t.supplier is not None and t.supplier not in suppliers and start <= t.opened < end:
            raise FitsmError(f"{t.source}: supplier {t.supplier!r} is no supplier of the SMS"
                             f"{did_you_mean(t.supplier, suppliers)}; write the Supplier's id in the supplier column")
    for where, service, component in named:
        if service not in components:
            raise FitsmError(f"{where}: service {service!r} is no service of the SMS{did_you_mean(service, components)}"
                             "; write the services' SMS ids in the export, or leave out rows of other services "
                             "(a name no agreement covers would leave its outages or tickets uncounted)")
        if component is not None and component not in components[service]:
            raise FitsmError(f"{where}: component {component!r} is no component of service {service}"
                             f"{did_you_mean(component, components[service])}; write the component's id as "
                             "spec.components of the service gives it, or leave the column empty")


def distinct_tickets(tickets: list[Ticket]) -> list[Ticket]:
    """Each ticket once: the same ticket twice with the same fields (an export given again) counts once; with
    other fields (a reopened ticket exported once per resolution) which is right cannot be told."""
    seen: dict[str, Ticket] = {}
    for t in tickets:
        first = seen.setdefault(t.id, t)
        if first is not t and dataclasses.replace(first, source="") != dataclasses.replace(t, source=""):
            raise FitsmError(f"{t.source}: ticket {t.id!r} again, with other fields than at {first.source}; keep one "
                             "row per ticket (a reopened ticket: its first response and its last resolution)")
    return list(seen.values())
