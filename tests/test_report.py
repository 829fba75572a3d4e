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
    # writing the files delivers nothing: no delivery is recorded, and the note says how to record one
    assert not (sms / "reporting" / "delivery-report-sla-quarterly-2026-10.yaml").exists()
    assert "no ReportDelivery recorded" in run.err and "--delivered-to" in run.err
    again = fitsm("report", "report-sla-quarterly", "--path", sms, "--period", "2026-10")
    assert again.code == 2 and "never overwritten" in again.err


DELIVERY = "reporting/delivery-report-sla-quarterly-2026-10.yaml"
AUDIENCE = ("bio-institute", "physics-dept", "history-faculty")  # the specification's audience


def delivered(sms: Path, fitsm: Callable[..., Run], *extra: str) -> Run:
    return fitsm("report", "report-sla-quarterly", "--path", sms, "--period", "2026-10", "--as-of", "2026-11-26",
                 *extra)


def test_a_delivery_is_recorded_as_stated_after_the_report_was_written(sms: Path, fitsm: Callable[..., Run]) -> None:
    """The report written first and delivered later: the same run with --delivered-to keeps the unchanged
    files, records the delivery to whom and when the user says, as their statement, and check judges it."""
    evaluate(fitsm, sms)
    assert delivered(sms, fitsm).code == 0
    folder = sms / "reports" / "report-sla-quarterly"
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    run = delivered(sms, fitsm, "--delivered-to", "bio-institute", "--delivered-to", " Physics-Dept ",
                    "--delivered-on", "2026-11-20")
    assert run.code == 0, run.err
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # kept, not written again
    assert run.out.strip() == f"wrote {sms / DELIVERY}"
    delivery = (sms / DELIVERY).read_text()
    assert "  delivered_on: 2026-11-20\n  recipients: [bio-institute, Physics-Dept]\n" in delivery
    assert "delivered to bio-institute, Physics-Dept on 2026-11-20 (--delivered-to, stated by whoever" in delivery
    # the audience's names as written, without regard to case and spacing: physics-dept was reached
    findings = json.loads(fitsm("check", sms, "--format", "json", "--select", "PR3.3,GR2.4").out)["findings"]
    assert [(f["rule"], f["message"]) for f in findings if f["document"] == "delivery-report-sla-quarterly-2026-10"
            ] == [("report-recipients", "not delivered to history-faculty (audience of report-sla-quarterly)")]


def test_files_that_differ_are_never_overwritten_for_a_delivery(sms: Path, fitsm: Callable[..., Run]) -> None:
    evaluate(fitsm, sms)
    assert delivered(sms, fitsm).code == 0
    page = sms / "reports" / "report-sla-quarterly" / "report-sla-quarterly-2026-10.md"
    page.write_text(page.read_text() + "Sent with a cover letter.\n")
    run = delivered(sms, fitsm, *(f"--delivered-to={a}" for a in AUDIENCE))
    assert run.code == 2 and "never overwritten" in run.err
    assert page.read_text().endswith("Sent with a cover letter.\n") and not (sms / DELIVERY).exists()


@pytest.mark.parametrize(("extra", "says"), [
    (("--delivered-on", "2026-11-20"), "say to whom it was delivered as well"),
    (("--delivered-to", "bio-institute", "--delivered-on", "2026-11-27"), "a delivery that has not happened"),
    (("--delivered-to", "bio-institute", "--delivered-on", "last week"), "is not a date"),
    (("--delivered-to", "  "), "an empty recipient"),
    (("--delivered-to", "bio-institute", "--no-record"), "choose one"),
])
def test_a_delivery_that_cannot_be_true_is_a_usage_error(sms: Path, fitsm: Callable[..., Run], extra: tuple[str, ...],
                                                         says: str) -> None:
    evaluate(fitsm, sms)
    run = delivered(sms, fitsm, *extra)
    assert run.code == 2 and says in run.err, run.err
    assert not (sms / "reports").exists() and not (sms / DELIVERY).exists()  # nothing written


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
