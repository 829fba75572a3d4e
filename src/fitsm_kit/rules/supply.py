"""Rules for availability, capacity, security, customer and supplier management (PR4–PR8)."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.operations import Customer, Risk, ServiceReview
from fitsm_kit.model.service import Lifecycle
from fitsm_kit.rules.base import Context, Doc, Problem, rule

RISK_TREATMENT_THRESHOLD = 12  # probability × impact on 1–5 scales


@rule("PR4.4", "live-service-monitored", kinds=("Service",),
      fix="describe how the service's availability is monitored under spec.monitoring")
def live_service_monitored(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live service names how its availability is monitored."""
    if doc.spec.lifecycle_status is Lifecycle.LIVE and doc.spec.monitoring is None:
        yield Problem(doc, ("spec",), "live service has no availability monitoring")


@rule("PR5.3", "capacity-future-planned", kinds=("CapacityPlan",),
      fix="add spec.future with the horizon and the human, technical and financial resources")
def capacity_future_planned(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A capacity plan plans future capacity considering human, technical and financial resources."""
    if doc.spec.future is None:
        yield Problem(doc, ("spec",), "capacity plan has no future capacity plan")


@rule("PR6.3", "high-risks-treated", kinds=("Risk",),
      fix="add a SecurityControl (or a measure in an availability / continuity plan) that mitigates it, "
          "or set treatment: accept with accepted_by")
def high_risks_treated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A risk at or above the treatment threshold is mitigated or formally accepted.

    Mitigated means an implemented SecurityControl, or an implemented measure in an availability /
    continuity plan, names the risk. The threshold is probability × impact ≥ 12 on 1–5 scales.
    """
    assert isinstance(doc.model, Risk)
    spec = doc.model.spec
    level = spec.probability * spec.impact
    if level < RISK_TREATMENT_THRESHOLD:
        return
    if spec.treatment == "accept":
        if spec.accepted_by is None:
            yield Problem(doc, ("spec", "treatment"), "risk is accepted but nobody is recorded as accepting it",
                          "set spec.accepted_by")
        return
    controls = [c for c in ctx.sms.of_kind("SecurityControl")
                if doc.id in c.spec.mitigates and c.spec.status == "implemented"]
    measures = [m for p in ctx.sms.of_kind("AvailabilityContinuityPlan") for m in p.spec.measures
                if doc.id in m.mitigates and m.status == "implemented"]
    if not controls and not measures:
        yield Problem(doc, ("spec", "impact"), f"risk level {level} (probability {spec.probability} × impact "
                      f"{spec.impact}) has no implemented control or measure")


@rule("PR7.4", "service-review-recent", kinds=("Customer",),
      fix="hold a service review with the customer and record it as a ServiceReview")
def service_review_recent(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Each customer has a service review within the planned interval."""
    assert isinstance(doc.model, Customer)
    interval = doc.model.spec.service_review_interval or ctx.config.default_review_intervals.get("ServiceReview")
    if interval is None:
        yield Problem(doc, ("spec",), "no planned interval for service reviews",
                      "set spec.service_review_interval (e.g. P6M)")
        return
    dates = [r.model.spec.date for r in ctx.sms.of_kind("ServiceReview")
             if isinstance(r.model, ServiceReview) and r.model.spec.customer == doc.id]
    if not dates:
        yield Problem(doc, ("spec", "service_review_interval"), "no service review with this customer recorded")
    elif (due := ctx.overdue(max(dates), interval)) is not None:
        yield Problem(doc, ("spec", "service_review_interval"),
                      f"last service review {max(dates)}, interval {interval}: the next fell due {due}")


@rule("PR8.2", "supplier-contact", kinds=("Supplier",),
      fix="add at least one contact on the supplier's side under spec.contacts")
def supplier_contact(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Each supplier has a contact on the supplier's side (ours is the relationship manager)."""
    if not doc.spec.contacts:
        yield Problem(doc, ("spec",), "supplier has no contact on the supplier's side")
