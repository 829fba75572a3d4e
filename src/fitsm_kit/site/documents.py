"""Every document's page: document control (status, version, approval, review, history, findings).

Services and agreements have their own pages (``services.py``, ``agreements.py``) that add the same
document-control section; every other document gets a generic page listing its fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

from markupsafe import Markup

from fitsm_kit.model.kinds import KINDS
from fitsm_kit.rules.documents import last_reviewed
from fitsm_kit.site.data import AGREEMENTS, Site, page_of
from fitsm_kit.site.markdown import cell, link, prose, table, text
from fitsm_kit.site.page import Page
from fitsm_kit.site.paging import paged_table
from fitsm_kit.site.requirements import findings_table
from fitsm_kit.site.reviews import review_due
from fitsm_kit.sms.index import Doc, references

INDEX = "documents/index.md"
_OWN_PAGES = ("Service", *AGREEMENTS)
INLINE = 25  # rows per kind on the register's own page (34 kinds); the rest are on linked pages


def control(site: Site, doc: Doc, page: str) -> dict[str, object]:
    """The document-control context every document page shows; the review due date as the rules count it."""
    meta = doc.model.metadata
    record = KINDS[doc.kind].record
    interval = site.ctx.interval(doc) if not record else None
    last = last_reviewed(doc, site.ctx)  # as the rules count it: a later review in Git names its commit
    due = review_due(site, doc)
    revisions = site.history(doc)
    facts = [
        ["Id", doc.id], ["Kind", doc.kind], ["Source", f"{doc.path}:{doc.line}"],
        ["Status", meta.status.value], ["Version", meta.version or "—"], ["Owner", site.ref(meta.owner, page)],
        ["Approved", _approval(site, doc, page)],
        ["Review interval", interval or ("— (record)" if record else "none planned")],
        ["Last reviewed", str(last) if last else "never"],
        ["Next review due", due.describe() if due is not None else "— (record)" if record
         else f"— (not due while {meta.status.value})"],
    ]
    distribution = [[d.audience, d.channel, d.on.isoformat() if d.on else ""] for d in meta.distribution]
    history = [[r.date.isoformat(), r.commit[:10], r.version or "", r.author, r.subject, ", ".join(r.approvers)]
               for r in revisions]
    return {
        "facts": table(["Property", "Value"], facts),
        "distribution": table(["Audience", "Channel", "On"], distribution, "No distribution recorded."),
        "history": table(["Date", "Commit", "Version", "Author", "Change", "Approved in Git by"], history,
                         "No Git history is available for this document."),
        "findings": findings_table(site, site.findings_by_doc.get(doc.id, []), page),
        "all_documents": link("All documents", INDEX, page, anchor=doc.kind.lower()),
    }


def _approval(site: Site, doc: Doc, page: str) -> Markup:
    approval = doc.model.metadata.approval
    if approval is None:
        return Markup("not recorded")
    return text(approval.approved_on.isoformat()) + Markup(" by ") + site.ref(approval.approved_by, page)


def revision(site: Site, doc: Doc) -> dt.date | None:
    """The page's "last update": the newest commit, else the approval or last review date."""
    revisions = site.history(doc)
    if revisions:
        return max(r.date for r in revisions)
    meta = doc.model.metadata
    dates = [meta.approval.approved_on if meta.approval else None, meta.review.last_reviewed if meta.review else None]
    return max((d for d in dates if d is not None), default=None)


def pages(site: Site) -> Iterator[Page]:
    """The index of all documents by kind, and a page for each document without a page of its own."""
    by_kind: dict[str, list[Doc]] = {}
    for doc in site.of_kind(*sorted(KINDS)):
        by_kind.setdefault(doc.kind, []).append(doc)

    def row(doc: Doc, page: str) -> list[object]:
        meta = doc.model.metadata
        return [link(site.name(doc), page_of(doc), page), doc.id, meta.status.value, meta.version or "",
                site.ref(meta.owner, page), len(site.findings_by_doc.get(doc.id, []))]

    sections = []
    for kind, docs in sorted(by_kind.items()):
        shown, more = paged_table(docs, row, ["Document", "Id", "Status", "Version", "Owner", "Findings"], INDEX,
                                  kind.lower(), f"Documents: {kind}", first=INLINE)
        sections.append((kind, shown))
        yield from more
    yield Page(INDEX, "Documents", "documents.md.j2", {"sections": sections, "total": len(site.docs)},
               searchable=False)
    for doc in site.docs.values():
        if doc.kind not in _OWN_PAGES:
            page = page_of(doc)
            parts, taken = extra_sections(site, doc, page)
            yield Page(page, site.name(doc), "document.md.j2",
                       {"doc": doc, "sections": parts, "fields": fields(site, doc, page, skip=taken),
                        **control(site, doc, page)},
                       revision=revision(site, doc))


