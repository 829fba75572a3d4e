"""What every page reads: the SMS, the check result and the reverse links between documents.

The reverse links by plain reference (which catalogues list a service, which services a customer
uses, …) are built in one pass over the documents, so pages look them up instead of searching: the
site grows linearly. Derived facts (which SLAs cover a service, which OLAs / UAs stand behind an SLA,
whether an agreement is in force) come from the functions the rules use, which index the SMS once too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup

from fitsm_kit.findings import Finding, Result
from fitsm_kit.rules.base import Context
from fitsm_kit.rules.pr_agreements import (
    agreements_behind,
    agreements_supporting,
    covering_slas,
    sla_services,
    slas_underpinned,
)
from fitsm_kit.rules.pr_common import in_force, why_not_in_force
from fitsm_kit.site.history import HistorySource, no_history
from fitsm_kit.site.markdown import link, text
from fitsm_kit.sms.index import Doc, Sms

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fitsm_kit.gitcontrol.doccontrol import HistorySource as GitSource

AGREEMENTS = ("SLA", "OLA", "UA")
SUPPORTING = ("OLA", "UA")


def page_of(doc: Doc) -> str:
    """The Markdown file of a document's own page (docs-relative).

    A page is named after the id, except where the id is a name the site uses itself: ``index`` would
    overwrite the section's own page. Ids start with a letter or digit, so ``_index`` is no id's page.
    """
    name = f"_{doc.id}" if doc.id in RESERVED else doc.id
    if doc.kind == "Service":
        return f"services/{name}.md"
    if doc.kind in AGREEMENTS:
        return f"agreements/{name}.md"
    return f"documents/{name}.md"


RESERVED = {"index"}  # the name of every section's own page


def _links() -> defaultdict[str, list[str]]:
    return defaultdict(list)


@dataclass
class Site:
    """The SMS with its check result, indexed for the pages."""

    sms: Sms
    result: Result
    title: str
    history: HistorySource = no_history
    git: GitSource | None = None  # what the rules read as ctx.history: reviews in Git count on the pages too
    docs: dict[str, Doc] = field(default_factory=dict)  # by id; the first of duplicate ids wins
    findings_by_doc: defaultdict[str, list[Finding]] = field(default_factory=lambda: defaultdict(list))
    findings_by_req: defaultdict[str, list[Finding]] = field(default_factory=lambda: defaultdict(list))
    used_by: defaultdict[str, list[str]] = field(default_factory=_links)
    catalogues_of: defaultdict[str, list[str]] = field(default_factory=_links)
    services_of_customer: defaultdict[str, list[str]] = field(default_factory=_links)
    slas_of_customer: defaultdict[str, list[str]] = field(default_factory=_links)
    services_of_supplier: defaultdict[str, list[str]] = field(default_factory=_links)
    agreements_of_supplier: defaultdict[str, list[str]] = field(default_factory=_links)
    evaluations_of: defaultdict[str, list[str]] = field(default_factory=_links)
    catalogue_services: dict[str, list[str]] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.sms.as_of

    @property
    def ctx(self) -> Context:
        return Context(sms=self.sms, config=self.sms.config, as_of=self.sms.as_of, git=self.git)

    def of_kind(self, *kinds: str) -> list[Doc]:
        """Documents of ``kinds`` (first of duplicate ids only), sorted by id."""
        return sorted((d for d in self.sms.of_kind(*kinds) if self.docs.get(d.id) is d), key=lambda d: d.id)

    def ref(self, doc_id: str | None, page: str) -> Markup:
        """A link to the document ``doc_id`` titled by it; the bare id when it does not exist."""
        if not doc_id:
            return Markup("")
        doc = self.docs.get(doc_id)
        if doc is None:
            return text(doc_id) + Markup(" *(not found)*")
        return link(self.name(doc), page_of(doc), page)

    def refs(self, ids: list[str], page: str) -> Markup:
        return Markup(", ").join(self.ref(i, page) for i in dict.fromkeys(ids))

    def services_of_sla(self, doc: Doc) -> list[str]:
        """The services an SLA covers, as the rules count them (:func:`~fitsm_kit.rules.pr_agreements.sla_services`):
        those it names; a default SLA's catalogue's services, or every live customer-facing one."""
        return list(dict.fromkeys(sla_services(self.sms, doc)))

    def slas_of(self, service_id: str) -> list[Doc]:
        """The SLAs that cover a service, in force or not (rule live-service-has-sla's ``covering_slas``)."""
        return self._shown(covering_slas(self.ctx, service_id))

    def supporting_of(self, service_id: str) -> list[Doc]:
        """The OLAs and UAs that support a service (or some of its components), in force or not."""
        return self._shown(agreements_supporting(self.sms, service_id))

    def behind(self, doc: Doc) -> list[Doc]:
        """For an SLA: the OLAs / UAs behind it; for an OLA / UA: the SLAs it stands behind (as the chain
        rules read ``supports_slas``: empty means every SLA over the services it supports)."""
        found = agreements_behind(self.sms, doc) if doc.kind == "SLA" else slas_underpinned(self.sms, doc)
        return self._shown(found)

    def in_force(self, doc: Doc) -> bool:
        """Whether an agreement is in force: approved, complete and within its validity (rules' ``in_force``)."""
        return in_force(doc, self.ctx)

    def force(self, doc: Doc) -> str:
        """An agreement's state in words: "in force", or "not in force: " and why, as the findings say it."""
        return "in force" if self.in_force(doc) else f"not in force: {why_not_in_force(doc, self.ctx)}"

    def _shown(self, docs: list[Doc]) -> list[Doc]:
        """``docs`` once each, as the site knows them (the first of duplicate ids has the page)."""
        return [self.docs[i] for i in dict.fromkeys(d.id for d in docs) if i in self.docs]

    def name(self, doc: Doc) -> str:
        """How a document is called in links: a person's name, otherwise its title."""
        return str(doc.spec.name or doc.title) if doc.kind == "Person" else doc.title


def build_site(sms: Sms, result: Result, history: HistorySource = no_history, git: GitSource | None = None) -> Site:
    """Index ``sms`` and ``result`` for the pages (one pass over documents and findings); ``git``: the Git
    history the rules read (None: none, as without Git)."""
    scopes = sorted(sms.of_kind("Scope"), key=lambda d: d.id)
    organisations = [str(o) for d in scopes for o in d.spec.organisations]
    title = ", ".join(dict.fromkeys(organisations)) or "Service management system"
    site = Site(sms=sms, result=result, title=title, history=history, git=git)
    for doc in sms.docs:
        site.docs.setdefault(doc.id, doc)
    for finding in result.findings:
        site.findings_by_req[finding.requirement].append(finding)
        if finding.document:
            site.findings_by_doc[finding.document].append(finding)
    for doc in site.of_kind("ServiceCatalogue"):
        site.catalogue_services[doc.id] = list(doc.spec.services)
        for service in doc.spec.services:
            site.catalogues_of[service].append(doc.id)
    for doc in site.of_kind("Service"):
        for dependency in doc.spec.depends_on:
            site.used_by[dependency].append(doc.id)
        for customer in doc.spec.customers:
            site.services_of_customer[customer].append(doc.id)
        for supplier in doc.spec.suppliers:
            site.services_of_supplier[supplier.supplier].append(doc.id)
    for doc in site.of_kind("SLA"):
        if doc.spec.customer:
            site.slas_of_customer[doc.spec.customer].append(doc.id)
    for doc in site.of_kind(*SUPPORTING):
        for party in doc.spec.parties:  # its supplier, or every signatory of an OLA template
            site.agreements_of_supplier[party].append(doc.id)
    for doc in site.of_kind("AgreementEvaluation"):
        site.evaluations_of[doc.spec.agreement].append(doc.id)
    return site
