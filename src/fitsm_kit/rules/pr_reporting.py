"""Rules for service reporting management (PR3): which reports, how they are specified, that they are sent."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import Status
from fitsm_kit.model.general import KPI
from fitsm_kit.model.service import ReportDelivery, ReportSpecification
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.documents import Dated, last_approved, last_reviewed
from fitsm_kit.rules.general import in_scope_processes, in_use
from fitsm_kit.rules.pr_common import case_owner_rule, in_force

TOPICS = ("service-performance", "process-performance", "significant-events", "nonconformities")


def active_reports(ctx: Context) -> list[Doc]:
    """Report specifications in use: neither drafts nor retired."""
    return [d for d in ctx.sms.of_kind("ReportSpecification") if in_use(d)]


def covered(ctx: Context) -> set[str]:
    """Every agreement target and KPI some report in use covers."""
    return ctx.memo("reported", lambda: {item for doc in active_reports(ctx) for item in doc.spec.covers})


@rule("PR3.1", "reporting-topics", fix="add the missing topic to spec.topics of the report that covers it")
def reporting_topics(ctx: Context) -> Iterator[Problem]:
    """Reports are identified and cover service and process performance, events and nonconformities.

    Each report specification says what it covers in ``spec.topics``: ``service-performance``,
    ``process-performance``, ``significant-events``, ``nonconformities``.
    """
    reports = active_reports(ctx)
    present = {t for doc in reports for t in doc.spec.topics}
    missing = [t for t in TOPICS if t not in present]
    if missing and (not ctx.all_read("ReportSpecification")
                    or not ctx.none_cut("ReportSpecification", "spec", "topics")):
        return  # a report that could not be read, or a topic cut out as invalid, may cover them
    if not reports:
        yield Problem(None, (), "no report is identified (kind: ReportSpecification)",
                      "specify the reports the SMS produces")
    elif missing:
        yield Problem(reports[0], ("spec",), f"no report covers {', '.join(missing)}")


@rule("PR3.1", "sla-targets-reported", kinds=("SLA",),
      fix="add 'SLA-ID/TARGET-ID' to spec.covers of the report that shows it")
def sla_targets_reported(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every target of an SLA in force is covered by a report.

    PR3.1 asks that reporting cover service performance against defined targets. Evidence: a report
    specification in use lists ``sla-id/target-id`` in ``spec.covers``.
    """
    if not in_force(doc, ctx) or not ctx.all_read("ReportSpecification"):
        return  # not in force; or a report that could not be read may cover its targets
    reported = covered(ctx)
    for i, target in enumerate(doc.spec.targets or ()):
        if f"{doc.id}/{target.id}" not in reported \
                and ctx.none_cut("ReportSpecification", "spec", "covers"):
            yield Problem(doc, ("spec", "targets", i), f"target {target.id} is in no report ('{doc.id}/{target.id}' "
                          "in a report's spec.covers)")


