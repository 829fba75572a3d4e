"""Rules for customer (PR7) and supplier relationship management (PR8)."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import ProcessCode
from fitsm_kit.model.operations import (
    Complaint,
    Customer,
    Supplier,
)
from fitsm_kit.model.service import Service
from fitsm_kit.rules.base import Context, Doc, Problem, documents, rule
from fitsm_kit.rules.general import latest, recent_record
from fitsm_kit.rules.portfolio import is_live, live
from fitsm_kit.rules.pr_agreements import covering_slas
from fitsm_kit.rules.pr_common import ACCOUNTABLE_KNOWN, case_owner_rule, coverage_known, in_force, judged

# --- PR7 customers -----------------------------------------------------------------------------------


@rule("PR7.1", "service-customers-identified", kinds=("Service",), evidence=live(customer_facing=True),
      fix="list the service's customers under spec.customers")
def service_customers_identified(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live customer-facing service names its customers, including those it has a specific SLA with.

    PR7.1 asks that service customers be identified. Evidence: ``spec.customers`` is not empty and
    includes the customer of every SLA in force that covers the service.
    """
    assert isinstance(doc.model, Service)
    spec = doc.model.spec
    if not is_live(doc, ctx) or not spec.customer_facing or not ctx.judged(doc, "spec", "customer_facing"):
        return  # a customer_facing cut out reads as true: it may say false
    if not spec.customers:
        yield Problem(doc, ("spec",), "live customer-facing service names no customers")
        return
    if not all([coverage_known(s, ctx) for s in ctx.sms.of_kind("SLA")
                if s.spec.customer is not None and s.spec.customer not in spec.customers]):
        return  # an SLA with another customer whose coverage is not known may cover the service
    for sla in covering_slas(ctx, doc.id):
        customer = sla.spec.customer
        if (customer is not None and customer not in spec.customers and in_force(sla, ctx)
                and ctx.sms.get(customer, "Customer") is not None):
            yield Problem(doc, ("spec", "customers"), f"{customer} has SLA {sla.id} for this service but is not "
                          "among its customers")


case_owner_rule("PR7.2", "customer-relationship-manager", ("Customer",), "customer relationship manager",
                "customer", field=("spec", "relationship_manager"))


@rule("PR7.3", "customer-channels", kinds=("Customer",),
      fix="name the channels under spec.channels: ordering, escalation and complaints")
