"""`fitsm evaluate` and `fitsm report` on the bundled example: records, report files and the PR2.5 finding."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, Run


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    return root


def evaluate(fitsm: Callable[..., Run], root: Path, *extra: str) -> Run:
    data = root / "measurements"
    return fitsm("evaluate", root, "--period", "2026-10", "--outages", data / "outages-2026-10.csv",
                 "--outages-cover", "2026-10",
                 "--tickets", data / "tickets-2026-10.csv", *extra)


def test_evaluate_records_results_and_keeps_existing_records(sms: Path, fitsm: Callable[..., Run]) -> None:
    run = evaluate(fitsm, sms)
    assert run.code == 0, run.err
    assert "kept existing" in run.out  # sla-bio-institute and ola-datacentre were recorded by hand
    ua = (sms / "records" / "eval-ua-research-net-2026-10.yaml").read_text()
    assert '- {target: availability, measured: 99.821, met: false}' in ua
    assert "# availability: target 99.9 %; 44,700 agreed minutes, 80 minutes down" in ua
    before = ua
    assert evaluate(fitsm, sms).code == 0
    assert (sms / "records" / "eval-ua-research-net-2026-10.yaml").read_text() == before  # never rewritten


def test_missed_target_is_a_finding_until_a_nonconformity_is_linked(sms: Path, fitsm: Callable[..., Run]) -> None:
    evaluate(fitsm, sms)
    findings = json.loads(fitsm("check", sms, "--format", "json", "--select", "PR2.5").out)["findings"]
    (missed,) = [f for f in findings if f["document"] == "eval-ua-research-net-2026-10"]
    assert missed["requirement"] == "PR2.5"
    assert "99.821" in missed["message"] and "99.9" in missed["message"]
    record = sms / "records" / "eval-ua-research-net-2026-10.yaml"
    record.write_text(record.read_text() + "  nonconformity: nc-2026-01\n")
    findings = json.loads(fitsm("check", sms, "--format", "json", "--select", "PR2.5").out)["findings"]
    assert not [f for f in findings if f["document"] == "eval-ua-research-net-2026-10"]


def test_report_for_the_example(sms: Path, fitsm: Callable[..., Run]) -> None:
    evaluate(fitsm, sms)
    run = fitsm("report", "report-sla-quarterly", "--path", sms, "--period", "2026-10")
    assert run.code == 0, run.err
    folder = sms / "reports" / "report-sla-quarterly"
    md = (folder / "report-sla-quarterly-2026-10.md").read_text()
    assert "# Quarterly service level report — 2026-10" in md
    assert "| sla-bio-institute | availability |  | 99.5 % | 99.7763 | yes | 2026-10-01 – 2026-10-31 |" in md
    assert "| sla-default | resolution-high |  | 2 days | 0.6 | yes |" in md
    rows = list(csv.reader(io.StringIO((folder / "report-sla-quarterly-2026-10.csv").read_text())))
    assert rows[0] == ["agreement", "target", "for", "agreed", "measured", "met", "period"]
    assert {tuple(r[:2]) for r in rows[1:]} == {("sla-bio-institute", "availability"), ("sla-bio-institute",
        "response-high"), ("sla-default", "availability"), ("sla-default", "response-high"),
        ("sla-default", "resolution-high")}
    assert "<table>" in (folder / "report-sla-quarterly-2026-10.html").read_text()
    delivery = (sms / "reporting" / "delivery-report-sla-quarterly-2026-10.yaml").read_text()
    assert "location: reports/report-sla-quarterly/report-sla-quarterly-2026-10.html\n" in delivery
    # the delivery record is a valid document of the SMS
    findings = json.loads(fitsm("check", sms, "--format", "json", "--select", "GR2.4").out)["findings"]
    assert not [f for f in findings if "delivery-report" in f["path"]]
    again = fitsm("report", "report-sla-quarterly", "--path", sms, "--period", "2026-10")
    assert again.code == 2 and "never overwritten" in again.err


def test_report_escapes_html(sms: Path, fitsm: Callable[..., Run]) -> None:
    spec = sms / "reporting" / "reports.yaml"
    spec.write_text(spec.read_text().replace("Show each customer how", "Show <script>alert(1)</script> how"))
    assert fitsm("report", "report-sla-quarterly", "--path", sms, "--period", "2026-10").code == 0
    page = (sms / "reports" / "report-sla-quarterly" / "report-sla-quarterly-2026-10.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = (sms / "reports" / "report-sla-quarterly" / "report-sla-quarterly-2026-10.md").read_text()
    assert "<script>" not in md


def test_bad_measurement_data_is_a_usage_error_naming_the_line(sms: Path, tmp_path: Path,
                                                              fitsm: Callable[..., Run]) -> None:
    bad = tmp_path / "outages.csv"
    bad.write_text("service,component,start,end,planned\ncloud-compute,,2026-10-01T10:00,yesterday,false\n")
    run = fitsm("evaluate", sms, "--period", "2026-10", "--outages", bad, "--timezone", "UTC")
    assert run.code == 2
    assert f"{bad}:2:" in run.err and "'yesterday' is not an ISO 8601" in run.err
