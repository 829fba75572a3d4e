"""Rules for service portfolio, service level and reporting management (PR1–PR3)."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.index import Sms
from fitsm_kit.model.service import SLA, Lifecycle, Service, ServiceCatalogue, ServiceProposal
from fitsm_kit.rules.base import Context, Doc, Problem, rule


@rule("PR1.2", "early-service-has-proposal", kinds=("Service",),
      fix="add a ServiceProposal for this service with demand, resources and benefits evaluated")
def early_service_has_proposal(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A service that is proposed or in design was evaluated in a service proposal."""
    assert isinstance(doc.model, Service)
    if doc.model.spec.lifecycle_status not in (Lifecycle.PROPOSED, Lifecycle.DESIGN):
        return
    proposals = [p for p in ctx.sms.of_kind("ServiceProposal")
                 if isinstance(p.model, ServiceProposal) and p.model.spec.service == doc.id]
    if not proposals:
        yield Problem(doc, ("spec", "lifecycle_status"),
                      f"service is {doc.model.spec.lifecycle_status.value} but no ServiceProposal evaluates it")


@rule("PR2.1", "catalogue-lists-live-services", kinds=("ServiceCatalogue",),
      fix="list only live services in a catalogue; keep others in the portfolio")
def catalogue_lists_live_services(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Service catalogue entries are live services from the portfolio."""
    assert isinstance(doc.model, ServiceCatalogue)
    for i, service_id in enumerate(doc.model.spec.services):
        service = ctx.sms.get(service_id, "Service")
        if service is not None and service.spec.lifecycle_status is not Lifecycle.LIVE:
            yield Problem(doc, ("spec", "services", i),
                          f"{service_id} is {service.spec.lifecycle_status.value}, not live")


def in_validity(sla: SLA, ctx: Context) -> bool:
    validity = sla.spec.validity
    return validity.start <= ctx.as_of and (validity.end is None or ctx.as_of <= validity.end)


def covering_slas(sms: Sms, service_id: str) -> list[Doc]:
    """SLAs that cover ``service_id``: specific ones that list it, default ones by catalogue or for all."""
    covering = []
    for doc in sms.of_kind("SLA"):
        assert isinstance(doc.model, SLA)
        spec = doc.model.spec
        if service_id in spec.services:
            covering.append(doc)
        elif spec.type == "default" and not spec.services:
            catalogue = sms.get(spec.catalogue, "ServiceCatalogue") if spec.catalogue else None
            if spec.catalogue is None or (catalogue is not None and service_id in catalogue.spec.services):
                covering.append(doc)
    return covering


@rule("PR2.2", "live-service-has-sla", kinds=("Service",),
      fix="list the service in a specific SLA, or in the catalogue a default SLA covers")
def live_service_has_sla(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every live, customer-facing service is covered by an SLA that is valid today."""
    assert isinstance(doc.model, Service)
    spec = doc.model.spec
    if spec.lifecycle_status is not Lifecycle.LIVE or not spec.customer_facing:
        return
    slas = covering_slas(ctx.sms, doc.id)
    if not slas:
        yield Problem(doc, ("spec", "lifecycle_status"), "live customer-facing service has no SLA")
    elif not any(isinstance(s.model, SLA) and in_validity(s.model, ctx) for s in slas):
        names = ", ".join(s.id for s in slas)
        yield Problem(doc, ("spec", "lifecycle_status"), f"no SLA covering this service is valid on "
                      f"{ctx.as_of} ({names})", "renew the SLA's validity or agree a new one")


@rule("PR2.4", "supporting-agreement-supplier-type", kinds=("OLA", "UA"),
      fix="use an OLA for internal suppliers and federation members, a UA for external suppliers")
def supporting_agreement_supplier_type(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """OLAs are agreed with internal suppliers (or federation members), UAs with external ones."""
    supplier = ctx.sms.get(doc.spec.supplier, "Supplier")
    if supplier is None:
        return  # reported as an unresolved reference
    internal = supplier.spec.type == "internal" or supplier.spec.federation_member
    if doc.kind == "OLA" and not internal:
        yield Problem(doc, ("spec", "supplier"), f"OLA with external supplier {supplier.id}")
    elif doc.kind == "UA" and internal:
        yield Problem(doc, ("spec", "supplier"), f"UA with internal supplier {supplier.id}")


@rule("PR3.2", "report-agreed", kinds=("ReportSpecification",),
      fix="record under spec.agreed_with which recipient agreed the report, and when")
def report_agreed(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every report specification records its agreement with the recipients."""
    if not doc.spec.agreed_with:
        yield Problem(doc, ("spec",), "report specification was not agreed with its recipients")
