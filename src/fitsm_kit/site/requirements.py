"""The conformity pages: the matrix (index) and one page per FitSM-1 requirement with its evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup

from fitsm_kit.engine.selection import rule_requirements
from fitsm_kit.findings import Finding
from fitsm_kit.model import catalogue
from fitsm_kit.model.base import Attestation
from fitsm_kit.output import matrix
from fitsm_kit.rules.base import REGISTRY
from fitsm_kit.rules.structural import STRUCTURAL
from fitsm_kit.site.data import Site, page_of
from fitsm_kit.site.markdown import link, table, text
from fitsm_kit.site.page import Page
from fitsm_kit.sms.index import Doc

INDEX = "requirements/index.md"
SHOWN = 100  # findings listed in one table: a page stays small (and searchable) however many there are
DOCUMENTS = "documents/index.md"


def page_for(requirement: str) -> str:
    return f"requirements/{requirement}.md"


@dataclass(frozen=True)
class Conformity:
    """The matrix rows and totals of one check, computed once for the dashboard and these pages."""

    rows: list[matrix.Row]
    totals: dict[str, int]


def conformity(site: Site) -> Conformity:
    rows = matrix.rows(site.result, site.sms.config, rule_requirements())
    return Conformity(rows, matrix.totals(rows))


def matrix_table(site: Site, conf: Conformity, page: str) -> Markup:
    """Requirement, area, state, findings, waived, note: one row per requirement."""
    return table(["Requirement", "Area", "State", "Findings", "Waived", "Note"],
                 [[link(r.requirement, page_for(r.requirement), page), r.group_title, r.state.value,
                   r.findings, r.waived, r.note] for r in conf.rows])


def findings_table(site: Site, findings: list[Finding], page: str, empty: str = "No findings.") -> Markup:
    """Where, document, requirement, rule, severity, message and fix of the first :data:`SHOWN` findings."""
    rows = []
    for f in findings[:SHOWN]:
        doc = site.docs.get(f.document)
        rows.append([f"{f.path}:{f.line}:{f.col}", link(site.name(doc), page_of(doc), page) if doc else "",
                     link(f.requirement, page_for(f.requirement), page) if f.requirement in _REQS else f.requirement,
                     f.rule, f.severity.value, f.message, f.fix])
    shown = table(["Where", "Document", "Requirement", "Rule", "Severity", "Message", "Fix"], rows, empty)
    if len(findings) <= SHOWN:
        return shown
    return shown + Markup("\n\n") + text(f"… and {len(findings) - SHOWN} more; 'fitsm check' lists them all, "
                                           "and each document's page shows its own.")


_REQS = catalogue.requirements()


def attestations_table(site: Site, attested: list[tuple[Doc, Attestation]], page: str) -> Markup:
    """The first :data:`SHOWN` attestations, then how many more per kind, with links to the register.

    A requirement such as GR5.2 may be attested on every document: listed in full, the page (and its
    search entry, which Zensical limits to 16,384 token positions) would grow with the SMS.
    """
    rows = [[link(site.name(doc), page_of(doc), page), a.statement, site.ref(a.by, page), a.role, a.on.isoformat()]
            for doc, a in attested[:SHOWN]]
    shown = table(["Document", "Statement", "By", "Role", "On"], rows, "None recorded.")
    if len(attested) <= SHOWN:
        return shown
    rest = Counter(doc.kind for doc, _ in attested[SHOWN:])
    more = table(["Kind", "More attestations"],
                 [[link(kind, DOCUMENTS, page, anchor=kind.lower()), n] for kind, n in sorted(rest.items())])
    return shown + Markup("\n\n") + text(f"… and {len(attested) - SHOWN} more, on these documents' own pages:") \
        + Markup("\n\n") + more


def pages(site: Site, conf: Conformity) -> Iterator[Page]:
    """The matrix page, then one page per requirement."""
    yield Page(INDEX, "Conformity", "requirements.md.j2",
               {"matrix": matrix_table(site, conf, INDEX), "totals": conf.totals, "as_of": site.as_of.isoformat()})
    for row in conf.rows:
        yield _requirement(site, row)


def _requirement(site: Site, row: matrix.Row) -> Page:
    req = _REQS[row.requirement]
    page = page_for(req.id)
    checks = [(name, REGISTRY[name].summary, REGISTRY[name].severity.value, REGISTRY[name].kinds)
              if name in REGISTRY else (name, STRUCTURAL[name][1], "error", ()) for name in row.rules]
    kinds = sorted({k for _, _, _, ks in checks for k in ks})
    counts = {kind: len(site.of_kind(kind)) for kind in kinds}
    evidence = [[link(kind, DOCUMENTS, page, anchor=kind.lower()) if n else kind, n] for kind, n in counts.items()]
    attested = [(doc, a) for doc in site.docs.values() for a in doc.model.metadata.attestations
                if a.requirement == req.id]
    return Page(page, f"{req.id} {req.group_title}", "requirement.md.j2", {
        "req": req, "row": row,
        "text": text(req.text), "items": [text(i) for i in req.items],
        "rules": table(["Rule", "What it checks", "Severity"], [[n, s, sev] for n, s, sev, _ in checks],
                       "No selected rule checks this requirement."),
        "evidence": table(["Kind", "Documents"], evidence, "The rules read the SMS as a whole."),
        "attestations": attestations_table(site, attested, page),
        "findings": findings_table(site, site.findings_by_req.get(req.id, []), page),
        "waived": findings_table(site, [f for f in site.result.waived if f.requirement == req.id], page,
                                 "None."),
        "attribution": catalogue.attribution(),
    })
