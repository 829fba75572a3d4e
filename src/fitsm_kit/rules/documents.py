"""Document control rules that apply to every kind (GR2.4), and the review rules other requirements ask for.

A document's last review is the later of its ``metadata.review.last_reviewed`` and its newest review in Git
that counts (a commit naming it in a ``Fitsm-Review`` trailer, judged by
:meth:`~fitsm_kit.gitcontrol.doccontrol.GitHistory.not_counted`); its approval likewise. Without Git
history (none, a shallow clone, switched off) only the document's own dates count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fitsm_kit.gitcontrol.evidence import Event
from fitsm_kit.model.base import Status
from fitsm_kit.model.dates import due_date
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.rules.base import Context, Doc, Problem, approved, rule

_CONTROLLED = tuple(k for k, cls in KINDS.items() if not cls.record)

# Kinds whose review a requirement asks for by name (e.g. GR1.2 for the policy): the rule made by
# reviewed_rule reports a late review, and review-overdue stays silent, so one late review is one finding.
_CLAIMED: set[str] = set()


@dataclass(frozen=True)
class Dated:
    """When a document was last reviewed (or approved), and where that is recorded."""

    on: dt.date
    where: str = ""  # "": in the document's metadata; else the evidence in Git ("Fitsm-Review trailer in 1a2b3c4")

    def __str__(self) -> str:
        return f"{self.on} ({self.where})" if self.where else str(self.on)


def last_reviewed(doc: Doc, ctx: Context) -> Dated | None:
    """The later of ``metadata.review.last_reviewed`` and the newest review of ``doc`` in Git that counts as
    of ``ctx.as_of``; the document's own date on a tie."""
    review = doc.model.metadata.review
    git = ctx.history.last_review(doc.id, ctx.as_of) if ctx.history is not None else None
    return _later(review.last_reviewed if review else None, git)


def last_approved(doc: Doc, ctx: Context) -> Dated | None:
    """The later of ``metadata.approval.approved_on`` and the newest approval of ``doc`` in Git that counts."""
    approval = doc.model.metadata.approval
    git = ctx.history.last_approval(doc.id, ctx.as_of) if ctx.history is not None else None
    return _later(approval.approved_on if approval else None, git)


def settled_on(doc: Doc, ctx: Context) -> Dated | None:
    """When a document was last reviewed or approved, whichever is later."""
    return max((d for d in (last_reviewed(doc, ctx), last_approved(doc, ctx)) if d is not None),
               key=lambda d: d.on, default=None)


def _later(own: dt.date | None, git: Event | None) -> Dated | None:
    if git is not None and (own is None or git.date > own):
        return Dated(git.date, f"{git.how} in {git.commit.sha[:7]}")
    return Dated(own) if own is not None else None


def not_counted(doc: Doc, ctx: Context, after: dt.date | None) -> str:
    """"; … does not count: why" for the newest review of ``doc`` in Git dated after ``after`` (the date the
    rules count from) — a review someone recorded that the rules could not take — else ""."""
    history = ctx.history
    record = history.record(doc.id) if history is not None else None
    if history is None or record is None:
        return ""
    for event in reversed(record.reviews):
        if after is None or event.date > after:
            why = history.not_counted(record, event, ctx.as_of)
            if why:
                return f"; the {event.how} in {event.commit.sha[:7]} on {event.date} does not count: {why}"
    return ""


@dataclass(frozen=True)
class Review:
    """What a controlled document's next review counts from, as the review rules read it."""

    interval: str | None  # the planned interval; None: none planned
    since: Dated | None  # the last review, else the approval; None: never reviewed

    @property
    def last(self) -> dt.date | None:
        return self.since.on if self.since is not None else None

    @property
    def due(self) -> dt.date | None:
        """The day the next review falls due (late once the grace period after it has passed, see ctx.overdue)."""
        return due_date(self.last, self.interval) if self.last is not None and self.interval is not None else None


def next_review(doc: Doc, ctx: Context) -> Review | None:
    """The planned interval and last review of ``doc``; None when it is not due for review at all.

    Only what is approved is in force and due for review: records are dated events, a retired document
    needs no review, and a draft's (or one in review's) review is its approval. The approval starts the
    first interval: a document approved within it is not "never reviewed". Once reviewed, the last review
    counts (a later approval of a new version is not a review). Reviews and approvals in Git count as
    :func:`last_reviewed` and :func:`last_approved` say.
    """
    meta = doc.model.metadata
    if KINDS[doc.kind].record or meta.status in (Status.RETIRED, Status.DRAFT, Status.IN_REVIEW):
        return None
    return Review(ctx.interval(doc), last_reviewed(doc, ctx) or last_approved(doc, ctx))