@rule("PR3.1", "kpis-reported", kinds=("KPI",), fix="add the KPI's id to spec.covers of the report that shows it")
def kpis_reported(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every KPI of the SMS, an in-scope process or a service is covered by a report.

    PR3.1 asks that reporting cover process performance against defined targets. Evidence: a report
    specification in use lists the KPI's id in ``spec.covers``. Retired KPIs need no report.
    """
    assert isinstance(doc.model, KPI)
    scope = doc.model.spec.scope
    if scope is None:
        return  # reported under GR6.1
    if scope != "sms" and ctx.sms.get(scope, "Service") is None and scope not in {p.value for p in
                                                                                   in_scope_processes(ctx)}:
        return
    if doc.model.metadata.status is not Status.RETIRED and doc.id not in covered(ctx) \
            and ctx.all_read("ReportSpecification") \
            and ctx.none_cut("ReportSpecification", "spec", "covers"):
        # else a report that could not be read, or an entry cut out as invalid, may cover it
        yield Problem(doc, ("spec", "scope"), "KPI is in no report")


@rule("PR3.1", "report-covers-resolve", kinds=("ReportSpecification",),
      fix="name an agreement target as AGREEMENT-ID/TARGET-ID, or a KPI by its id")
def report_covers_resolve(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every entry of a report's ``spec.covers`` names an agreement target or a KPI.

    An entry is ``agreement-id/target-id`` (an SLA, OLA or UA and one of its targets) or a KPI id; one
    that names nothing would make the coverage rules pass on a typo.
    """
    for i, item in enumerate(doc.spec.covers):
        agreement_id, _, target_id = item.partition("/")
        if agreement_id in ctx.sms.invalid_ids:
            continue  # defined in a document that does not load: reported there, once
        if target_id:
            agreement = ctx.sms.get(agreement_id, "SLA", "OLA", "UA")
            if agreement is None and ctx.unread_id(agreement_id, "SLA", "OLA", "UA"):
                continue  # may be an agreement that could not be read
            if agreement is None:
                yield Problem(doc, ("spec", "covers", i), f"{agreement_id!r} is not an SLA, OLA or UA")
            elif not any(t.id == target_id for t in agreement.spec.targets or ()) and \
                    not agreement.incomplete("spec", "targets"):  # a target cut out as invalid is reported there
                yield Problem(doc, ("spec", "covers", i), f"{agreement_id} has no target {target_id!r}")
        elif ctx.sms.get(item, "KPI") is None and not ctx.unread_id(item, "KPI"):
            yield Problem(doc, ("spec", "covers", i), f"{item!r} is not a KPI")


@rule("PR3.2", "report-agreed", kinds=("ReportSpecification",),
      fix="record under spec.agreed_with which recipient agreed the report, and when")
def report_agreed(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every report specification records its agreement with the recipients.

    PR3.2 asks that reports be agreed with their recipients. Evidence: ``spec.agreed_with`` names who
    agreed it, and when.
    """
    if not doc.spec.agreed_with:
        yield Problem(doc, ("spec",), "report specification was not agreed with its recipients")


@rule("PR3.2", "report-specified", kinds=("ReportSpecification",),
      fix="add the missing fields: purpose, audience, frequency (e.g. P1M), content, format, delivery")
def report_specified(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every report specification has the seven PR3.2 fields.

    Identity is the document's ``metadata.id`` and ``title``; the others are ``spec.purpose``,
    ``audience``, ``frequency``, ``content``, ``format`` and ``delivery`` (the method of delivery).
    """
    assert isinstance(doc.model, ReportSpecification)
    spec = doc.model.spec
    missing = [f for f in ("purpose", "audience", "frequency", "content", "format", "delivery") if not getattr(spec, f)]
    if missing:
        yield Problem(doc, ("spec",), f"report specification has no {', '.join(missing)}")


case_owner_rule("PR3.2", "report-owner", ("ReportSpecification",), "report owner", "report")


def _started(doc: Doc, ctx: Context) -> Dated | None:
    """Since when a report specification applies: its approval, else its last review (in Git too)."""
    return last_approved(doc, ctx) or last_reviewed(doc, ctx)


@rule("PR3.3", "report-delivered", kinds=("ReportSpecification",), history=True,
      fix="deliver the report and record it as a ReportDelivery")
def report_delivered(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every report in use is delivered at its frequency.

    The report for the period after the last delivered one falls due when that period ends (last
    ``period_end`` plus ``frequency``); it is late once the grace period has passed too. A report
    never delivered falls due one frequency after the specification was approved (or, never approved,
    last reviewed; an approval or review recorded in Git counts as for the review rules).
    """
    assert isinstance(doc.model, ReportSpecification)
    frequency = doc.model.spec.frequency
    if frequency is None or not in_use(doc):
        return  # a missing frequency is reported by report-specified
    if not ctx.all_read("ReportDelivery") or not ctx.none_cut("ReportDelivery", "spec", "report"):
        return  # a delivery that could not be read, or whose report was cut out as invalid, may be the last one
    deliveries = [d.spec for d in ctx.sms.referring(doc.id, "ReportDelivery", via="report")]
    if not deliveries:
        start = _started(doc, ctx)
        due = ctx.overdue(start.on, frequency) if start else ctx.as_of
        if due is not None:
            yield Problem(doc, ("spec", "frequency"), f"never delivered (no ReportDelivery); frequency {frequency}"
                          + (f", the first fell due {due}" if start else "")
                          + (f" (counted from {start})" if start and start.where else ""))
        return
    last = max(d.period_end for d in deliveries)
    if (due := ctx.overdue(last, frequency)) is not None:
        yield Problem(doc, ("spec", "frequency"), f"last delivered for the period ending {last}; frequency "
                      f"{frequency}, the next fell due {due}")


@rule("PR3.3", "report-recipients", kinds=("ReportDelivery",),
      fix="deliver the report to its whole audience, or change the specification's audience")
def report_recipients(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A delivered report reached every recipient in its specification's audience.

    PR3.3 asks that reports be delivered to their recipients according to specifications. Evidence: a
    ``ReportDelivery``'s ``spec.recipients`` include the whole ``audience`` of its specification. Both are
    names as written: compared without regard to case and spacing ("Customer Board" is "customer  board").
    """
    assert isinstance(doc.model, ReportDelivery)
    spec = ctx.sms.get(doc.model.spec.report, "ReportSpecification") if doc.model.spec.report else None
    if spec is None:
        return
    reached = {_name(r) for r in doc.model.spec.recipients or ()}
    missing = [a for a in spec.spec.audience if _name(a) not in reached]
    if missing:
        yield Problem(doc, ("spec", "recipients"), f"not delivered to {', '.join(missing)} "
                      f"(audience of {spec.id})")


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()


@rule("PR3.3", "delivery-after-period", kinds=("ReportDelivery",),
      fix="deliver a report once its period has ended; record the delivery with fitsm report after its last day")
def delivery_after_period(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A report is delivered after the period it reports on has ended.

    A ``ReportDelivery`` whose ``delivered_on`` is not after ``period_end`` reported on a period that was
    still running: its numbers cannot cover the period.
    """
    assert isinstance(doc.model, ReportDelivery)
    spec = doc.model.spec
    if spec.delivered_on is None or spec.period_end is None:
        return  # left out: reported under PR3.3 as missing
    if spec.delivered_on <= spec.period_end:
        yield Problem(doc, ("spec", "delivered_on"), f"delivered {spec.delivered_on}, before the period it reports "
                      f"on ended ({spec.period_end})")
