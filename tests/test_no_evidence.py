"""Absence of evidence is not conformity: a requirement whose rules had nothing to check is ``no-evidence``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Run

CORPORA = Path(__file__).resolve().parent / "conformity" / "sms"


def status(fitsm: Callable[..., Run], root: Path) -> dict[str, dict[str, object]]:
    run = fitsm("status", root, "--format", "json", "--no-cache")
    return {row["id"]: row for row in json.loads(run.out)["requirements"]}


def test_an_sms_without_services_or_customers_has_no_evidence_for_them(tmp_path: Path,
                                                                        fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0  # the skeleton: no service, customer or supplier yet
    rows = status(fitsm, root)
    for req in ("PR1.1", "PR1.2", "PR1.4", "PR2.2", "PR4.1", "PR4.2", "PR4.4", "PR5.1", "PR7.1"):
        assert rows[req]["state"] == "no-evidence", rows[req]
        assert "no Service" in str(rows[req]["note"])
    for req in ("PR7.2", "PR7.3", "PR7.4"):
        assert rows[req]["state"] == "no-evidence" and "no Customer" in str(rows[req]["note"]), rows[req]
    for req in ("PR7.5", "PR7.6"):  # the CRM procedures they ask for are missing: findings rather than no evidence
        assert rows[req]["state"] in ("findings", "no-evidence"), rows[req]
    assert rows["PR2.3"]["note"] == "no SLA in force"
    assert not [r for r in rows.values() if r["id"].startswith(("PR1", "PR2", "PR4", "PR5", "PR7"))
                and r["state"] == "satisfied"]
    totals = json.loads(fitsm("status", root, "--format", "json").out)["totals"]
    assert totals["no-evidence"] >= 20 and totals["satisfied"] + totals["no-evidence"] + totals["findings"] == 52


def test_assess_does_not_count_requirements_without_evidence(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0
    areas = {a["area"]: a for a in json.loads(fitsm("assess", root, "--format", "json").out)["areas"]}
    for area in ("PR1", "PR2", "PR4", "PR5", "PR7", "PR8"):
        assert areas[area]["satisfied"] == 0 and areas[area]["level"] < 3, areas[area]


def test_an_sla_not_in_force_is_no_evidence_for_its_evaluation(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    import shutil

    root = Path(shutil.copytree(CORPORA / "uni-hpc", tmp_path / "sms"))
    for path in (root / "docs" / "agreements" / "sla").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: draft"), encoding="utf-8")
    rows = status(fitsm, root)
    assert rows["PR2.3"]["state"] == "no-evidence" and rows["PR2.3"]["note"] == "no SLA in force"


def test_the_independent_corpora_satisfy_all_52(fitsm: Callable[..., Run]) -> None:
    for base in sorted(CORPORA.iterdir()):
        rows = status(fitsm, base)
        assert {r["state"] for r in rows.values()} == {"satisfied"}, base.name
