"""Agreement pages: the index of SLAs, OLAs and UAs, and one page per agreement."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from fitsm_kit.model.service import Hours
from fitsm_kit.site import documents
from fitsm_kit.site.data import AGREEMENTS, Site, page_of
from fitsm_kit.site.markdown import bullets, link, table, text
from fitsm_kit.site.page import Page
from fitsm_kit.site.paging import paged_table
from fitsm_kit.sms.index import Doc

INDEX = "agreements/index.md"
_NAMES = {"SLA": "Service level agreements", "OLA": "Operational level agreements",
          "UA": "Underpinning agreements"}


def pages(site: Site) -> Iterator[Page]:
    def row(d: Doc, page: str) -> list[object]:
        return [link(d.title, page_of(d), page), _party(site, d, page), _validity(site, d),
                d.model.metadata.status.value]

    sections = []
    for kind in AGREEMENTS:  # long registers go on linked parts, so the page does not grow with the SMS
        shown, more = paged_table(site.of_kind(kind), row, ["Agreement", "With", "Validity", "Status"], INDEX,
                                  kind.lower(), f"Agreements: {_NAMES[kind]}", first=documents.INLINE)
        yield from more
        sections.append((_NAMES[kind], shown))
    yield Page(INDEX, "Agreements", "agreements.md.j2", {"sections": sections}, searchable=False)
    for doc in site.of_kind(*AGREEMENTS):
        yield _agreement(site, doc)


def _party(site: Site, doc: Doc, page: str) -> Markup:
    """The other party: the SLA's customer (all customers for a default SLA), the OLA's / UA's supplier."""
    if doc.kind == "SLA":
        return site.ref(doc.spec.customer, page) if doc.spec.customer else text("all customers (default SLA)")
    return site.ref(doc.spec.supplier, page) if doc.spec.supplier else text("not stated")


def _validity(site: Site, doc: Doc) -> str:
    validity = doc.spec.validity
    if validity is None:
        return "not stated"
    span = f"{validity.start} – {validity.end or 'open-ended'}"
    if validity.start > site.as_of:
        return f"{span} (not yet in force)"
    if validity.end is not None and validity.end < site.as_of:
        return f"{span} (expired)"
    return f"{span} (in force)"


def hours(value: Hours | None) -> Markup:
    """Service or support hours: round the clock, or weekly windows, with exceptions and maintenance."""
    if value is None:
        return text("not stated")
    if value.always:
        lines = [text(f"Round the clock ({value.timezone})")]
    else:
        lines = [text(f"{', '.join(w.days)} {w.start}–{w.end} ({value.timezone})") for w in value.windows]
    lines += [text(f"Except: {e}") for e in value.exceptions]
    lines += [text(f"Maintenance {m.start:%Y-%m-%d %H:%M} – {m.end:%Y-%m-%d %H:%M}"
                   + (f": {m.description}" if m.description else "")) for m in value.maintenance]
    return Markup("<br>").join(lines)


def supporting_agreements(site: Site, doc: Doc) -> list[str]:
    """For an SLA: the OLAs / UAs behind it (named, or supporting its services); for an OLA / UA: its SLAs."""
    if doc.kind != "SLA":
        if doc.spec.supports_slas:
            return list(doc.spec.supports_slas)
        # an empty list means every SLA that covers a service it supports, as the chain rules read it
        services = dict.fromkeys(c.service for c in doc.spec.supports or ())
        return list(dict.fromkeys(sla for service in services for sla in site.slas_of_service.get(service, [])))
    found = list(site.supporting_of_sla.get(doc.id, []))
    for service in site.services_of_sla(doc):
        found += site.supporting_of_service.get(service, [])
    return list(dict.fromkeys(found))


def _agreement(site: Site, doc: Doc) -> Page:
    page, spec = page_of(doc), doc.spec
    targets = [[t.id, t.metric, f"{t.value:g} {t.unit}", t.priority or "", t.period, t.description or ""]
               for t in spec.targets or ()]
    if doc.kind == "SLA":
        covered = [site.ref(s, page) for s in site.services_of_sla(doc)]
    else:
        covered = [site.ref(c.service, page) + (text(f" (component {c.component})") if c.component else Markup(""))
                   for c in spec.supports or ()]
    return Page(page, doc.title, "agreement.md.j2", {
        "doc": doc, "kind_name": _NAMES[doc.kind][:-1], "description": text(spec.description),
        "provider": site.ref(doc.model.metadata.owner, page), "party": _party(site, doc, page),
        "party_label": "Customer" if doc.kind == "SLA" else "Supplier",
        "covered": bullets(covered, "No services named."),
        "validity": text(_validity(site, doc)), "service_hours": hours(spec.service_hours),
        "support": table(["Property", "Value"], [
            ["Contact", spec.support.contact], ["Hours", hours(spec.support.hours)],
            ["Channels", ", ".join(spec.support.channels) or "—"]] if spec.support else [["Support", "not stated"]]),
        "targets": table(["Target", "Metric", "Value", "Priority", "Period", "Description"], targets),
        "supporting_label": "Supporting agreements" if doc.kind == "SLA" else "Supports these SLAs",
        "supporting": bullets([site.ref(i, page) for i in supporting_agreements(site, doc)], "None."),
        "limitations": bullets(spec.limitations, "None stated."),
        "provider_resp": bullets(spec.provider_responsibilities, "None stated."),
        "counterpart_resp": bullets(spec.counterpart_responsibilities, "None stated."),
        "communication": text(spec.communication or "not stated"), "security": text(spec.security or "not stated"),
        "reporting": bullets([site.ref(r, page) for r in spec.reporting], "No reports."),
        "evaluations": bullets([site.ref(e, page) for e in site.evaluations_of.get(doc.id, [])],
                               "Not evaluated yet."),
        "contract": text(getattr(spec, "contract_ref", None) or ""),
        "index": link("All agreements", INDEX, page),
        **documents.control(site, doc, page),
    }, revision=documents.revision(site, doc))
