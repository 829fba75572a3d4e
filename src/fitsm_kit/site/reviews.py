"""The review calendar: when each controlled document is due for review, and each agreement in force for
evaluation, and when agreements end.

Every date and every "late" comes from the functions the rules use (:func:`~fitsm_kit.rules.documents.next_review`,
:func:`~fitsm_kit.rules.pr_agreements.next_evaluation`, :func:`~fitsm_kit.rules.pr_common.expired` and
``ctx.overdue``), so the calendar says overdue exactly where ``fitsm check`` reports a finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from fitsm_kit.rules.documents import next_review
from fitsm_kit.rules.pr_agreements import next_evaluation
from fitsm_kit.rules.pr_common import expired
from fitsm_kit.site import ics
from fitsm_kit.site.data import AGREEMENTS, Site, page_of
from fitsm_kit.site.markdown import link
from fitsm_kit.site.page import File, Page
from fitsm_kit.site.paging import paged_table
from fitsm_kit.sms.index import Doc

SOON = dt.timedelta(days=60)  # "upcoming": due within this many days of the as-of date
PAGE = "reviews/index.md"
CALENDAR = "reviews/reviews.ics"
REVIEW, EVALUATION, END = "Review", "Evaluation", "Agreement ends"
# What the rules report: a late review or evaluation (past its date and the grace period), a review never
# made, none planned or recorded ahead of today, an expired agreement.
LATE = ("overdue", "never reviewed", "no interval", "recorded ahead", "expired")


@dataclass(frozen=True)
class Due:
    """One dated obligation: a document review, an agreement's evaluation or its end."""

    doc: Doc
    what: str
    date: dt.date | None  # None: never reviewed, or no planned interval
    state: str  # one of LATE, or "in grace" (past its date, not yet late), "upcoming", "planned"
    after: str | None = None  # an evaluation: the id of the latest one, which the date counts from

    @property
    def late(self) -> bool:
        return self.state in LATE

    def describe(self) -> str:
        """The date and state for a page: "2027-01-20 (planned)", "never reviewed"."""
        return f"{self.date} ({self.state})" if self.date is not None else self.state


def schedule(site: Site) -> list[Due]:
    """Every review, evaluation and agreement end, the late ones first, then by date."""
    items = [d for doc in site.docs.values() if (d := review_due(site, doc)) is not None]
    for doc in site.of_kind(*AGREEMENTS):
        items += [d for d in (evaluation_due(site, doc), end_due(site, doc)) if d is not None]
    return sorted(items, key=lambda d: (not d.late, d.date or site.as_of, d.doc.id, d.what))


def review_due(site: Site, doc: Doc) -> Due | None:
    """The next review of ``doc`` as the review rules count it; None when it is not due for review (a record,
    retired, a draft or in review)."""
    ctx = site.ctx
    review = next_review(doc, ctx)
    if review is None:
        return None
    if review.interval is None:
        return Due(doc, REVIEW, None, "no interval")
    if review.last is None:
        return Due(doc, REVIEW, None, "never reviewed")
    if review.last > site.as_of:
        return Due(doc, REVIEW, review.due, "recorded ahead")
    return Due(doc, REVIEW, review.due, _state(site, review.due, ctx.overdue(review.last, review.interval)))


def evaluation_due(site: Site, doc: Doc) -> Due | None:
    """When an agreement in force is next to be evaluated (rules sla-evaluated, supporting-agreement-evaluated)."""
    evaluation = next_evaluation(doc, site.ctx)
    if evaluation is None:
        return None
    late = site.ctx.overdue(evaluation.since, evaluation.interval)
    return Due(doc, EVALUATION, evaluation.due, _state(site, evaluation.due, late),
               evaluation.last.id if evaluation.last is not None else None)


def end_due(site: Site, doc: Doc) -> Due | None:
    """The end of an agreement's validity while it is in force, or its expiry (rules sla-in-force,
    supporting-agreement-in-force); nothing for an agreement that is not in force for another reason."""
    end = doc.spec.validity.end if doc.spec.validity else None
    if end is None:
        return None
    if expired(doc, site.ctx):
        return Due(doc, END, end, "expired")
    return Due(doc, END, end, _state(site, end, None)) if site.in_force(doc) else None


def _state(site: Site, date: dt.date | None, late: dt.date | None) -> str:
    """``late``: the date the rules found overdue (None: not overdue beyond the grace period)."""
    if late is not None:
        return "overdue"
    if date is None:
        return "planned"
    if date < site.as_of:
        return "in grace"
    return "upcoming" if date <= site.as_of + SOON else "planned"


def rows(site: Site, items: list[Due], page: str) -> list[list[object]]:
    """Table rows: document, kind, what, date, state, owner."""
    return [[link(site.name(d.doc), page_of(d.doc), page), d.doc.kind, d.what,
             d.date.isoformat() if d.date else "—", d.state, site.ref(d.doc.model.metadata.owner, page)]
            for d in items]


HEADERS = ["Document", "Kind", "What", "Due", "State", "Owner"]
_UID = {REVIEW: "review", EVALUATION: "evaluation", END: "end"}


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
        "as_of": site.as_of.isoformat(), "soon": SOON.days, "grace": site.sms.config.grace,
        "late": late_table,
        "ahead": ahead_table,
        "calendar": link("reviews.ics", CALENDAR, PAGE), "count": sum(1 for d in items if d.date),
    }, searchable=False)
    events = [ics.Event(f"{d.doc.id}.{_UID[d.what]}@fitsm-kit", d.date, f"{d.what}: {site.name(d.doc)}",
                        f"{d.doc.kind} {d.doc.id}, owner {d.doc.model.metadata.owner}, {d.state}")
              for d in items if d.date is not None]
    yield File(CALENDAR, ics.calendar(f"{site.title}: reviews", events, site.as_of))