def review_problems(doc: Doc, ctx: Context, what: str = "") -> Iterator[Problem]:
    """A controlled document's planned review interval is set and its last review is not overdue.

    Retired documents and drafts are not due (:func:`next_review`). An overdue review names the date it
    fell due. ``what`` names the document in the messages (e.g. "scope statement").
    """
    review = next_review(doc, ctx)
    if review is None or not all([ctx.judged(doc, "metadata", "review"), ctx.judged(doc, "metadata", "approval")]):
        return  # a review date, interval or approval cut out reads as none: the review may be due, or not
    of = f" of the {what}" if what else ""
    subject = f"the {what}" if what else "the document"
    interval, last = review.interval, review.last
    if interval is None:
        # else the policy that could not be read, or its default for the kind cut out as invalid, may set it
        if ctx.all_read("Policy") and ctx.none_cut("Policy", "spec", "default_review_intervals", doc.kind):
            yield Problem(doc, ("metadata",), f"no planned review interval{of}",
                          "set metadata.review.interval (e.g. P12M) or a default for this kind")
        return
    git = ", nor a review or approval in Git that counts" if ctx.history is not None else ""
    if last is None:
        yield Problem(doc, ("metadata", "review"), f"{subject} was never reviewed: no metadata.review.last_reviewed "
                      f"and no approval date{git}{not_counted(doc, ctx, None)}")
    elif last > ctx.as_of:
        yield Problem(doc, ("metadata", "review", "last_reviewed"), f"last reviewed or approved {last}, after "
                      f"today ({ctx.as_of}): a review cannot be recorded ahead", "record the date it took place")
    elif (due := ctx.overdue(last, interval)) is not None:
        yield Problem(doc, ("metadata", "review", "last_reviewed"),
                      f"review{of} overdue: last reviewed {review.since}, interval {interval}, fell due {due}"
                      f"{not_counted(doc, ctx, last)}")


def reviewed_rule(requirement: str, name: str, kinds: tuple[str, ...], what: str, *, why: str = "",
                  where: Callable[[Doc], bool] | None = None, gate: tuple[str, ...] = ()) -> None:
    """Register rule ``name``: each ``what`` (a document of ``kinds``, if ``where``) is reviewed at its interval.

    ``why`` says why ``requirement`` asks for the review. The kinds are claimed from ``review-overdue``, so
    a late review is one finding, under the requirement that names it. ``gate``: the field ``where`` reads; cut
    out, it reads as its default, and the rule holds back for the document (:meth:`Context.judged`).
    """
    _CLAIMED.update(kinds)

    def check(doc: Doc, ctx: Context) -> Iterator[Problem]:
        if gate and not ctx.judged(doc, *gate):
            return
        if where is None or where(doc):
            yield from review_problems(doc, ctx, what)

    check.__name__ = name.replace("-", "_")
    check.__doc__ = (f"Every {what} is reviewed at its planned interval.\n\n{why + ' ' if why else ''}"
                     "The interval is the document's metadata.review.interval, else the default for its kind "
                     "in fitsm.yaml or the service management policy; the last review "
                     "(metadata.review.last_reviewed, or a later review recorded in Git by a Fitsm-Review "
                     "trailer that counts) must lie within the interval plus the grace period as of --as-of. A "
                     "late review names the date it fell due, and the commit when that date came from Git.")
    rule(requirement, name, kinds=kinds, history=True, evidence=approved(*kinds), fix=f"review the {what}, then "
         "set metadata.review.last_reviewed to the review date (and metadata.review.interval if it has none)")(check)


@rule("GR2.4", "review-overdue", kinds=_CONTROLLED, history=True, evidence=approved(*_CONTROLLED),
      fix="review the document, then set metadata.review.last_reviewed to the review date")
def review_overdue(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every controlled document has a planned review interval and was reviewed within it.

    The interval is the document's own ``metadata.review.interval``, else the default for its kind
    from ``fitsm.yaml`` or the service management policy. A review is late once the interval plus the
    configured grace period has passed as of ``--as-of``; the finding names the date it fell due.
    The last review is ``metadata.review.last_reviewed``, or a later review recorded in Git: a commit on
    the default branch that names the document in a ``Fitsm-Review:`` trailer (``fitsm review --commit``),
    by a Person of the SMS, signed by their key when ``document_control.require_signed_approvals`` is
    set, dated no later than ``--as-of`` (the finding names its commit). Never reviewed, the approval
    (``metadata.approval.approved_on`` or an approval in Git) starts the first interval.
    Retired documents need no review. Records (reviews, evaluations, deliveries) are dated events and
    have no review. Where a requirement asks for a document's review by name — the policy (GR1.2),
    the scope statement (GR3.2), the plans (GR4.1, GR4.2), agreements (PR2.2, PR2.4) and the plans and
    policies of PR4–PR6 — that requirement's rule reports it instead, so a late review is one finding.
    """
    if doc.kind in _CLAIMED:
        return
    yield from review_problems(doc, ctx)


@rule("GR2.4", "approved-has-approval", kinds=tuple(KINDS), history=True, evidence=approved(*KINDS),
      fix="add metadata.approval with approved_by and approved_on, or set status to draft")
def approved_has_approval(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A document with ``status: approved`` records who approved it and when.

    GR2.4 asks that documented information be controlled, starting with "creation and approval".
    Evidence: ``metadata.approval`` with ``approved_by`` (a Person) and ``approved_on``, or an approval
    of it recorded in Git (``approved-in-git`` judges that one).
    """
    meta = doc.model.metadata
    # an approval cut out as invalid (a date written with a time) is recorded, and reported where it is wrong
    if meta.status is not Status.APPROVED or meta.approval is not None or doc.incomplete("metadata", "approval"):
        return
    record = ctx.history.record(doc.id) if ctx.history is not None else None
    # an approval waiting on this branch for its merge is recorded; approval-pending says it does not count yet
    if not (record and (record.approvals or record.waiting)):
        yield Problem(doc, ("metadata", "status"), "status is approved but no approval is recorded")
