"""Records dated after "today": what has not happened yet is no evidence that it happened.

A management review, an audit, a service review or an access review dated after ``--as-of`` (a mistyped
year or month) would count as the latest one and keep its requirement satisfied. One rule per record
kind reports such a date under the requirement the record evidences; the requirement then has a finding.
So does a document's ``metadata.approval`` dated ahead, under GR2.4 (agreements report it under PR2.2 and
PR2.4: an agreement approved ahead is not in force).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from fitsm_kit.model.base import Status
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.model.operations import SecurityControl
from fitsm_kit.rules.base import Check, Context, Doc, Problem, approved, rule

FIX = "correct the date: a record says what has happened, by the day it happened"


def _ahead(requirement: str, kind: str, field: str, what: str) -> None:
    """Register rule ``<kind>-dated-ahead``: ``spec.<field>`` of a ``kind`` record is not after ``--as-of``."""

    def check(doc: Doc, ctx: Context) -> Iterator[Problem]:
        day = getattr(doc.spec, field, None)
        if isinstance(day, dt.date) and day > ctx.as_of:
            yield Problem(doc, ("spec", field), f"{what} dated {day}, after {ctx.as_of}: it has not happened yet")

    check.__doc__ = (f"A {what} is dated no later than today.\n\n"
                     f"A ``{kind}`` whose ``spec.{field}`` lies after ``--as-of`` has not happened yet\n"
                     f"(a mistyped date): it would count as the latest one, so it is reported under {requirement}.")
    name = "".join(f"-{c.lower()}" if c.isupper() else c for c in kind).lstrip("-")
    rule(requirement, f"{name}-dated-ahead", kinds=(kind,), fix=FIX)(check)


_ahead("GR1.3", "ManagementReview", "date", "management review")
_ahead("GR6.2", "Audit", "date", "assessment or audit")
_ahead("GR7.1", "Nonconformity", "raised_on", "nonconformity")
_ahead("PR3.3", "ReportDelivery", "delivered_on", "report delivery")
_ahead("PR7.4", "ServiceReview", "date", "service review")
_ahead("PR7.5", "Complaint", "received_on", "complaint")
_ahead("PR7.6", "SatisfactionSurvey", "date", "satisfaction survey")
_ahead("PR8.4", "SupplierEvaluation", "date", "supplier evaluation")


def _performed_ahead(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A review of access rights is dated no later than today.

    An entry of ``spec.performed`` of a ``SecurityControl`` with ``topic: access-control`` dated after
    ``--as-of`` has not happened yet (a mistyped date): it would count as the last review of access rights
    at its interval, so it is reported under PR6.5.
    """
    assert isinstance(doc.model, SecurityControl)
    if doc.model.spec.topic != "access-control":
        return
    for i, done in enumerate(doc.model.spec.performed):
        if done.date > ctx.as_of:
            yield Problem(doc, ("spec", "performed", i, "date"),
                          f"review of access rights dated {done.date}, after {ctx.as_of}: it has not happened yet")


access_review_dated_ahead: Check = rule("PR6.5", "access-review-dated-ahead", kinds=("SecurityControl",),
                                        fix=FIX)(_performed_ahead)


_APPROVED = tuple(k for k, cls in KINDS.items() if not cls.record and k not in ("SLA", "OLA", "UA"))


@rule("GR2.4", "approval-dated-ahead", kinds=_APPROVED, evidence=approved(*_APPROVED), fix=FIX)
def approval_dated_ahead(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An approved document's approval is dated no later than today.

    A ``metadata.approval.approved_on`` after ``--as-of`` has not happened yet (a mistyped year): the document
    would count as approved, and the approval would start its review interval. Agreements report it as not
    in force (``sla-in-force``, ``supporting-agreement-in-force``).
    """
    approval = doc.model.metadata.approval
    if doc.model.metadata.status is Status.APPROVED and approval is not None and approval.approved_on > ctx.as_of:
        yield Problem(doc, ("metadata", "approval", "approved_on"),
                      f"approved on {approval.approved_on}, after {ctx.as_of}: it has not happened yet")