def customer_channels(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Each customer has channels for service ordering, escalation and complaints.

    Evidence: the ``Customer``'s ``spec.channels`` names ``ordering``, ``escalation`` and ``complaints``.
    A customer segment (``spec.segment``, no organisation) orders as the catalogue says and has no one
    to escalate with; it needs a complaint channel.
    """
    assert isinstance(doc.model, Customer)
    channels = doc.model.spec.channels
    segment = doc.model.spec.segment is not None and doc.model.spec.organisation is None
    needed = ("complaints",) if segment else ("ordering", "escalation", "complaints")
    missing = [c for c in needed if not getattr(channels, c)]
    if missing:
        yield Problem(doc, ("spec", "channels"), f"no channel for {', '.join(missing)}")


@rule("PR7.4", "service-review-recent", kinds=("Customer",),
      fix="hold a service review with the customer and record it as a ServiceReview")
def service_review_recent(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Each customer has a service review within the planned interval.

    The interval is the customer's ``spec.service_review_interval``, else the default for
    ServiceReview in ``fitsm.yaml`` or the service management policy.
    """
    assert isinstance(doc.model, Customer)
    interval = ctx.planned("ServiceReview", doc.model.spec.service_review_interval)
    if interval is None:
        # else the policy that could not be read, or its default cut out as invalid, may plan it
        if ctx.all_read("Policy") and ctx.none_cut("Policy", "spec", "default_review_intervals", "ServiceReview"):
            yield Problem(doc, ("spec",), "no planned interval for service reviews",
                          "set spec.service_review_interval (e.g. P6M)")
        return
    if not ctx.all_read("ServiceReview") or not ctx.none_cut("ServiceReview", "spec", "customer") \
            or not ctx.none_cut("ServiceReview", "spec", "date", where=lambda r: r.spec.customer == doc.id):
        return  # a service review that could not be read, or whose customer or date was cut out, may be the last
    dates = [r.spec.date for r in ctx.sms.referring(doc.id, "ServiceReview", via="customer")]
    if not dates:
        yield Problem(doc, ("spec", "service_review_interval"), "no service review with this customer recorded")
    elif (due := ctx.overdue(max(dates), interval)) is not None:
        yield Problem(doc, ("spec", "service_review_interval"),
                      f"last service review {max(dates)}, interval {interval}: the next fell due {due}")


@rule("PR7.5", "complaints-consistent", evidence=documents("Customer"), intact=ACCOUNTABLE_KNOWN,
      fix="write the CRM complaint handling procedure, and have its owner attest to it")
def complaints_consistent(ctx: Context) -> Iterator[Problem]:
    """Customer complaints are handled by a written procedure, attested in practice and reviewed.

    The tool checks evidence, not truth: a CRM procedure with topic ``complaints`` and steps, and in
    the CRM process definition a recent attestation (``requirement: PR7.5``) by the CRM owner or
    manager or the SMS owner or manager, with role and date — renewed at each periodic review of
    complaints and their follow-up.
    """
    yield from judged(ctx, "PR7.5", ProcessCode.CRM, "complaints", "complaint handling")


@rule("PR7.5", "complaint-records", kinds=("Complaint",),
      fix="record the response and the closing date (spec.response, spec.closed_on)")
def complaint_records(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A closed complaint records the response given and when it was closed.

    Consistent handling (PR7.5) leaves a record: a ``Complaint`` with ``status: closed`` has
    ``spec.response`` and ``spec.closed_on``, not before ``received_on``.
    """
    assert isinstance(doc.model, Complaint)
    spec = doc.model.spec
    if spec.status != "closed":
        ctx.judged(doc, "spec", "status")  # cut out, it reads as open: it may say closed
        return
    missing = [f for f in ("response", "closed_on") if getattr(spec, f) is None]
    if missing:
        yield Problem(doc, ("spec", "status"), f"closed complaint has no {' and no '.join(missing)}")
    elif spec.closed_on is not None and spec.received_on is not None and spec.closed_on < spec.received_on:
        yield Problem(doc, ("spec", "closed_on"), f"closed {spec.closed_on}, before it was received "
                      f"({spec.received_on})", "correct the dates")


@rule("PR7.6", "satisfaction-survey-recent", evidence=documents("Customer"),
      fix="survey customer satisfaction and record it as a SatisfactionSurvey")
def satisfaction_survey_recent(ctx: Context) -> Iterator[Problem]:
    """Customer satisfaction is measured at planned intervals.

    The interval is the default for SatisfactionSurvey in ``fitsm.yaml`` or the service management
    policy; the latest SatisfactionSurvey must lie within it plus the grace period.
    """
    yield from recent_record(ctx, "SatisfactionSurvey", "customer satisfaction survey")


@rule("PR7.6", "satisfaction-managed", evidence=documents("Customer"), intact=ACCOUNTABLE_KNOWN,
      fix="write the CRM procedure for customer satisfaction, and have its owner attest to it")
def satisfaction_managed(ctx: Context) -> Iterator[Problem]:
    """Customer satisfaction is managed by a written procedure, with follow-up attested in practice.

    The tool checks evidence, not truth: a CRM procedure with topic ``satisfaction`` and steps, and in
    the CRM process definition a recent attestation (``requirement: PR7.6``) by the CRM owner or
    manager or the SMS owner or manager, with role and date, that results are followed up.
    """
    yield from judged(ctx, "PR7.6", ProcessCode.CRM, "satisfaction", "managing customer satisfaction")


# --- PR8 suppliers -----------------------------------------------------------------------------------


@rule("PR8.1", "federation-member-internal", kinds=("Supplier",),
      fix="set type: internal for a federation member (FitSM regards federation members as internal)")
def federation_member_internal(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A federation member is identified as an internal supplier, as FitSM regards it.

    PR8.1 asks that internal and external suppliers be identified; FitSM counts federation members as
    internal. Evidence: a ``Supplier`` with ``federation_member: true`` has ``type: internal``.
    """
    assert isinstance(doc.model, Supplier)
    spec = doc.model.spec
    if spec.federation_member and spec.type != "internal" and ctx.judged(doc, "spec", "type",
                                                                         left_out=spec.type is None):
        yield Problem(doc, ("spec", "type"), "federation member is identified as an external supplier")
    elif not spec.federation_member and spec.type != "internal":
        ctx.judged(doc, "spec", "federation_member")  # cut out, it reads as false: it may say true


@rule("PR8.2", "supplier-contact", kinds=("Supplier",),
      fix="add at least one contact on the supplier's side under spec.contacts")
def supplier_contact(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Each supplier has a contact on the supplier's side.

    Evidence: ``spec.contacts`` is not empty. Our side of the relationship is the supplier relationship
    manager (rule ``supplier-relationship-manager``).
    """
    if not doc.spec.contacts:
        yield Problem(doc, ("spec",), "supplier has no contact on the supplier's side")


case_owner_rule("PR8.2", "supplier-relationship-manager", ("Supplier",), "supplier relationship manager",
                "supplier", field=("spec", "relationship_manager"))


@rule("PR8.3", "supplier-escalation-channel", kinds=("Supplier",),
      fix="name the escalation channel under spec.channels.escalation")
def supplier_escalation_channel(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Each supplier has an escalation channel.

    PR8.3 asks for communication channels with each supplier, including escalation. Evidence: the
    ``Supplier``'s ``spec.channels.escalation``.
    """
    assert isinstance(doc.model, Supplier)
    if not doc.model.spec.channels.escalation:
        yield Problem(doc, ("spec", "channels"), "no escalation channel to the supplier")


@rule("PR8.4", "supplier-evaluated", kinds=("Supplier",),
      fix="evaluate the supplier and record it as a SupplierEvaluation, based on its agreements' evaluations")
def supplier_evaluated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Each supplier is evaluated at its planned interval, drawing on the evaluations of its OLAs / UAs.

    The interval is the supplier's ``spec.evaluation_interval``, else the default for
    SupplierEvaluation in ``fitsm.yaml`` or the policy; a supplier never evaluated is a finding (record
    the evaluation made when the supplier was chosen). When the supplier has an OLA or UA in force,
    the latest evaluation's ``basis``
    names at least one AgreementEvaluation of it.
    """
    assert isinstance(doc.model, Supplier)
    interval = ctx.planned("SupplierEvaluation", doc.model.spec.evaluation_interval)
    if interval is None:
        # else the policy that could not be read, or its default cut out as invalid, may plan it
        if ctx.all_read("Policy") and ctx.none_cut("Policy", "spec", "default_review_intervals", "SupplierEvaluation"):
            yield Problem(doc, ("spec",), "no planned interval for evaluating this supplier",
                          "set spec.evaluation_interval (e.g. P12M)")
        return
    if not ctx.all_read("SupplierEvaluation") or not ctx.none_cut("SupplierEvaluation", "spec", "supplier"):
        return  # an evaluation that could not be read, or whose supplier was cut out as invalid, may be the last
    evaluations = ctx.sms.referring(doc.id, "SupplierEvaluation", via="supplier")
    last = latest(evaluations)
    # an evaluation whose supplier is left or cut out may be this supplier's latest: the verdict waits for it
    unnamed = [e for e in ctx.sms.of_kind("SupplierEvaluation") if e.spec.supplier is None
               and (last is None or e.spec.date is None or last.spec.date is None or e.spec.date > last.spec.date)]
    if [e for e in unnamed if not ctx.judged(e, "spec", "supplier", left_out=True)]:
        return
    if last is None:
        yield Problem(doc, ("spec", "evaluation_interval"), "supplier was never evaluated (no SupplierEvaluation)")
        return
    if (due := ctx.overdue(last.spec.date, interval)) is not None:
        yield Problem(doc, ("spec", "evaluation_interval"), f"last evaluated {last.spec.date} ({last.id}), "
                      f"interval {interval}: the next evaluation fell due {due}")
    agreements = _agreed_in_force(ctx).get(doc.id, set())
    basis = [ctx.sms.get(b, "AgreementEvaluation") for b in last.spec.basis]
    if not agreements or any(e is not None and e.spec.agreement in agreements for e in basis):
        return
    unread = [b for b, e in zip(last.spec.basis, basis, strict=True)
              if e is None and ctx.unread_id(b, "AgreementEvaluation")]
    # else what could not be read, an evaluation whose agreement was cut out, or a basis entry that names no
    # evaluation (a typo), may be an evaluation of one of them
    if not unread and ctx.all_read("OLA", "UA") and ctx.none_cut("AgreementEvaluation", "spec", "agreement") \
            and ctx.none_dangling("SupplierEvaluation", "spec", "basis", where=lambda e: e is last):
        yield Problem(last, ("spec", "basis"), f"evaluation of {doc.id} draws on no evaluation of its agreements "
                      f"({', '.join(sorted(agreements))})",
                      "list the AgreementEvaluations of the supplier's OLAs / UAs under spec.basis")


def _agreed_in_force(ctx: Context) -> dict[str, set[str]]:
    """Per supplier, the ids of the OLAs / UAs in force that it agreed (built once, not per supplier)."""

    def build() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for agreement in ctx.sms.of_kind("OLA", "UA"):
            if in_force(agreement, ctx):
                for party in agreement.spec.parties:
                    found.setdefault(party, set()).add(agreement.id)
        return found

    return ctx.memo("agreed-in-force", build)
