"""Service pages: the customer-facing catalogue, the portfolio and one page per service."""

from __future__ import annotations

import html
from collections.abc import Iterator

from markupsafe import Markup

from fitsm_kit.model.service import Component, Lifecycle
from fitsm_kit.site import documents
from fitsm_kit.site.data import Site, page_of
from fitsm_kit.site.markdown import link, mermaid_label, prose, short, site_root, table, text, url
from fitsm_kit.site.page import Page
from fitsm_kit.site.paging import paged_table
from fitsm_kit.sms.index import Doc

CATALOGUE = "catalogue/index.md"
PORTFOLIO = "portfolio/index.md"
MERMAID = "assets/fitsm/mermaid/mermaid.min.js"

_STAGES = [*Lifecycle, None]  # a service whose lifecycle status is left out sorts last


def pages(site: Site) -> Iterator[Page]:
    yield from _catalogue(site)
    yield from _portfolio(site)
    for doc in site.of_kind("Service"):
        yield _service(site, doc)


def summary(doc: Doc) -> Markup:
    """A service in a table cell: its tagline, else the first sentence of its description, shortened."""
    if doc.spec.tagline:
        return short(doc.spec.tagline, sentence=False)
    return short(doc.spec.description)


def access(doc: Doc) -> str:
    """How users get the service: its order type and access modes."""
    return ", ".join(p for p in (doc.spec.order_type, *doc.spec.access_modes) if p)


def _catalogue(site: Site) -> Iterator[Page]:
    """One section per catalogue, live services only: what customers can order. Long ones go on linked parts."""

    def row(s: Doc, page: str) -> list[object]:
        agreed = [sla.id for sla in site.slas_of(s.id) if site.in_force(sla)]
        return [link(s.title, page_of(s), page), summary(s), ", ".join(s.spec.categories),
                ", ".join(s.spec.scientific_domains), ", ".join(s.spec.target_users), access(s), s.spec.trl or "",
                ", ".join(s.spec.tags), site.refs(agreed, page)]

    sections = []
    for cat in site.of_kind("ServiceCatalogue"):
        live = [s for s in (site.docs.get(i) for i in cat.spec.services or ())
                if s is not None and s.kind == "Service" and s.spec.lifecycle_status is Lifecycle.LIVE]
        shown, more = paged_table(live, row, ["Service", "Summary", "Categories", "Domains", "For", "Access", "TRL",
                                              "Tags", "SLAs in force"], CATALOGUE,
                                  f"catalogue-{cat.id}", f"Service catalogue: {cat.title}",
                                  "No live services in this catalogue.")
        yield from more
        sections.append({"title": text(cat.title), "audience": text(cat.spec.audience),
                         "doc": link("catalogue document", page_of(cat), CATALOGUE), "table": shown})
    yield Page(CATALOGUE, "Service catalogue", "catalogue.md.j2", {"sections": sections}, searchable=False)


def _portfolio(site: Site) -> Iterator[Page]:
    """All services, whatever their lifecycle status (for staff); long portfolios go on linked parts."""
    services = site.of_kind("Service")

    def count(agreements: list[Doc]) -> str:
        return f"{len(agreements)} ({sum(1 for a in agreements if site.in_force(a))} in force)" if agreements else "0"

    def row(s: Doc, page: str) -> list[object]:
        return [link(s.title, page_of(s), page), s.spec.lifecycle_status.value if s.spec.lifecycle_status else "—",
                "yes" if s.spec.customer_facing else "no", site.ref(s.owner, page),
                count(site.slas_of(s.id)), count(site.supporting_of(s.id))]

    ordered = sorted(services, key=lambda s: (_STAGES.index(s.spec.lifecycle_status), s.id))
    shown, more = paged_table(ordered, row, ["Service", "Lifecycle", "Customer-facing", "Owner", "SLAs", "OLAs / UAs"],
                              PORTFOLIO, "portfolio", "Service portfolio", "No services yet.")
    yield from more
    counts = {state.value: sum(1 for s in services if s.spec.lifecycle_status is state) for state in Lifecycle}
    yield Page(PORTFOLIO, "Service portfolio", "portfolio.md.j2", {"table": shown, "counts": counts},
               searchable=False)


_LINKS = {"webpage": "Web page", "user_manual": "User manual", "terms_of_use": "Terms of use",
          "privacy_policy": "Privacy policy", "helpdesk": "Helpdesk", "order": "Order", "status": "Status page"}


def _listing(values: list[str]) -> Markup:
    return Markup(", ").join(text(v) for v in values) or text("—")


