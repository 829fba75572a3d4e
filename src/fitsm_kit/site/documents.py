"""Every document's page: document control (status, version, approval, review, history, findings).

Services and agreements have their own pages (``services.py``, ``agreements.py``) that add the same
document-control section; every other document gets a generic page listing its fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from fitsm_kit.dates import due_date
from fitsm_kit.index import Doc
from fitsm_kit.model import KINDS
from fitsm_kit.site.data import AGREEMENTS, Site, page_of
from fitsm_kit.site.markdown import link, table, text
from fitsm_kit.site.page import Page
from fitsm_kit.site.requirements import findings_table

INDEX = "documents/index.md"
_OWN_PAGES = ("Service", *AGREEMENTS)


def control(site: Site, doc: Doc, page: str) -> dict[str, object]:
    """The document-control context every document page shows."""
    meta = doc.model.metadata
    interval = site.ctx.interval(doc) if not KINDS[doc.kind].record else None
    last = meta.review.last_reviewed if meta.review else None
    revisions = site.history(doc)
    facts = [
        ["Id", doc.id], ["Kind", doc.kind], ["Source", f"{doc.path}:{doc.line}"],
        ["Status", meta.status.value], ["Version", meta.version or "—"], ["Owner", site.ref(meta.owner, page)],
        ["Approved", _approval(site, doc, page)],
        ["Review interval", interval or ("— (record)" if KINDS[doc.kind].record else "none planned")],
        ["Last reviewed", last.isoformat() if last else "never"],
        ["Next review due", due_date(last, interval).isoformat() if last and interval else "—"],
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
    by_kind: dict[str, list[list[object]]] = {}
    for doc in site.of_kind(*sorted(KINDS)):
        meta = doc.model.metadata
        by_kind.setdefault(doc.kind, []).append([
            link(site.name(doc), page_of(doc), INDEX), doc.id, meta.status.value, meta.version or "",
            site.ref(meta.owner, INDEX), len(site.findings_by_doc.get(doc.id, []))])
    sections = [(kind, table(["Document", "Id", "Status", "Version", "Owner", "Findings"], rows))
                for kind, rows in sorted(by_kind.items())]
    yield Page(INDEX, "Documents", "documents.md.j2", {"sections": sections, "total": len(site.docs)},
               searchable=False)
    for doc in site.docs.values():
        if doc.kind not in _OWN_PAGES:
            page = page_of(doc)
            yield Page(page, site.name(doc), "document.md.j2",
                       {"doc": doc, "fields": fields(site, doc.spec.model_dump(mode="json", by_alias=True), page),
                        **control(site, doc, page)},
                       revision=revision(site, doc))


def fields(site: Site, value: Any, page: str) -> Markup:
    """A document's spec as nested bullets; strings that name a document link to it."""
    return _render(site, value, page, 0) or Markup("*No fields.*")


def _render(site: Site, value: Any, page: str, depth: int) -> Markup:
    pad = Markup("    " * depth)
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if item in (None, [], {}):
                continue
            if isinstance(item, (dict, list)):
                lines.append(pad + Markup("- **") + text(_label(key)) + Markup("**\n\n") + _render(site, item, page,
                                                                                                   depth + 1))
            else:
                lines.append(pad + Markup("- **") + text(_label(key)) + Markup(":** ") + _scalar(site, item, page))
        return Markup("\n").join(lines)
    if isinstance(value, list):
        lines = [pad + Markup("- ") + _scalar(site, item, page) if not isinstance(item, (dict, list))
                 else pad + Markup("-\n\n") + _render(site, item, page, depth + 1) for item in value]
        return Markup("\n").join(lines)
    return pad + Markup("- ") + _scalar(site, value, page)


def _scalar(site: Site, value: object, page: str) -> Markup:
    if isinstance(value, str) and value in site.docs:
        return site.ref(value, page)
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    return text(value)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()

