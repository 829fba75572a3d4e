"""Agreement pages: the index of SLAs, OLAs and UAs, and one page per agreement.

Whether an agreement is in force, what it covers, which agreements stand behind it and when it is next
evaluated are the rules' facts (:class:`~.data.Site` and :mod:`.reviews` take them from the rules).
"""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from fitsm_kit.model.service import Hours, Target
from fitsm_kit.site import documents
from fitsm_kit.site.data import AGREEMENTS, Site, page_of
from fitsm_kit.site.markdown import bullets, link, prose, table, text
from fitsm_kit.site.page import Page
from fitsm_kit.site.paging import paged_table
from fitsm_kit.site.reviews import end_due, evaluation_due
from fitsm_kit.sms.index import Doc

INDEX = "agreements/index.md"
_NAMES = {"SLA": "Service level agreements", "OLA": "Operational level agreements",
          "UA": "Underpinning agreements"}
_SIGNS = {"at-least": "≥", "at-most": "≤"}


def pages(site: Site) -> Iterator[Page]:
    def row(d: Doc, page: str) -> list[object]:
        return [link(d.title, page_of(d), page), _party(site, d, page), validity(d),
                "yes" if site.in_force(d) else "no", d.model.metadata.status.value]

    sections = []
    for kind in AGREEMENTS:  # long registers go on linked parts, so the page does not grow with the SMS
        shown, more = paged_table(site.of_kind(kind), row, ["Agreement", "With", "Validity", "In force", "Status"],
                                  INDEX, kind.lower(), f"Agreements: {_NAMES[kind]}", first=documents.INLINE)
        yield from more
        sections.append((_NAMES[kind], shown))
    yield Page(INDEX, "Agreements", "agreements.md.j2", {"sections": sections}, searchable=False)
    for doc in site.of_kind(*AGREEMENTS):
        yield _agreement(site, doc)


def _party(site: Site, doc: Doc, page: str) -> Markup:
    """The other party: the SLA's customer (all customers for a default SLA), the OLA's / UA's supplier,
    or the signatories of an OLA template."""
    if doc.kind == "SLA":
        return site.ref(doc.spec.customer, page) if doc.spec.customer else text("all customers (default SLA)")
    if doc.spec.supplier:
        return site.ref(doc.spec.supplier, page)
    if doc.spec.signatories:
        return text("signatories:") + Markup(" ") + site.refs([s.supplier for s in doc.spec.signatories], page)
    return text("not stated")


def validity(doc: Doc) -> str:
    """The agreed validity as written; whether that makes the agreement in force is :meth:`Site.force`."""
    span = doc.spec.validity
    return f"{span.start} – {span.end or 'open-ended'}" if span is not None else "not stated"


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


def target_value(target: Target) -> str:
    """``≥ 99.5 %``: the value with the direction the evaluation compares in (none for 'other' without one)."""
    sign = _SIGNS.get(target.sense or "", "")
    return f"{sign} {target.value:g} {target.unit}".strip()


def _targets(site: Site, doc: Doc, page: str) -> Markup:
    rows = [[t.id, t.metric, target_value(t), site.refs(t.services, page) or text("all"),
             " / ".join(p for p in (t.priority, t.level) if p), t.period, t.consequence or "", t.description or ""]
            for t in doc.spec.targets or ()]
    return table(["Target", "Metric", "Value", "Services", "Priority / level", "Period", "Consequence",
                  "Description"], rows)


def _behind(site: Site, doc: Doc, page: str) -> Markup:
    """For an SLA the OLAs / UAs behind it, for an OLA / UA the SLAs it stands behind; each with its state."""
    found = site.behind(doc)
    if doc.kind == "SLA":
        rows = [[site.ref(a.id, page), a.kind, _party(site, a, page), site.force(a)] for a in found]
        return table(["Agreement", "Kind", "With", "In force"], rows, "None.")
    rows = [[site.ref(s.id, page), _party(site, s, page), site.force(s)] for s in found]
    shown = table(["SLA", "Customer", "In force"], rows, "None.")
    named = {s.id for s in found}
    unbacked = [i for i in doc.spec.supports_slas if i not in named]
    if unbacked:  # it names an SLA over none of the services it supports: the chain rules do not count it
        shown += Markup("\n\n") + text("Named in supports_slas, but covering none of the services it supports:") \
            + Markup(" ") + site.refs(unbacked, page)
    return shown


