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
from fitsm_kit.site.markdown import SHORT
from fitsm_kit.site.writer import NAV
from fitsm_kit.sms.config import load_config
from gitsms import no_user_git_config, scenario
from site_sms import AS_OF, SCRIPT, UNSAFE_URLS, generated_sms, hostile_sms

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
    for rel in ("services/xss-probe", "agreements/sla-xss", "agreements/ola-xss", "portfolio", "catalogue",
                "customers", "documents/segment-xss", "documents", "reviews"):
        text = page(site, rel)
        assert not re.search(r"<script>window\.__pwned", text), rel
        assert not re.search(r"<(img|a|details)\b[^>]*(onerror|ontoggle|javascript:|data:|vbscript:)", text), rel
        assert "</title><script>" not in text, rel
    probe = page(site, "services/xss-probe")
    assert SCRIPT not in probe and SCRIPT in std_html.unescape(probe)  # shown as text, not run
    assert "<title>Probe &lt;/title&gt;&lt;script&gt;window.__pwned=5&lt;/script&gt; &amp; co" in probe


def _article(html: str) -> str:
    """The page's content, without the theme's navigation and scripts."""
    return html[html.index("<article"):html.index("</article>")]


def _cell(html: str, label: str) -> str:
    """The value cell of the row ``label`` of a property table, as the reader sees it."""
    found = re.search(rf"<td>{re.escape(label)}</td>\s*<td>(.*?)</td>", html, re.S)
    assert found, label
    return found.group(1)


def test_service_page_shows_the_catalogue_fields_inert(hostile: tuple[Path, Path]) -> None:
    """Categories, domains, users, access, order type, TRL, tags and links: what was typed, shown as text; a link
    only with an http, https or mailto scheme."""
    sms_root, site = hostile
    sms, _ = check_sms(sms_root, load_config(sms_root), dt.date.fromisoformat(AS_OF))
    spec = sms.by_id["xss-probe"].spec
    html = _article(page(site, "services/xss-probe"))
    for label, values in (("Categories", spec.categories), ("Scientific domains", spec.scientific_domains),
                          ("Target users", spec.target_users), ("Access modes", spec.access_modes),
                          ("Tags", spec.tags)):
        assert std_html.unescape(_cell(html, label)) == ", ".join(values), label
    assert _cell(html, "Order type") == "open-access" and _cell(html, "Technology readiness level") == "7"
    assert SCRIPT not in html and f"<em>{SCRIPT} tag | line</em>" in std_html.unescape(html)  # the tagline, as text
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert 'https://acme.example/p?a=1&amp;b=%282%29%22onmouseover=%22window.__pwned=14' in hrefs
    assert "mailto:help@acme.example" in hrefs and "https://ok.example/doc" in hrefs
    assert not [h for h in hrefs if re.match(r"[a-zA-Z][\w+.-]*:", h) and not h.startswith(("http", "mailto:"))]
    for key, value in UNSAFE_URLS.items():  # shown as the text typed, never as a link
        shown = std_html.unescape(_cell(html, {"user_manual": "User manual", "terms_of_use": "Terms of use",
                                                "privacy_policy": "Privacy policy", "order": "Order",
                                                "status": "Status page"}[key]))
        assert shown == value.strip().replace("\t", " ") and "<a" not in shown, key  # a tab shows as a space


