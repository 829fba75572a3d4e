"""Service pages: the customer-facing catalogue, the portfolio and one page per service."""

from __future__ import annotations

import html
from collections.abc import Iterator

from markupsafe import Markup

from fitsm_kit.model.service import Lifecycle
from fitsm_kit.site import documents
from fitsm_kit.site.data import Site, page_of
from fitsm_kit.site.markdown import bullets, link, mermaid_label, site_root, table, text
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


def _catalogue(site: Site) -> Iterator[Page]:
    """One section per catalogue, live services only: what customers can order. Long ones go on linked parts."""

    def row(s: Doc, page: str) -> list[object]:
        return [link(s.title, page_of(s), page), s.spec.description, s.spec.value_proposition or "",
                site.refs(site.slas_of_service.get(s.id, []), page)]

    sections = []
    for cat in site.of_kind("ServiceCatalogue"):
        live = [s for s in (site.docs.get(i) for i in cat.spec.services or ())
                if s is not None and s.kind == "Service" and s.spec.lifecycle_status is Lifecycle.LIVE]
        shown, more = paged_table(live, row, ["Service", "Description", "Value", "Agreements"], CATALOGUE,
                                  f"catalogue-{cat.id}", f"Service catalogue: {cat.title}",
                                  "No live services in this catalogue.")
        yield from more
        sections.append({"title": text(cat.title), "audience": text(cat.spec.audience),
                         "doc": link("catalogue document", page_of(cat), CATALOGUE), "table": shown})
    yield Page(CATALOGUE, "Service catalogue", "catalogue.md.j2", {"sections": sections}, searchable=False)


def _portfolio(site: Site) -> Iterator[Page]:
    """All services, whatever their lifecycle status (for staff); long portfolios go on linked parts."""
    services = site.of_kind("Service")

    def row(s: Doc, page: str) -> list[object]:
        return [link(s.title, page_of(s), page), s.spec.lifecycle_status.value if s.spec.lifecycle_status else "—",
                "yes" if s.spec.customer_facing else "no", site.ref(s.owner, page),
                len(site.slas_of_service.get(s.id, [])), len(site.supporting_of_service.get(s.id, []))]

    ordered = sorted(services, key=lambda s: (_STAGES.index(s.spec.lifecycle_status), s.id))
    shown, more = paged_table(ordered, row, ["Service", "Lifecycle", "Customer-facing", "Owner", "SLAs", "OLAs / UAs"],
                              PORTFOLIO, "portfolio", "Service portfolio", "No services yet.")
    yield from more
    counts = {state.value: sum(1 for s in services if s.spec.lifecycle_status is state) for state in Lifecycle}
    yield Page(PORTFOLIO, "Service portfolio", "portfolio.md.j2", {"table": shown, "counts": counts},
               searchable=False)


def _service(site: Site, doc: Doc) -> Page:
    page, spec = page_of(doc), doc.spec
    components = [[c.id, c.description or "", site.ref(c.supplier, page), c.critical] for c in spec.components]
    suppliers = [[site.ref(s.supplier, page), s.role, s.agreement_required, s.justification or ""]
                 for s in spec.suppliers]
    supporting = site.supporting_of_service.get(doc.id, [])
    return Page(page, doc.title, "service.md.j2", {
        "doc": doc, "description": text(spec.description), "value": text(spec.value_proposition),
        "owner": site.ref(doc.model.metadata.owner, page),
        "customers": site.refs(spec.customers, page) or text("none listed"),
        "catalogues": site.refs(site.catalogues_of.get(doc.id, []), page) or text("none"),
        "components": table(["Component", "Description", "Supplier", "Critical"], components, "No components."),
        "suppliers": table(["Supplier", "Role", "Agreement required", "Justification"], suppliers, "No suppliers."),
        "slas": bullets([site.ref(i, page) for i in site.slas_of_service.get(doc.id, [])], "No SLA covers it."),
        "supporting": bullets([site.ref(i, page) for i in supporting], "No OLA or UA supports it."),
        "depends_on": site.refs(spec.depends_on, page) or text("nothing"),
        "used_by": site.refs(site.used_by.get(doc.id, []), page) or text("nothing"),
        "monitoring": text(f"{spec.monitoring.tool}: {', '.join(spec.monitoring.metrics)}"
                           if spec.monitoring else "not recorded"),
        "diagram": diagram(site, doc), "mermaid_js": site_root(page) + MERMAID,
        "portfolio": link("Service portfolio", PORTFOLIO, page),
        **documents.control(site, doc, page),
    }, revision=documents.revision(site, doc))


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
    for sla in site.slas_of_service.get(doc.id, []):
        edges.append(f"    {node(sla, title(sla), '([{}])')} -.->|covers| {me}")
    for agreement in site.supporting_of_service.get(doc.id, []):
        other = site.docs[agreement]
        a = node(agreement, title(agreement), "([{}])")
        edges.append(f"    {a} -.->|supports| {me}")
        if other.spec.supplier:
            edges.append(f"    {a} -.- {node(other.spec.supplier, title(other.spec.supplier), '[/{}/]')}")
    return Markup(html.escape("\n".join(lines + edges)))  # for <pre>; labels are inert (mermaid_label)
