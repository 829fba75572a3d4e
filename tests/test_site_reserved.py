"""Ids the site uses itself (``index``) are rendered safely, with both engines (issue 17, item 4)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, Run

PERSON = """apiVersion: fitsm.eu/v1
kind: Person
metadata: {{id: {id}, title: Person called {id}, owner: alice-martin, status: approved,
  approval: {{approved_by: alice-martin, approved_on: 2026-01-19}},
  review: {{interval: P12M, last_reviewed: 2026-01-19}}}}
spec: {{name: Ida Index {id}, email: {id}@acme-rc.example}}
"""


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_document_with_id_index_keeps_the_section_page(fitsm: Callable[..., Run], tmp_path: Path,
                                                          engine: str) -> None:
    sms = Path(shutil.copytree(EXAMPLES / "acme", tmp_path / "sms"))
    for doc_id in ("index", "assets", "search"):
        (sms / "people" / f"{doc_id}.yaml").write_text(PERSON.format(id=doc_id), encoding="utf-8")
    assert fitsm("check", sms, "--select", "GR2.4,PR7").code in (0, 1)
    run = fitsm("render", sms, "--out", tmp_path / "site", "--engine", engine)
    assert run.code == 0, run.err
    section = (tmp_path / "site" / "documents" / "index.html").read_text(encoding="utf-8")
    assert "Ida Index index" in section and "sm-policy" in section  # still the documents table
    own = (tmp_path / "site" / "documents" / "_index" / "index.html").read_text(encoding="utf-8")
    assert "Ida Index index" in own
    assert "Ida Index assets" in (tmp_path / "site" / "documents" / "assets" / "index.html").read_text()