def test_description_is_markdown_without_raw_html_or_headings(hostile: tuple[Path, Path]) -> None:
    """The service's description: its list, strong text, code and safe link render; its headings become strong
    lines (the page's outline stays the site's), its raw HTML, image, table and unsafe link stay text."""
    _, site = hostile
    html = _article(page(site, "services/xss-probe"))
    start = html.index("Heading one")
    description = html[start - 20:html.index('<h2 id="value"')]
    shown = std_html.unescape(description)
    assert "<strong>Heading one</strong>" in shown and "<strong>Sub | pipe</strong>" in shown
    assert not re.search(r"<h[1-6]", description)
    assert re.search(r'<li>item <strong>bold</strong> <a href="https://ok.example/doc">safe</a> '
                     r"\[bad\]\(javascript:window\.__pwned=15\)</li>", std_html.unescape(description))
    assert "<code>&lt;b&gt;code&lt;/b&gt;</code>" in description or "<code>&#60;b&#62;code&#60;/b&#62;</code>" \
        in description
    assert "<img" not in description and "<table" not in description and "<details" not in description
    assert '!<a href="https://x.example/p.png">img</a>' in shown  # an image is no image: a link to it
    assert len(re.findall(r"<h1", html)) == 1  # the page's own title only


def test_catalogue_shortens_descriptions_and_shows_the_short_fields(hostile: tuple[Path, Path]) -> None:
    sms_root, site = hostile
    html = page(site, "catalogue")
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr>\s*<td><a href="../services/([^/]+)/">.*?</a></td>'
                                                        r"(.*?)</tr>", html, re.S)}
    cells = {k: [std_html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", v, re.S)] for k, v in rows.items()}
    summary = cells["long-story"][0]
    assert summary.endswith("…") and len(summary) <= SHORT
    assert summary.startswith("Runs very long <script>window.__pwned=17</script> batch jobs | on GPUs and on many")
    assert "second sentence" not in summary.lower() and "<script>" not in rows["long-story"]
    tagged = [c for c in cells["tagged"] if c.strip("\xa0")]  # an empty cell is a no-break space
    assert tagged[:4] == ["What it is for, in one line | with a pipe", "Storage", "Researchers", "order-required"]
    assert "9" in tagged
    assert cells["cloud-compute"][0] == "Self-service virtual machines on OpenStack for research projects."
    assert "xss-probe" not in rows  # not live: not in the catalogue


def test_customer_segment_ola_template_targets_and_recipients(hostile: tuple[Path, Path]) -> None:
    """A segment in the customer register; an OLA template's signatories; a target's direction, services and
    consequence; who receives an agreement's reports."""
    _, site = hostile
    customers = std_html.unescape(page(site, "customers"))
    row = customers[customers.index('href="../documents/segment-xss/"'):]
    row = row[:row.index("</tr>")]
    assert f"Segment: Researchers | {SCRIPT}" in row.replace("&lt;", "<").replace("&gt;", ">")
    assert "users@acme.example" in row and "[Street](javascript:window.__pwned=20) 1 | 12345 Town" in row
    ola = page(site, "agreements/ola-xss")
    signatories = ola[ola.index('id="signatories"'):ola.index('id="services"')]
    assert signatories.count('href="../../documents/datacentre-ops/"') == 2  # a signatory and a counterpart
    assert "2026-10-06" in signatories and "2026-10-07" in signatories
    targets = ola[ola.index('id="targets"'):]
    targets = std_html.unescape(targets[:targets.index("</table>")])
    assert re.search(r"<td>unknown</td>\s*<td>unknown</td>\s*<td>≤ 10 %</td>\s*<td><a href=\"../../services/"
                     r"xss-probe/\">", targets)
    assert "<td>≤ 5 count</td>" in targets and "<td>1 other</td>" in targets  # no direction: no sign
    assert f"suspension | {SCRIPT}" in targets.replace("&lt;", "<").replace("&gt;", ">")
    assert "<td>≥ 99.5 %</td>" in std_html.unescape(page(site, "agreements/sla-bio-institute"))
    sla = std_html.unescape(page(site, "agreements/sla-xss"))
    assert re.search(r'href="../../documents/report-sla-quarterly/">Quarterly service level report</a> — to: '
                     r"bio-institute, physics-dept, history-faculty", sla)


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

    def history_rows(as_of: dt.date, site: Path) -> tuple[list[list[str]], str]:
        done = render(repo.root, site, config, as_of)
        assert done.notices == ()
        html = page(site, "agreements/sla-bio-institute")
        history = html[html.index('id="history"'):]
        history = history[:history.index("</table>")]
        rows = [re.sub(r"<[^>]+>", "", row).split("\n") for row in history.split("<tr>")[2:]]
        return [[c.strip() for c in row if c.strip()] for row in rows], html[html.index("md-source-file"):]

    imported = ["2026-01-05", repo.shas["import"][:10], "1.2", "Farid Haddad", "Import the SMS", "Bob Keller"]
    cells, updated = history_rows(config.as_of, tmp_path / "site")
    assert cells == [
        ["2026-02-01", repo.shas["sla-bio"][:10], "1.2", "Eva Novak", "Reword the bio SLA", "Carla Rossi"],
        imported,
    ]
    assert "2026-02-01" in updated
    # a site as of 2026-01-31 shows the history as it stood that day: the February revision is not there yet
    cells, updated = history_rows(dt.date(2026, 1, 31), tmp_path / "site-january")
    assert cells == [imported]
    assert "2026-01-05" in updated and "2026-02-01" not in updated


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


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_federation_example_with_both_engines(fitsm: Callable[..., Run], tmp_path: Path, engine: str) -> None:
    """The federation example: catalogue fields and links, a customer segment, an OLA template's signatories, a
    target for one service of a default SLA, its stakeholder analysis (linked from the scope) and who receives
    its reports, each through a real strict build."""
    out = tmp_path / "site"
    run = fitsm("render", EXAMPLES / "federation", "--out", out, "--engine", engine)
    assert run.code == 0, run.err
    service = std_html.unescape(page(out, "services/dc-cloud-compute"))
    assert "<em>Virtual machines at three research centres through one account</em>" in service
    for shown in ("Compute > Virtual Machine Management", "Natural Sciences, Engineering & Technology",
                  "Researchers, Research communities", "free at the point of use", "openstack, iaas, egi"):
        assert shown in service, shown
    assert '<a href="https://docs.danucloud.example/compute">' in service
    assert '<a href="https://danucloud.example/privacy">' in service
    catalogue = std_html.unescape(page(out, "catalogue"))
    row = catalogue[catalogue.index('href="../services/dc-cloud-compute/"'):]
    assert re.search(r"Virtual machines at three research centres through one account</td>\s*<td>Compute > Virtual "
                     r"Machine Management</td>\s*<td>Natural Sciences, Engineering & Technology</td>\s*"
                     r"<td>Researchers, Research communities</td>\s*<td>open-access, free at the point of use</td>\s*"
                     r"<td>9</td>\s*<td>openstack, iaas, egi</td>", row[:row.index("</tr>")])
    customers = std_html.unescape(page(out, "customers"))
    assert "Segment: Researchers of any EU institution, through the EOSC EU Node (open access)" in customers
    assert "Universitätsring 1, 1010 Vienna, Austria" in customers
    template = page(out, "agreements/ola-resource-centre")
    signatories = template[template.index('id="signatories"'):template.index('id="services"')]
    assert all(f'href="../../documents/{c}/"' in signatories for c in ("res-vienna", "res-bratislava", "res-ljubljana"))
    assert "suspension after three consecutive months below target" in template
    sla = std_html.unescape(page(out, "agreements/dc-corporate-sla"))
    assert re.search(r'<td>availability-compute</td>\s*<td>availability</td>\s*<td>≥ 97 %</td>\s*<td><a '
                     r'href="../../services/dc-cloud-compute/">', sla)
    assert re.search(r"— to: <a [^>]*>VO climate.danube.eu</a>, <a [^>]*>Marek Novotný</a>", sla)
    analysis = std_html.unescape(page(out, "documents/dc-stakeholders"))
    assert re.search(r"<td>Research communities \(VOs\)</td>\s*<td>[^<]*</td>\s*<td>elastic compute for data "
                     r"analysis<br>long-term S3 storage</td>", analysis)
    assert 'href="../dc-stakeholders/"' in page(out, "documents/dc-scope")


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

