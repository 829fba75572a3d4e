"""Evidence only from data: evaluate and report refuse unfinished periods, record missing data as not
measured, and say where every number came from (issue 17, item 1)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.sms.loader import iter_documents

from conftest import EXAMPLES, Run


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES / "acme", tmp_path / "acme"))


def record(path: Path) -> dict[str, object]:
    docs = list(iter_documents(path.read_text(encoding="utf-8")))
    assert len(docs) == 1 and isinstance(docs[0], tuple)
    data = docs[0][1]
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("period", ["2026-11", "2027-01", "2026-Q4", "2026-11-01..2026-11-26"])
def test_a_period_that_has_not_ended_is_refused(fitsm: Callable[..., Run], sms: Path, period: str) -> None:
    before = sorted(p.name for p in (sms / "records").iterdir())
    run = fitsm("evaluate", sms, "--period", period)
    assert run.code == 2 and "has not ended" in run.err and "as of 2026-11-26" in run.err
    assert sorted(p.name for p in (sms / "records").iterdir()) == before
    report = fitsm("report", "report-sla-quarterly", "--sms", sms, "--period", period)
    assert report.code == 2 and "has not ended" in report.err
    assert not (sms / "reports").exists()


def test_the_quarter_report_names_the_day_it_ends(fitsm: Callable[..., Run], sms: Path) -> None:
    run = fitsm("report", "report-sla-quarterly", "--sms", sms, "--period", "2026-Q4")
    assert run.code == 2 and "ends on 2026-12-31" in run.err and "from 2027-01-01" in run.err


def test_no_measurement_source_is_recorded_as_not_measured(fitsm: Callable[..., Run], sms: Path) -> None:
    run = fitsm("evaluate", sms, "--period", "2026-10")
    assert run.code == 0, run.err
    assert "not measured for want of data" in run.err
    written = sorted((sms / "records").glob("eval-*-2026-10.yaml"))
    assert written
    for path in written:
        data = record(path)
        results = data["spec"]["results"]  # type: ignore[index]
        assert all("met" not in r and r["note"].startswith("not measured") for r in results), results
        assert data["spec"]["source"]["as_of"] == "2026-11-26"  # type: ignore[index]
    # the check no longer passes on fabricated evidence: the agreements are not measured
    check = fitsm("check", sms, "--as-of", "2026-12-15", "--format", "json")
    messages = [f["message"] for f in json.loads(check.out)["findings"]]
    assert check.code == 1 and any("has no measurement in the latest evaluation" in m for m in messages)


def test_the_no_outages_statement_is_explicit_and_recorded(fitsm: Callable[..., Run], sms: Path) -> None:
    run = fitsm("evaluate", sms, "--period", "2026-10", "--agreement", "sla-default", "--no-outages-occurred")
    assert run.code == 0, run.err
    data = record(sms / "records" / "eval-sla-default-2026-10.yaml")
    availability = next(r for r in data["spec"]["results"] if r["target"] == "availability")  # type: ignore[index]
    assert availability == {"target": "availability", "measured": 100.0, "met": True}
    source = data["spec"]["source"]  # type: ignore[index]
    assert "--no-outages-occurred" in source["generated_by"]
    assert any("no outages occurred" in s for s in source["statements"])
    tickets = [r for r in data["spec"]["results"] if r["target"] != "availability"]  # type: ignore[index]
    assert tickets and all("met" not in r for r in tickets)  # no ticket data: still not measured


def test_every_record_names_its_files_and_their_hashes(fitsm: Callable[..., Run], sms: Path) -> None:
    data_dir = sms / "measurements"
    outages, tickets = data_dir / "outages-2026-10.csv", data_dir / "tickets-2026-10.csv"
    run = fitsm("evaluate", sms, "--period", "2026-10", "--outages", outages, "--tickets", tickets)
    assert run.code == 0, run.err
    data = record(sms / "records" / "eval-sla-default-2026-10.yaml")
    files = {f["path"]: f["sha256"] for f in data["spec"]["source"]["files"]}  # type: ignore[index]
    for path in (outages, tickets):
        assert files[path.relative_to(sms).as_posix()] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert data["spec"]["source"]["generated_by"].startswith("fitsm evaluate --period 2026-10")  # type: ignore[index]
    # the report's delivery record names the evaluations and the report files it wrote
    assert fitsm("report", "report-sla-quarterly", "--sms", sms, "--period", "2026-10",
                 "--delivered-to", "Customer board").code == 0
    delivery = record(sms / "reporting" / "delivery-report-sla-quarterly-2026-10.yaml")
    spec = delivery["spec"]
    assert spec["period_start"] == "2026-10-01" and spec["period_end"] == "2026-10-31"  # type: ignore[index]
    listed = {f["path"]: f["sha256"] for f in spec["source"]["files"]}  # type: ignore[index]
    html = sms / "reports" / "report-sla-quarterly" / "report-sla-quarterly-2026-10.html"
    assert listed[html.relative_to(sms).as_posix()] == hashlib.sha256(html.read_bytes()).hexdigest()
    assert "records/eval-sla-default-2026-10.yaml" in listed


def test_a_report_with_part_of_the_period_measured_says_so(fitsm: Callable[..., Run], sms: Path) -> None:
    data_dir = sms / "measurements"
    assert fitsm("evaluate", sms, "--period", "2026-10", "--outages", data_dir / "outages-2026-10.csv",
                 "--tickets", data_dir / "tickets-2026-10.csv").code == 0
    run = fitsm("report", "report-sla-quarterly", "--sms", sms, "--period", "2026-09-15..2026-10-31")
    assert run.code == 0, run.err
    assert "incomplete data" in run.err
    md = next((sms / "reports" / "report-sla-quarterly").glob("*.md")).read_text()
    assert "Incomplete data" in md


def test_check_flags_records_made_before_their_period_ended(fitsm: Callable[..., Run], sms: Path) -> None:
    (sms / "records" / "early.yaml").write_text(
        "apiVersion: fitsm.eu/v1\nkind: AgreementEvaluation\nmetadata:\n  id: eval-early\n  title: Early\n"
        "  owner: carla-rossi\n  status: recorded\nspec:\n  agreement: sla-default\n  period_start: 2026-11-01\n"
        "  period_end: 2026-11-30\n  results:\n    - {target: availability, measured: 100, met: true}\n"
        "---\napiVersion: fitsm.eu/v1\nkind: ReportDelivery\nmetadata:\n  id: delivery-early\n  title: Early\n"
        "  owner: carla-rossi\n  status: recorded\nspec:\n  report: report-sla-quarterly\n  period_end: 2026-12-31\n"
        "  delivered_on: 2026-11-26\n  recipients: [bio-institute, physics-dept, history-faculty]\n",
        encoding="utf-8")
    run = fitsm("check", sms, "--format", "json")
    rules = {f["rule"] for f in json.loads(run.out)["findings"]}
    assert {"evaluation-after-period", "delivery-after-period"} <= rules
