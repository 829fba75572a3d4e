"""Pages whose length grows with the SMS are split or summarised with links (issue 17, item 5)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from markupsafe import Markup

from fitsm_kit.engine.run import check_sms
from fitsm_kit.site import generate
from fitsm_kit.site.data import build_site
from fitsm_kit.site.markdown import link
from fitsm_kit.site.page import Page
from fitsm_kit.site.paging import ROWS, paged_table
from fitsm_kit.site.requirements import SHOWN
from fitsm_kit.sms.config import load_config
from site_sms import AS_OF, generated_sms

ATTESTED = "  review: {interval: P12M, last_reviewed: 2026-01-05}\n"
ATTESTATION = ATTESTED + ("  attestations: [{requirement: GR5.2, statement: Followed as defined, by: p1, "
                          "role: SMS owner, on: 2026-10-12}]\n")


def rows_of(markup: Markup) -> int:
    return sum(1 for line in str(markup).splitlines() if line.startswith("| ") and not line.startswith("| Document"))


def test_a_long_table_is_split_into_linked_parts() -> None:
    items = list(range(2 * ROWS + 34))
    first, more = paged_table(items, lambda n, page: [link(f"doc {n}", "documents/x.md", page)],
                              ["Document"], "documents/index.md", "sla", "Documents: SLA")
    assert [p.path for p in more] == ["documents/_sla-2.md", "documents/_sla-3.md"]
    assert rows_of(first) == ROWS and rows_of(more[0].context["table"]) == ROWS  # type: ignore[arg-type]
    assert rows_of(more[1].context["table"]) == 34  # type: ignore[arg-type]
    assert "[2](_sla-2.md)" in str(first) and "[3](_sla-3.md)" in str(more[0].context["table"])
    assert "[1](index.md)" in str(more[0].context["table"])
    assert "[doc 600](x.md)" in str(more[0].context["table"])
    assert all(isinstance(p, Page) and not p.searchable for p in more)
    first, more = paged_table(items, lambda n, page: [n], ["Document"], "documents/index.md", "sla", "SLA",
                              first=25)
    assert rows_of(first) == 25 and [rows_of(p.context["table"]) for p in more] == [500, 500, 9]  # type: ignore
    assert "Rows 526–1025 of 1034" in str(more[1].context["table"])


def test_attestations_on_every_document_do_not_grow_the_requirement_page(tmp_path: Path) -> None:
    root = generated_sms(tmp_path / "sms", 30)  # 150 documents, each attesting GR5.2
    for path in root.glob("s*.yaml"):
        path.write_text(path.read_text().replace(ATTESTED, ATTESTATION))
    config = load_config(root)
    sms, result = check_sms(root, config, dt.date.fromisoformat(AS_OF))
    attested = sum(len(d.model.metadata.attestations) for d in sms.docs)
    assert attested > SHOWN
    pages = {p.path: p for p in generate(build_site(sms, result)) if isinstance(p, Page)}
    table = str(pages["requirements/GR5.2.md"].context["attestations"])
    assert rows_of(Markup(table.split("… and")[0])) == SHOWN
    assert f"… and {attested - SHOWN} more" in table
    assert re.search(r"\[SLA\]\([./]*documents/index\.md#sla\)", table), table[-400:]
