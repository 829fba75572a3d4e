"""The review calendar: when each controlled document is due for review and when agreements end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from fitsm_kit.model.base import Status
from fitsm_kit.model.dates import due_date
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.site import ics
from fitsm_kit.site.data import AGREEMENTS, Site, page_of
from fitsm_kit.site.markdown import link
from fitsm_kit.site.page import File, Page
from fitsm_kit.site.paging import paged_table
from fitsm_kit.sms.index import Doc

SOON = dt.timedelta(days=60)  # "upcoming": due within this many days of the as-of date
PAGE = "reviews/index.md"
CALENDAR = "reviews/reviews.ics"


@dataclass(frozen=True)
class Due:
    """One dated obligation: a document review or the end of an agreement."""

    doc: Doc
    what: str
    date: dt.date | None  # None: never reviewed, or no planned interval
    state: str  # overdue, upcoming, planned, never reviewed, no interval, expired

    @property
    def late(self) -> bool:
        return self.state in ("overdue", "expired", "never reviewed", "no interval")


def schedule(site: Site) -> list[Due]:
    """Every review and agreement end, the late ones first, then by date."""
    items = list(_reviews(site)) + list(_agreement_ends(site))
    return sorted(items, key=lambda d: (not d.late, d.date or site.as_of, d.doc.id, d.what))


def _reviews(site: Site) -> Iterator[Due]:
    ctx = site.ctx
    for doc in site.docs.values():
        meta = doc.model.metadata
        if KINDS[doc.kind].record or meta.status is Status.RETIRED:
            continue
        interval = ctx.interval(doc)
        last = meta.review.last_reviewed if meta.review else None
        if interval is None:
            yield Due(doc, "Review", None, "no interval")
        elif last is None:
            yield Due(doc, "Review", None, "never reviewed")
        else:
            due = due_date(last, interval)
            yield Due(doc, "Review", due, _state(due, site.as_of, "overdue"))


def _agreement_ends(site: Site) -> Iterator[Due]:
    for doc in site.of_kind(*AGREEMENTS):
        end = doc.spec.validity.end if doc.spec.validity else None
        if end is not None and doc.model.metadata.status is not Status.RETIRED:
            yield Due(doc, "Agreement ends", end, _state(end, site.as_of, "expired"))


def _state(date: dt.date, as_of: dt.date, late: str) -> str:
    if date < as_of:
        return late
    return "upcoming" if date <= as_of + SOON else "planned"


def rows(site: Site, items: list[Due], page: str) -> list[list[object]]:
    """Table rows: document, kind, what, date, state, owner."""
    return [[link(site.name(d.doc), page_of(d.doc), page), d.doc.kind, d.what,
             d.date.isoformat() if d.date else "—", d.state, site.ref(d.doc.model.metadata.owner, page)]
            for d in items]


HEADERS = ["Document", "Kind", "What", "Due", "State", "Owner"]


def pages(site: Site, items: list[Due]) -> Iterator[Page | File]:
    """The calendar page and the subscribable .ics file."""
    late = [d for d in items if d.late]
    ahead = [d for d in items if not d.late]

    def row(d: Due, page: str) -> list[object]:
        return rows(site, [d], page)[0]

    late_table, late_pages = paged_table(late, row, HEADERS, PAGE, "late", "Overdue or not planned",
                                         "Nothing is overdue.")
    ahead_table, ahead_pages = paged_table(ahead, row, HEADERS, PAGE, "coming", "Coming up", "Nothing is planned.")
    yield from late_pages
    yield from ahead_pages
    yield Page(PAGE, "Review calendar", "reviews.md.j2", {
        "as_of": site.as_of.isoformat(), "soon": SOON.days,
        "late": late_table,
        "ahead": ahead_table,
        "calendar": link("reviews.ics", CALENDAR, PAGE), "count": sum(1 for d in items if d.date),
    }, searchable=False)
    events = [ics.Event(f"{d.doc.id}.{'review' if d.what == 'Review' else 'end'}@fitsm-kit", d.date,
                        f"{d.what}: {site.name(d.doc)}",
                        f"{d.doc.kind} {d.doc.id}, owner {d.doc.model.metadata.owner}, {d.state}")
              for d in items if d.date is not None]
    yield File(CALENDAR, ics.calendar(f"{site.title}: reviews", events, site.as_of))