def extra_sections(site: Site, doc: Doc, page: str) -> tuple[list[tuple[str, Markup]], set[str]]:
    """What a generic page shows in sections of its own, and the spec fields they take from the list.

    A long description is rendered as Markdown (:func:`~.markdown.prose`); stakeholders (a scope's or a
    stakeholder analysis's) as a table; a scope links its stakeholder analyses, a report specification
    the agreements it reports on and its deliveries.
    """
    spec, found, taken = doc.spec, [], set()
    related: list[list[object]] = []
    if doc.kind == "Scope":
        analyses = site.sms.referring(doc.id, "StakeholderAnalysis", via="scope")
        related.append(["Stakeholder analyses", site.refs([a.id for a in analyses], page) or text("none")])
    if doc.kind == "ReportSpecification":
        agreements = site.sms.referring(doc.id, *AGREEMENTS, via="reporting")
        deliveries = site.sms.referring(doc.id, "ReportDelivery", via="report")
        related.append(["Reports on", site.refs([a.id for a in agreements], page) or text("no agreement")])
        related.append(["Deliveries", site.refs([d.id for d in deliveries], page) or text("none recorded")])
    if related:
        found.append(("Related", table(["What", "Documents"], related)))
    if isinstance(getattr(spec, "description", None), str):
        found.append(("Description", prose(spec.description)))
        taken.add("description")
    if getattr(spec, "stakeholders", None):
        rows = [[s.name, s.type or "", Markup("<br>").join(text(n) for n in s.needs),
                 Markup("<br>").join(text(e) for e in s.expectations)] for s in spec.stakeholders]
        found.append(("Stakeholders", table(["Stakeholder", "Type", "Needs", "Expectations"], rows)))
        taken.add("stakeholders")
    return found, taken


def fields(site: Site, doc: Doc, page: str, skip: Collection[str] = ()) -> Markup:
    """A document's spec as nested bullets (but the top-level fields in ``skip``); the values of reference
    fields link to their documents."""
    refs = {ref.loc for ref in references(doc.model)}
    data = {k: v for k, v in doc.spec.model_dump(mode="json", by_alias=True).items() if k not in skip}
    return Markup("\n".join(_lines(site, data, ("spec",), refs, page, 0))) or Markup("*No fields.*")


def _lines(site: Site, value: Any, loc: tuple[str | int, ...], refs: set[tuple[str | int, ...]], page: str,
           depth: int) -> list[str]:
    """Bullets for a mapping or list: scalars as ``**Key:** value``, nested values one level deeper.

    An entry of a list that is a mapping becomes one bullet of its scalar fields, separated by semicolons.
    """
    pad = "    " * depth
    items = value.items() if isinstance(value, dict) else enumerate(value)
    lines = []
    for key, item in items:
        if item in (None, [], {}):
            continue
        here = (*loc, key)
        if isinstance(item, dict) and isinstance(key, int):
            flat = {k: v for k, v in item.items() if not isinstance(v, (dict, list))}
            shown = "; ".join(f"**{text(_label(k))}:** {_value(site, v, (*here, k), refs, page)}"
                              for k, v in flat.items() if v is not None)
            nested = {k: v for k, v in item.items() if k not in flat}
            lines.append(f"{pad}- {shown}")
            if any(v not in ([], {}) for v in nested.values()):
                lines += ["", *_lines(site, nested, here, refs, page, depth + 1)]
        elif isinstance(item, (dict, list)):
            label = f"**{text(_label(str(key)))}**" if isinstance(key, str) else ""
            lines += [f"{pad}- {label}", "", *_lines(site, item, here, refs, page, depth + 1)]
        elif isinstance(key, str):
            lines.append(f"{pad}- **{text(_label(key))}:** {_value(site, item, here, refs, page)}")
        else:
            lines.append(f"{pad}- {_value(site, item, here, refs, page)}")
    return lines


def _value(site: Site, value: object, loc: tuple[str | int, ...], refs: set[tuple[str | int, ...]],
           page: str) -> Markup:
    return site.ref(str(value), page) if loc in refs else cell(value)


def _label(key: str) -> str:
    """``value_proposition`` → ``Value proposition``; short keys are acronyms (``sla``, ``rto``, ``id``)."""
    return key.upper() if len(key) <= 3 else key.replace("_", " ").capitalize()
