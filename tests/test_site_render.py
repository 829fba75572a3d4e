"""``fitsm render``: real strict builds with mkdocs-material and Zensical, checked page by page."""

from __future__ import annotations

import datetime as dt
import html as std_html
import re
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from fitsm_kit.engine.run import check, check_sms
from fitsm_kit.model.base import Status
from fitsm_kit.rules.base import REGISTRY, Context
from fitsm_kit.rules.documents import next_review
from fitsm_kit.rules.pr_agreements import next_evaluation
from fitsm_kit.rules.pr_common import expired, in_force
from fitsm_kit.site import render
from fitsm_kit.site.builder import MARKER
from fitsm_kit.site.history import Revision
from fitsm_kit.site.writer import NAV
from fitsm_kit.sms.config import load_config
from gitsms import no_user_git_config, scenario
from site_sms import AS_OF, SCRIPT, generated_sms, hostile_sms

from conftest import EXAMPLES, Run


def _render(root: Path, out: Path, **kwargs: object) -> Path:
    config = load_config(root)
    assert config.as_of is not None
    render(root, out, config, config.as_of, **kwargs)  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(SMS, site): the example with hostile text, rendered once with mkdocs-material."""
    base = tmp_path_factory.mktemp("hostile")
    sms = hostile_sms(base / "sms")
    return sms, _render(sms, base / "site")


def page(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text(encoding="utf-8")


def test_every_section_and_document_has_a_page(hostile: tuple[Path, Path]) -> None:
    sms_root, site = hostile
    config = load_config(sms_root)
    sms, _ = check_sms(sms_root, config, dt.date.fromisoformat(AS_OF))
    assert (site / MARKER).is_file() and (site / "index.html").is_file()
    for _, md in NAV:
        assert (site / md.removesuffix("index.md") / "index.html").is_file(), md
    for doc in sms.docs:
        section = {"Service": "services", "SLA": "agreements", "OLA": "agreements", "UA": "agreements"}
        assert (site / section.get(doc.kind, "documents") / doc.id / "index.html").is_file(), doc
    assert (site / "requirements" / "PR2.1" / "index.html").is_file()


def test_navigation_lists_only_the_sections(hostile: tuple[Path, Path]) -> None:
    """Every page carries the same short navigation, whatever the size of the SMS."""
    _, site = hostile
    html = page(site, "services/cloud-compute")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    nav = nav[:nav.index("</nav>")]
    assert nav.count('class="md-nav__link') == len(NAV)


def test_catalogue_shows_live_services_and_portfolio_all(hostile: tuple[Path, Path]) -> None:
    sms_root, site = hostile
    sms, _ = check_sms(sms_root, load_config(sms_root), dt.date.fromisoformat(AS_OF))
    services = {d.id: d for d in sms.of_kind("Service")}
    listed = {s for cat in sms.of_kind("ServiceCatalogue") for s in cat.spec.services}
    catalogue, portfolio = page(site, "catalogue"), page(site, "portfolio")
    for sid, doc in services.items():
        href = f'href="../services/{sid}/"'
        assert (href in catalogue) == (sid in listed and doc.spec.lifecycle_status.value == "live"), sid
        assert href in portfolio
        row = portfolio[portfolio.index(href):].split("</tr>")[0]
        assert f"<td>{doc.spec.lifecycle_status.value}</td>" in row
    assert any(s.spec.lifecycle_status.value != "live" for s in services.values())  # the test means something


def test_service_page(hostile: tuple[Path, Path]) -> None:
    sms_root, site = hostile
    sms, _ = check_sms(sms_root, load_config(sms_root), dt.date.fromisoformat(AS_OF))
    doc = sms.by_id["cloud-compute"]
    html = page(site, "services/cloud-compute")
    owner = sms.by_id[doc.model.metadata.owner]
    assert owner.spec.name in html
    for comp in doc.spec.components:
        assert f"<td>{comp.id}</td>" in html
    for sup in doc.spec.suppliers:
        assert f'href="../../documents/{sup.supplier}/"' in html
    for ola in sms.of_kind("OLA", "UA"):
        supports = any(c.service == doc.id for c in ola.spec.supports)
        assert (f'href="../../agreements/{ola.id}/"' in html) == supports, ola.id
    assert '<pre class="mermaid"><code>flowchart LR' in html
    assert "../../assets/fitsm/mermaid/mermaid.min.js" in html


def test_agreement_page(hostile: tuple[Path, Path]) -> None:
    sms_root, site = hostile
    sms, _ = check_sms(sms_root, load_config(sms_root), dt.date.fromisoformat(AS_OF))
    sla = sms.by_id["sla-bio-institute"]
    html = page(site, "agreements/sla-bio-institute")
    for target in sla.spec.targets:
        assert f"<td>{target.id}</td>" in html and f"{target.value:g} {target.unit}" in html
    assert f"{sla.spec.validity.start} – {sla.spec.validity.end}" in html
    assert "Round the clock (Europe/Berlin)" in html
    for ola in sms.of_kind("OLA", "UA"):
        if sla.id in ola.spec.supports_slas:
            assert f'href="../{ola.id}/"' in html


def test_document_fields_link_only_references(hostile: tuple[Path, Path]) -> None:
    """A plan's services link to their pages; a GitHub handle that happens to equal an id stays text."""
    sms_root, site = hostile
    sms, _ = check_sms(sms_root, load_config(sms_root), dt.date.fromisoformat(AS_OF))
    people = [d for d in sms.of_kind("Person") if d.spec.github]
    assert any(p.spec.github in sms.by_id for p in people)  # the case this test is about exists
    for person in people:
        shown = page(site, f"documents/{person.id}").lower()
        assert f"<strong>github:</strong> {person.spec.github}</li>" in shown
    scope = sms.of_kind("Scope")[0]
    html = page(site, f"documents/{scope.id}")
    for service in scope.spec.services:
        assert f'href="../../services/{service}/"' in html


