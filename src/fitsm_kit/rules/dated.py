"""Records dated after "today": what has not happened yet is no evidence that it happened.

A management review, an audit, a service review or an access review dated after ``--as-of`` (a mistyped
year or month) would count as the latest one and keep its requirement satisfied; a closure, verification
or decision dated ahead would count as done. One rule per record kind reports such a date under the
requirement the record evidences; the requirement then has a finding.
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


def _ahead(requirement: str, kind: str, *fields: tuple[str, str]) -> None:
    """Register rule ``<kind>-dated-ahead``: no date of a ``kind`` record is after ``--as-of``. ``fields``: each
    date's place under ``spec`` (dotted: ``evaluation.decided_on``) and what it is the date of."""

    def check(doc: Doc, ctx: Context) -> Iterator[Problem]:
        for place, what in fields:
            day: object = doc.spec
            for part in place.split("."):
                day = getattr(day, part, None)
            if isinstance(day, dt.date) and day > ctx.as_of:
                yield Problem(doc, ("spec", *place.split(".")),
                              f"{what} dated {day}, after {ctx.as_of}: it has not happened yet")

    listed = ", ".join(f"``spec.{place}`` ({what})" for place, what in fields)
    check.__doc__ = (f"A {kind}'s dates are no later than today.\n\n"
                     f"A date after ``--as-of`` ({listed}) has not happened yet (a mistyped date): it\n"
                     f"would count as done, or as the latest one, so it is reported under {requirement}.")
    name = "".join(f"-{c.lower()}" if c.isupper() else c for c in kind).lstrip("-")
    rule(requirement, f"{name}-dated-ahead", kinds=(kind,), fix=FIX)(check)


_ahead("GR1.3", "ManagementReview", ("date", "management review"))
_ahead("GR3.1", "Scope", ("stakeholder_analysis_reviewed", "review of the stakeholder analysis"))
_ahead("GR6.2", "Audit", ("date", "assessment or audit"))
_ahead("GR7.1", "Nonconformity", ("raised_on", "nonconformity"), ("closed_on", "closure of the nonconformity"),
       ("verified_on", "verification of the closure"))
_ahead("GR7.2", "Improvement", ("evaluation.decided_on", "decision on the improvement"))
_ahead("PR1.2", "ServiceProposal", ("evaluation.decided_on", "decision on the proposal"))
_ahead("PR3.3", "ReportDelivery", ("delivered_on", "report delivery"))
_ahead("PR7.4", "ServiceReview", ("date", "service review"))
_ahead("PR7.5", "Complaint", ("received_on", "complaint"), ("closed_on", "closure of the complaint"))
_ahead("PR7.6", "SatisfactionSurvey", ("date", "satisfaction survey"))
_ahead("PR8.4", "SupplierEvaluation", ("date", "supplier evaluation"))


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