def _service(site: Site, doc: Doc) -> Page:
    page, spec = page_of(doc), doc.spec
    components = [[c.id, c.description or "", _providers(site, c, page), c.critical] for c in spec.components]
    suppliers = [[site.ref(s.supplier, page), s.role, s.agreement_required, s.justification or ""]
                 for s in spec.suppliers]
    slas = site.slas_of(doc.id)
    covered = any(site.in_force(s) for s in slas)
    links = [[label, url(getattr(spec.links, key))] for key, label in _LINKS.items() if getattr(spec.links, key)]
    return Page(page, doc.title, "service.md.j2", {
        "doc": doc, "tagline": text(spec.tagline), "description": prose(spec.description),
        "value": prose(spec.value_proposition),
        "owner": site.ref(doc.model.metadata.owner, page),
        "customers": site.refs(spec.customers, page) or text("none listed"),
        "catalogues": site.refs(site.catalogues_of.get(doc.id, []), page) or text("none"),
        "details": table(["Property", "Value"], [
            ["Categories", _listing(spec.categories)], ["Scientific domains", _listing(spec.scientific_domains)],
            ["Target users", _listing(spec.target_users)], ["Access modes", _listing(spec.access_modes)],
            ["Order type", spec.order_type or "—"], ["Technology readiness level", spec.trl or "—"],
            ["Tags", _listing(spec.tags)]]),
        "links": table(["Link", "Where"], links, "No links recorded."),
        "components": table(["Component", "Description", "Supplier", "Critical"], components, "No components."),
        "suppliers": table(["Supplier", "Role", "Agreement required", "Justification"], suppliers, "No suppliers."),
        "covered": text("yes" if covered else "no"),
        "slas": table(["SLA", "Customer", "In force"],
                      [[site.ref(s.id, page), site.ref(s.spec.customer, page) if s.spec.customer
                        else text("all customers (default SLA)"), site.force(s)] for s in slas], "No SLA covers it."),
        "supporting": table(["Agreement", "Kind", "Supports", "In force"],
                            [[site.ref(a.id, page), a.kind, _supported(a, doc.id), site.force(a)]
                             for a in site.supporting_of(doc.id)], "No OLA or UA supports it."),
        "depends_on": site.refs(spec.depends_on, page) or text("nothing"),
        "used_by": site.refs(site.used_by.get(doc.id, []), page) or text("nothing"),
        "monitoring": text(f"{spec.monitoring.tool}: {', '.join(spec.monitoring.metrics)}"
                           if spec.monitoring else "not recorded"),
        "diagram": diagram(site, doc), "mermaid_js": site_root(page) + MERMAID,
        "portfolio": link("Service portfolio", PORTFOLIO, page),
        **documents.control(site, doc, page),
    }, revision=documents.revision(site, doc))


def _providers(site: Site, component: Component, page: str) -> Markup:
    """A component's supplier, or its parallel suppliers and how many of them it needs."""
    if not component.suppliers:
        return site.ref(component.supplier, page)
    needed = f"({component.needed} of {len(component.suppliers)})"
    return site.refs(component.suppliers, page) + Markup(" ") + text(needed)


def _supported(agreement: Doc, service_id: str) -> str:
    """What of the service an OLA / UA supports: all of it, or its components."""
    parts = [c.component for c in agreement.spec.supports or () if c.service == service_id]
    return "the whole service" if any(p is None for p in parts) else ", ".join(str(p) for p in parts)


def diagram(site: Site, doc: Doc) -> Markup:
    """Mermaid flowchart: what the service depends on, its components and suppliers, its agreements."""
    nodes: dict[str, str] = {}

    def node(key: str, label: str, shape: str = "[{}]") -> str:
        if key not in nodes:
            nodes[key] = f"n{len(nodes)}"
            lines.append(f"    {nodes[key]}{shape.format(chr(34) + mermaid_label(label) + chr(34))}")
        return nodes[key]

    def title(doc_id: str) -> str:
        other = site.docs.get(doc_id)
        return site.name(other) if other is not None else doc_id

    lines = ["flowchart LR"]
    me = node(doc.id, doc.title, "[[{}]]")
    edges = []
    for dep in doc.spec.depends_on:
        edges.append(f"    {me} -->|depends on| {node(dep, title(dep))}")
    for comp in doc.spec.components:
        c = node("component:" + comp.id, comp.id, "({})")
        edges.append(f"    {me} --- {c}")
        if comp.supplier:
            edges.append(f"    {c} -->|supplied by| {node(comp.supplier, title(comp.supplier), '[/{}/]')}")
    for sla in site.slas_of(doc.id):
        label = "covers" if site.in_force(sla) else "covers, not in force"
        edges.append(f"    {node(sla.id, title(sla.id), '([{}])')} -.->|{label}| {me}")
    for other in site.supporting_of(doc.id):
        a = node(other.id, title(other.id), "([{}])")
        edges.append(f"    {a} -.->|{'supports' if site.in_force(other) else 'supports, not in force'}| {me}")
        for party in other.spec.parties:
            edges.append(f"    {a} -.- {node(party, title(party), '[/{}/]')}")
    return Markup(html.escape("\n".join(lines + edges)))  # for <pre>; labels are inert (mermaid_label)
