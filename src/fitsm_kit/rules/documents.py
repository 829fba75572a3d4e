"""Document control rules that apply to every kind (GR2.4)."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model import KINDS
from fitsm_kit.model.base import Status
from fitsm_kit.rules.base import Context, Doc, Problem, rule

_CONTROLLED = tuple(k for k, cls in KINDS.items() if not cls.record)


@rule("GR2.4", "review-overdue", kinds=_CONTROLLED,
      fix="review the document, then set metadata.review.last_reviewed to the review date")
def review_overdue(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every controlled document has a planned review interval and was reviewed within it.

    The interval is the document's own ``metadata.review.interval``, else the default for its kind
    from ``fitsm.yaml`` or the service management policy. A review is late once the interval plus the
    configured grace period has passed as of ``--as-of``. Retired documents need no review.
    """
    meta = doc.model.metadata
    if meta.status is Status.RETIRED:
        return
    interval = ctx.interval(doc)
    if interval is None:
        yield Problem(doc, ("metadata",), "no planned review interval",
                      "set metadata.review.interval (e.g. P12M) or a default for this kind")
        return
    last = meta.review.last_reviewed if meta.review else None
    if last is None:
        yield Problem(doc, ("metadata", "review"), "never reviewed: no metadata.review.last_reviewed")
    elif (due := ctx.overdue(last, interval)) is not None:
        yield Problem(doc, ("metadata", "review", "last_reviewed"),
                      f"review overdue: last reviewed {last}, interval {interval}, fell due {due}")


@rule("GR2.4", "approved-has-approval", kinds=tuple(KINDS),
      fix="add metadata.approval with approved_by and approved_on, or set status to draft")
def approved_has_approval(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A document with ``status: approved`` records who approved it and when."""
    meta = doc.model.metadata
    if meta.status is Status.APPROVED and meta.approval is None:
        yield Problem(doc, ("metadata", "status"), "status is approved but no approval is recorded")