def test_hostile_text_is_inert(hostile: tuple[Path, Path]) -> None:
    _, site = hostile
    for rel in ("services/xss-probe", "agreements/sla-xss", "portfolio", "documents", "reviews"):
        text = page(site, rel)
        assert not re.search(r"<script>window\.__pwned", text), rel
        assert not re.search(r"<(img|a)\b[^>]*(onerror|javascript:)", text), rel
        assert "</title><script>" not in text, rel
    probe = page(site, "services/xss-probe")
    assert SCRIPT not in probe and SCRIPT in std_html.unescape(probe)  # shown as text, not run
    assert "<title>Probe &lt;/title&gt;&lt;script&gt;window.__pwned=5&lt;/script&gt; &amp; co" in probe


def test_review_calendar(hostile: tuple[Path, Path]) -> None:
    """Each review, evaluation and agreement end is in the .ics on the rules' date, and in the overdue table
    exactly when the check reports it (a draft is not due for review; an approval starts the first interval)."""
    sms_root, site = hostile
    as_of = dt.date.fromisoformat(AS_OF)
    config = load_config(sms_root)
    sms, result = check_sms(sms_root, config, as_of)
    ctx = Context(sms=sms, config=config, as_of=as_of)
    calendar = icalendar.Calendar.from_ical((site / "reviews" / "reviews.ics").read_bytes())
    events = {str(e["UID"]): e["DTSTART"].dt for e in calendar.walk("VEVENT")}
    html = page(site, "reviews")
    overdue = html[html.index('id="overdue-or-not-planned"'):html.index('id="coming-up"')]
    late_rows = {(m.group(1), m.group(2)) for m in re.finditer(r'href="[^"]*/([^/"]+)/">.*?</a></td>\n<td>[^<]*</td>'
                                                               r"\n<td>([^<]*)</td>", overdue)}
    reviewed = {r.name for r in REGISTRY.values() if r.summary.endswith("is reviewed at its planned interval.")}
    reported = {f.document for f in result.findings if f.rule in reviewed | {"review-overdue"}}
    for doc in sms.docs:
        review = next_review(doc, ctx)
        assert (f"{doc.id}.review@fitsm-kit" in events) == (review is not None and review.due is not None), doc.id
        if review is not None and review.due is not None:
            assert events[f"{doc.id}.review@fitsm-kit"] == review.due, doc.id
        assert ((doc.id, "Review") in late_rows) == (doc.id in reported), doc.id
    assert sms.by_id["xss-probe"].model.metadata.status is Status.DRAFT and "xss-probe.review@fitsm-kit" not in events
    assert len(reported) >= 3 and len(events) > 20  # the test means something
    for doc in sms.of_kind("SLA", "OLA", "UA"):
        evaluation = next_evaluation(doc, ctx)
        assert events.get(f"{doc.id}.evaluation@fitsm-kit") == (evaluation.due if evaluation else None), doc.id
        end = doc.spec.validity.end if doc.spec.validity else None
        shown = end if end is not None and (in_force(doc, ctx) or expired(doc, ctx)) else None
        assert events.get(f"{doc.id}.end@fitsm-kit") == shown, doc.id
        assert ((doc.id, "Agreement ends") in late_rows) == expired(doc, ctx), doc.id


def test_requirement_pages_show_their_findings(tmp_path: Path) -> None:
    root = EXAMPLES / "acme-broken"
    site = _render(root, tmp_path / "site")
    config = load_config(root)
    assert config.as_of is not None
    result = check(root, config, config.as_of)
    assert result.findings
    for finding in result.findings:
        html = page(site, f"requirements/{finding.requirement}")
        assert f"{finding.path}:{finding.line}:{finding.col}" in html
        assert f"<td>{finding.rule}</td>" in html


