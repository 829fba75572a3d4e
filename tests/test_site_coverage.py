"""Check and site agree: the facts the site shows are the facts the rules compute.

For every service and every agreement of the bundled examples, the federation-cloud conformity SMS and
the acme example with the cases the examples lack (:func:`site_sms.edge_sms`), at the SMS's own date,
before it and after it, the generated Markdown pages are read and compared with
the rule functions and with the findings of the check:

- a service's SLAs (as ``covering_slas`` counts them: a default SLA without a catalogue covers every
  live customer-facing service; the site once said "No SLA covers it" there), whether one is in force,
  and the OLAs / UAs that support it;
- an agreement's state (``in_force`` and the words of ``why_not_in_force``), what it covers, the
  supply chain (an OLA whose ``supports_slas`` is empty stands behind every SLA over its services; the
  site once said "Supports these SLAs: None."), the end of its validity, its next evaluation and next
  review (``next_evaluation``, ``next_review``, late as ``ctx.overdue`` says);
- the catalogue's SLAs in force, the portfolio's counts and the agreement register's "In force".
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from fitsm_kit.engine.run import check_sms
from fitsm_kit.findings import Result
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.model.service import Lifecycle
from fitsm_kit.rules.base import Context
from fitsm_kit.rules.documents import next_review
from fitsm_kit.rules.pr_agreements import covering_slas, next_evaluation, sla_services, supporting
from fitsm_kit.rules.pr_chain import chain
from fitsm_kit.rules.pr_common import expired, in_force, why_not_in_force
from fitsm_kit.site import generate
from fitsm_kit.site.data import build_site
from fitsm_kit.site.writer import write_sources
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.index import Doc, Sms
from site_sms import edge_sms

from conftest import EXAMPLES

HERE = Path(__file__).resolve().parent
ROOTS = [EXAMPLES / "acme", EXAMPLES / "federation", HERE / "conformity" / "sms" / "federation-cloud"]
EDGES = Path("acme-edges")  # tests/site_sms.py: what the examples lack (drafts, incomplete, not yet valid, …)
# The SMS's own date (all in force, nothing late), before some validities start, and after some end and
# reviews and evaluations are overdue.
SHIFTS = [0, -300, 200]
SOON = dt.timedelta(days=60)
REVIEW_RULES = ("review-overdue", "sla-reviewed", "supporting-agreement-reviewed")
LATE_REVIEW = ("overdue", "never reviewed", "no interval", "recorded ahead")


@dataclass(frozen=True)
class Rendered:
    sms: Sms
    ctx: Context
    result: Result
    docs: Path  # the generated Markdown pages

    def page(self, doc: Doc) -> str:
        name = f"_{doc.id}" if doc.id == "index" else doc.id
        section = {"Service": "services", "SLA": "agreements", "OLA": "agreements", "UA": "agreements"}
        return (self.docs / section.get(doc.kind, "documents") / f"{name}.md").read_text(encoding="utf-8")

    def rules_on(self, doc: Doc, *rules: str) -> list[str]:
        """The messages of the findings of ``rules`` on ``doc``."""
        return [f.message for f in self.result.findings if f.document == doc.id and f.rule in rules]


@pytest.fixture(scope="module", params=[(r, s) for r in [*ROOTS, EDGES] for s in SHIFTS],
                ids=lambda p: f"{p[0].name}{p[1]:+d}d")
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root, shift = request.param
    if root == EDGES:
        root = edge_sms(tmp_path_factory.mktemp("edges") / "acme-edges")
    config = load_config(root)
    assert config.as_of is not None
    as_of = config.as_of + dt.timedelta(days=shift)
    sms, result = check_sms(root, config, as_of)
    build = tmp_path_factory.mktemp("site")
    write_sources(build, generate(build_site(sms, result)))
    return Rendered(sms, Context(sms=sms, config=config, as_of=as_of), result, build / "docs")


# --- reading the Markdown ----------------------------------------------------------------------------

_LINK = re.compile(r"\]\((?:[^()]*/)?([^/()#]+)\.md(?:#[^()]*)?\)")


def section(md: str, heading: str) -> str:
    """The text below ``heading`` (e.g. ``### Service level agreements``) up to the next heading as high."""
    start = md.index(f"\n{heading}\n") + len(heading) + 2
    level = len(heading.split(" ")[0])
    after = re.compile(rf"^#{{1,{level}}} ", re.M).search(md, start)
    return md[start:after.start() if after else len(md)]


def ids(cell: str) -> list[str]:
    """The documents a cell links to (``_index`` is the page of the id ``index``)."""
    return ["index" if m.group(1) == "_index" else m.group(1) for m in _LINK.finditer(cell)]


def by_link(block: str) -> dict[str, list[str]]:
    """The rows of the tables in ``block`` whose first cell links to a document, keyed by that document."""
    cells = [line[2:-2].split(" | ") for line in block.splitlines() if line.startswith("| ")]
    return {ids(row[0])[0]: row for row in cells if ids(row[0])}


def prop(md: str, name: str) -> str:
    """The value of the row ``name`` of a property table, as the reader sees it (references decoded)."""
    found = re.search(rf"^\| {re.escape(name)} \| (.*) \|$", md, re.M)
    assert found, name
    return html.unescape(found.group(1))


# --- what the rules say, in the site's words -----------------------------------------------------------

def force(doc: Doc, ctx: Context) -> str:
    return "in force" if in_force(doc, ctx) else f"not in force: {why_not_in_force(doc, ctx)}"


def when(date: dt.date, late: dt.date | None, ctx: Context) -> str:
    """A due date and its state: overdue exactly where the rule reports it (past the date and the grace)."""
    state = "overdue" if late is not None else "in grace" if date < ctx.as_of else \
        "upcoming" if date <= ctx.as_of + SOON else "planned"
    return f"{date} ({state})"


def review(doc: Doc, ctx: Context) -> str:
    due = next_review(doc, ctx)
    if due is None:
        return "— (record)" if KINDS[doc.kind].record else f"— (not due while {doc.model.metadata.status.value})"
    if due.interval is None:
        return "no interval"
    if due.last is None:
        return "never reviewed"
    assert due.due is not None
    if due.last > ctx.as_of:
        return f"{due.due} (recorded ahead)"
    return when(due.due, ctx.overdue(due.last, due.interval), ctx)


# --- the comparisons -----------------------------------------------------------------------------------

def test_service_pages_show_the_rules_coverage(rendered: Rendered) -> None:
    ctx, sms = rendered.ctx, rendered.sms
    services = sms.of_kind("Service")
    assert services
    for service in services:
        md = rendered.page(service)
        agreements = section(md, "## Agreements")
        slas = covering_slas(ctx, service.id)
        shown = by_link(section(agreements, "### Service level agreements"))
        assert {i: html.unescape(r[-1]) for i, r in shown.items()} == {s.id: force(s, ctx) for s in slas}, service.id
        covered = any(in_force(s, ctx) for s in slas)
        assert f"Covered by an SLA in force: **{'yes' if covered else 'no'}**" in agreements, service.id
        live = service.spec.lifecycle_status is Lifecycle.LIVE and service.spec.customer_facing
        uncovered = [m for m in rendered.rules_on(service, "live-service-has-sla") if not m.startswith("customer ")]
        # the check says so too (when every SLA has expired, each expired SLA is the finding instead)
        assert bool(uncovered) == (live and not covered and not (slas and all(expired(s, ctx) for s in slas)))
        if live:
            assert slas, f"{service.id}: the site would say 'No SLA covers it'"
        # supporting agreements: every OLA / UA whose supports name the service, with its state
        shown = by_link(section(agreements, "### Supporting agreements (OLAs and UAs)"))
        expected = {a.id: force(a, ctx) for a in sms.of_kind("OLA", "UA")
                    if any(c.service == service.id for c in a.spec.supports or ())}
        assert {i: html.unescape(r[-1]) for i, r in shown.items()} == expected, service.id
        assert {i for i, r in shown.items() if r[-1] == "in force"} == {a.id for a in supporting(ctx, service.id)}
        assert prop(md, "Next review due") == review(service, ctx), service.id


def test_agreement_pages_show_the_rules_state_chain_and_dates(rendered: Rendered) -> None:
    ctx, sms = rendered.ctx, rendered.sms
    agreements = sms.of_kind("SLA", "OLA", "UA")
    assert agreements
    for doc in agreements:
        md = rendered.page(doc)
        assert prop(md, "In force") == force(doc, ctx), doc.id
        # what it covers
        covered = ids(section(md, "## Services"))
        if doc.kind == "SLA":
            assert covered == list(dict.fromkeys(sla_services(sms, doc))), doc.id
        else:
            assert covered == [c.service for c in doc.spec.supports or ()], doc.id
        # the supply chain, read as the chain rules read supports_slas
        behind = by_link(section(md, "## Supporting agreements" if doc.kind == "SLA" else "## Supports these SLAs"))
        assert {i: html.unescape(r[-1]) for i, r in behind.items()} == \
            {d.id: force(d, ctx) for d in _chain(sms, ctx, doc)}, doc.id
        # every agreement the chain rules compose is on the SLA's page, and the SLA on the agreement's page
        composed = {(sla.id, a.id) for sla in sms.of_kind("SLA") for link in chain(ctx, sla) for a in link.agreements}
        for sla_id, agreement_id in composed:
            if doc.id == sla_id:
                assert behind[agreement_id][-1] == "in force", doc.id
            if doc.id == agreement_id:
                assert behind[sla_id][-1] == "in force", doc.id
        # the end of its validity
        end = doc.spec.validity.end if doc.spec.validity else None
        ends = prop(md, "Validity ends")
        if end is None:
            assert ends == ("open-ended" if doc.spec.validity else "not stated"), doc.id
        elif expired(doc, ctx):
            assert ends == f"{end} (expired)", doc.id
            assert any("expired" in m for m in rendered.rules_on(doc, "sla-in-force", "supporting-agreement-in-force"))
        elif in_force(doc, ctx):
            assert ends == when(end, None, ctx), doc.id
        else:
            assert ends == f"{end} (not in force)", doc.id
        # its next evaluation, and whether the check reports it late
        evaluation = next_evaluation(doc, ctx)
        shown_evaluation = prop(md, "Next evaluation due")
        late = rendered.rules_on(doc, "sla-evaluated", "supporting-agreement-evaluated")
        late = [m for m in late if m.startswith(("never evaluated", "last evaluated"))]
        if evaluation is None:
            assert shown_evaluation == "— (not in force)", doc.id
            assert not late, doc.id
        else:
            overdue = ctx.overdue(evaluation.since, evaluation.interval)
            date, _, basis = shown_evaluation.partition(", counted from ")
            assert date == when(evaluation.due, overdue, ctx), doc.id
            assert ids(basis) == ([evaluation.last.id] if evaluation.last else []), doc.id
            assert bool(late) == (overdue is not None), doc.id
        # its next review, and whether the check reports it late
        shown_review = prop(md, "Next review due")
        assert shown_review == review(doc, ctx), doc.id
        late_review = shown_review in LATE_REVIEW or shown_review.endswith(tuple(f"({s})" for s in LATE_REVIEW))
        assert late_review == bool(rendered.rules_on(doc, *REVIEW_RULES)), doc.id


def _chain(sms: Sms, ctx: Context, doc: Doc) -> list[Doc]:
    """For an SLA the OLAs / UAs behind it, for an OLA / UA the SLAs it stands behind, in force or not: it
    supports a service the SLA covers, and names the SLA in supports_slas or names none."""
    def behind(agreement: Doc, sla: Doc) -> bool:
        covered = set(sla_services(sms, sla))
        return any(c.service in covered for c in agreement.spec.supports or ()) and (
            not agreement.spec.supports_slas or sla.id in agreement.spec.supports_slas)

    if doc.kind == "SLA":
        return [a for a in sms.of_kind("OLA", "UA") if behind(a, doc)]
    return [s for s in sms.of_kind("SLA") if behind(doc, s)]


def test_registers_show_the_rules_state(rendered: Rendered) -> None:
    """The catalogue lists the SLAs in force, the portfolio counts them, the register says which are in force."""
    ctx, sms = rendered.ctx, rendered.sms
    catalogue = by_link((rendered.docs / "catalogue" / "index.md").read_text(encoding="utf-8"))
    portfolio = by_link((rendered.docs / "portfolio" / "index.md").read_text(encoding="utf-8"))
    register = by_link((rendered.docs / "agreements" / "index.md").read_text(encoding="utf-8"))
    assert catalogue and portfolio and register
    for service in sms.of_kind("Service"):
        slas = covering_slas(ctx, service.id)
        if service.id in catalogue:
            assert set(ids(catalogue[service.id][-1])) == {s.id for s in slas if in_force(s, ctx)}, service.id
        agreed = sum(1 for s in slas if in_force(s, ctx))
        assert portfolio[service.id][4] == (f"{len(slas)} ({agreed} in force)" if slas else "0"), service.id
    for doc in sms.of_kind("SLA", "OLA", "UA"):
        assert register[doc.id][3] == ("yes" if in_force(doc, ctx) else "no"), doc.id