def _signatories(site: Site, doc: Doc, page: str) -> Markup:
    rows = [[site.ref(s.supplier, page), s.signed_on.isoformat(), site.ref(s.counterpart, page) if s.counterpart
             else "", s.contract_ref or ""] for s in getattr(doc.spec, "signatories", [])]
    return table(["Supplier", "Signed on", "Agreed with", "Contract"], rows, "") if rows else Markup("")


def _reports(site: Site, doc: Doc, page: str) -> Markup:
    """The reports on this agreement, each with who receives it (its recipients, else its audience)."""
    items = []
    for report in doc.spec.reporting:
        spec = site.docs.get(report)
        spec = spec.spec if spec is not None and spec.kind == "ReportSpecification" else None
        to = site.refs(spec.recipients, page) if spec is not None and spec.recipients else \
            text(", ".join(spec.audience)) if spec is not None else Markup("")
        items.append(site.ref(report, page) + (Markup(" — to: ") + to if to else Markup("")))
    return bullets(items, "No reports.")


def _ends(site: Site, doc: Doc) -> str:
    """The last day of the validity, with its state in the calendar (upcoming, expired, …)."""
    span = doc.spec.validity
    if span is None or span.end is None:
        return "not stated" if span is None else "open-ended"
    end = end_due(site, doc)
    return end.describe() if end is not None else f"{span.end} (not in force)"


def _evaluation(site: Site, doc: Doc, page: str) -> Markup:
    """When the agreement is next to be evaluated, and the evaluation that date counts from."""
    due = evaluation_due(site, doc)
    if due is None:
        return text("— (not in force)")
    after = Markup(", counted from ") + site.ref(due.after, page) if due.after else \
        Markup(", counted from the start of its validity")
    return text(due.describe()) + after


def _agreement(site: Site, doc: Doc) -> Page:
    page, spec = page_of(doc), doc.spec
    if doc.kind == "SLA":
        covered = [site.ref(s, page) for s in site.services_of_sla(doc)]
    else:
        covered = [site.ref(c.service, page) + (Markup(" ") + text(f"(component {c.component})") if c.component
                                                else Markup("")) for c in spec.supports or ()]
    counterpart = getattr(spec, "counterpart", None)
    return Page(page, doc.title, "agreement.md.j2", {
        "doc": doc, "kind_name": _NAMES[doc.kind][:-1], "description": prose(spec.description),
        "provider": site.ref(doc.model.metadata.owner, page), "party": _party(site, doc, page),
        "party_label": "Customer" if doc.kind == "SLA" else "Supplier",
        "counterpart": site.ref(counterpart, page) if counterpart else Markup(""),
        "signatories": _signatories(site, doc, page),
        "covered": bullets(covered, "No services named."),
        "validity": text(validity(doc)), "in_force": text(site.force(doc)),
        "ends": text(_ends(site, doc)),
        "evaluation": _evaluation(site, doc, page),
        "service_hours": hours(spec.service_hours),
        "support": table(["Property", "Value"], [
            ["Contact", spec.support.contact], ["Hours", hours(spec.support.hours)],
            ["Channels", ", ".join(spec.support.channels) or "—"]] if spec.support else [["Support", "not stated"]]),
        "targets": _targets(site, doc, page),
        "supporting_label": "Supporting agreements" if doc.kind == "SLA" else "Supports these SLAs",
        "supporting": _behind(site, doc, page),
        "limitations": bullets(spec.limitations, "None stated."),
        "provider_resp": bullets(spec.provider_responsibilities, "None stated."),
        "counterpart_resp": bullets(spec.counterpart_responsibilities, "None stated."),
        "communication": text(spec.communication or "not stated"), "security": text(spec.security or "not stated"),
        "reporting": _reports(site, doc, page),
        "evaluations": bullets([site.ref(e, page) for e in site.evaluations_of.get(doc.id, [])],
                               "Not evaluated yet."),
        "contract": text(getattr(spec, "contract_ref", None) or ""),
        "index": link("All agreements", INDEX, page),
        **documents.control(site, doc, page),
    }, revision=documents.revision(site, doc))