def test_document_history_comes_from_the_history_source(tmp_path: Path) -> None:
    revisions = {"cloud-compute": [
        Revision("0123456789abcdef", dt.date(2026, 9, 1), "Dana <Admin>", "Raise availability", ("Carla",), "1.3"),
        Revision("fedcba9876543210", dt.date(2026, 3, 9), "Eve", "First version")]}
    site = _render(EXAMPLES / "acme", tmp_path / "site", history=lambda doc: revisions.get(doc.id, ()))
    html = page(site, "services/cloud-compute")
    assert "<td>0123456789</td>" in html and "Dana &#60;Admin&#62;" in html and "Raise availability" in html
    assert "2026-09-01" in html[html.index("md-source-file"):]  # the "last update" from the newest revision
    assert "No Git history is available" in page(site, "services/hpc-batch")


def test_document_history_from_a_real_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared document-control scenario (tests/gitsms.py): versions, authors and Git approvals per SLA."""
    no_user_git_config(monkeypatch, tmp_path)
    repo = scenario(tmp_path / "sms")
    config = load_config(repo.root)
    assert config.as_of is not None
    done = render(repo.root, tmp_path / "site", config, config.as_of)
    assert done.notices == ()
    html = page(tmp_path / "site", "agreements/sla-bio-institute")
    history = html[html.index('id="history"'):]
    history = history[:history.index("</table>")]
    rows = [re.sub(r"<[^>]+>", "", row).split("\n") for row in history.split("<tr>")[2:]]
    cells = [[c.strip() for c in row if c.strip()] for row in rows]
    assert cells == [
        ["2026-02-01", repo.shas["sla-bio"][:10], "1.2", "Eva Novak", "Reword the bio SLA", "Carla Rossi"],
        ["2026-01-05", repo.shas["import"][:10], "1.2", "Farid Haddad", "Import the SMS", "Bob Keller"],
    ]
    assert "2026-02-01" in html[html.index("md-source-file"):]


def test_pages_do_not_grow_with_the_sms(tmp_path: Path) -> None:
    """A service page is byte for byte the same in an SMS of 3 and of 12 services: growth is linear."""
    small = _render(generated_sms(tmp_path / "small", 3), tmp_path / "small-site")
    large = _render(generated_sms(tmp_path / "large", 12), tmp_path / "large-site")
    assert page(small, "services/svc-1") == page(large, "services/svc-1")
    assert page(small, "agreements/sla-1") == page(large, "agreements/sla-1")


# --- the command ------------------------------------------------------------------------------------------

def test_render_with_zensical(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = fitsm("render", EXAMPLES / "acme", "--out", out, "--engine", "zensical")
    assert run.code == 0, run.err
    assert "Rendered" in run.out and "zensical" in run.out
    assert (out / MARKER).is_file()
    html = page(out, "services/cloud-compute")
    assert '<pre class="mermaid"><code>flowchart LR' in html
    assert (out / "reviews" / "reviews.ics").is_file()


def test_refuses_a_directory_that_is_not_a_fitsm_site(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    run = fitsm("render", EXAMPLES / "acme", "--out", out)
    assert run.code == 2
    assert "not a site fitsm rendered" in run.err
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    # --force replaces only a previous site: someone else's directory stays as it is
    assert fitsm("render", EXAMPLES / "acme", "--out", out, "--force").code == 2
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    site = tmp_path / "site"
    assert fitsm("render", EXAMPLES / "acme", "--out", site).code == 0
    assert fitsm("render", EXAMPLES / "acme", "--out", site).code == 0  # a previous fitsm site is replaced
    (site / "stale.html").write_text("added by hand", encoding="utf-8")
    run = fitsm("render", EXAMPLES / "acme", "--out", site)
    assert run.code == 2 and "stale.html" in run.err and "--force" in run.err
    assert (site / "stale.html").is_file()
    assert fitsm("render", EXAMPLES / "acme", "--out", site, "--force").code == 0
    assert not (site / "stale.html").exists() and (site / MARKER).is_file()


@pytest.mark.parametrize("where", ["sms", "parent", "file"])
def test_refuses_to_overwrite_the_sms_or_a_file(fitsm: Callable[..., Run], tmp_path: Path, where: str) -> None:
    sms = generated_sms(tmp_path / "sms", 1)
    out = {"sms": sms, "parent": tmp_path, "file": sms / "people.yaml"}[where]
    before = sorted(p.as_posix() for p in tmp_path.rglob("*"))
    run = fitsm("render", sms, "--out", out, "--force")
    assert run.code == 2, run.out
    assert "choose another --out" in run.err.lower() or "Choose another --out" in run.err
    assert sorted(p.as_posix() for p in tmp_path.rglob("*")) == before


def test_unknown_engine_is_a_usage_error(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    run = fitsm("render", EXAMPLES / "acme", "--out", tmp_path / "o", "--engine", "hugo")
    assert run.code == 2 and "mkdocs" in run.err and not (tmp_path / "o").exists()

