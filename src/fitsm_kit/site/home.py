"""The home page: a dashboard for the SMS owner and auditors."""

from __future__ import annotations

from collections import Counter

from fitsm_kit.findings import Severity
from fitsm_kit.model.service import Lifecycle
from fitsm_kit.output.matrix import Row
from fitsm_kit.site import requirements, reviews
from fitsm_kit.site.data import AGREEMENTS, Site
from fitsm_kit.site.markdown import link, table
from fitsm_kit.site.page import Page

PAGE = "index.md"
SHOWN = 10  # reviews listed on the dashboard; the calendar has all


def page(site: Site, conf: requirements.Conformity, due: list[reviews.Due]) -> Page:
    kinds = Counter(d.kind for d in site.docs.values())
    live = sum(1 for d in site.of_kind("Service") if d.spec.lifecycle_status is Lifecycle.LIVE)
    counts: list[list[object]] = [
        [link("Services", "portfolio/index.md", PAGE), f"{kinds['Service']} ({live} live)"],
        [link("Agreements", "agreements/index.md", PAGE), sum(kinds[k] for k in AGREEMENTS)],
        [link("Customers", "customers/index.md", PAGE), kinds["Customer"]],
        [link("Suppliers", "suppliers/index.md", PAGE), kinds["Supplier"]],
        [link("People", "roles/index.md", PAGE), kinds["Person"]],
        [link("Documents", "documents/index.md", PAGE), f"{len(site.docs)} in {site.result.files} files"],
    ]
    overdue = [d for d in due if d.late]
    upcoming = [d for d in due if d.state in ("in grace", "upcoming")]
    groups: dict[str, Counter[str]] = {}
    first: dict[str, Row] = {}
    for row in conf.rows:
        first.setdefault(row.group, row)
        groups.setdefault(row.group, Counter())[row.state.value] += 1
    summary = [[link(f"{g} {first[g].group_title}", requirements.page_for(first[g].requirement), PAGE),
                c["satisfied"], c["findings"], c["waived"], c["out-of-scope"]] for g, c in groups.items()]
    return Page(PAGE, site.title, "home.md.j2", {
        "title": site.title, "as_of": site.as_of.isoformat(), "totals": conf.totals,
        "errors": site.result.count(Severity.ERROR), "warnings": site.result.count(Severity.WARNING),
        "infos": site.result.count(Severity.INFO),
        "counts": table(["What", "How many"], counts),
        "summary": table(["Requirements", "Satisfied", "Findings", "Waived", "Out of scope"], summary),
        "overdue": table(reviews.HEADERS, reviews.rows(site, overdue[:SHOWN], PAGE), "Nothing is overdue."),
        "overdue_more": max(0, len(overdue) - SHOWN),
        "upcoming": table(reviews.HEADERS, reviews.rows(site, upcoming[:SHOWN], PAGE), "Nothing is due soon."),
        "upcoming_more": max(0, len(upcoming) - SHOWN), "soon": reviews.SOON.days,
        "calendar": link("Review calendar", reviews.PAGE, PAGE),
        "conformity": link("Conformity", requirements.INDEX, PAGE),
    }, hide=("navigation", "toc"))

