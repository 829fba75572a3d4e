"""Checker fixes found by the fifth conformity base (tests/conformity/sms/nordlys), on the clean example.

Each test failed before its fix: an MFA control beside the access review was asked for a review interval
(PR6.5); an SLA approved after --as-of and a KPI measured for a period that has not ended passed unseen;
an approval date written with a time of day was explained in pydantic's words.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, Run


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def findings(fitsm: Callable[..., Run], root: Path, *args: str) -> list[tuple[object, ...]]:
    run = fitsm("check", root, "--format", "json", "--no-cache", *args)
    assert run.code in (0, 1), run.err
    return [(f["path"], f["line"], f["requirement"], f["rule"], f["message"])
            for f in json.loads(run.out)["findings"]]


MFA = ("  implemented_on: 2025-11-03\n---\napiVersion: fitsm.eu/v1\nkind: SecurityControl\nmetadata:\n"
       "  id: control-access-review\n")


def test_an_access_control_that_is_no_review_needs_no_interval_beside_the_review(
        acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "operations/security.yaml", MFA, MFA.replace("  implemented_on: 2025-11-03\n",
                                                             "  implemented_on: 2025-11-03\n  topic: access-control\n"))
    assert findings(fitsm, acme, "--select", "PR6.5") == []


def test_access_controls_without_any_interval_are_each_reported(acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "operations/security.yaml", MFA, MFA.replace("  implemented_on: 2025-11-03\n",
                                                             "  implemented_on: 2025-11-03\n  topic: access-control\n"))
    edit(acme, "operations/security.yaml", "  interval: P3M\n", "")
    found = findings(fitsm, acme, "--select", "access-review-recent")
    assert [(f[0], f[4]) for f in found] == [
        ("operations/security.yaml", "no planned interval for reviewing access rights")] * 2


def test_an_sla_approved_after_as_of_is_not_yet_agreed(acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "agreements/sla-bio-institute.yaml", "approved_on: 2026-04-20", "approved_on: 2026-12-20")
    assert findings(fitsm, acme, "--select", "sla-in-force") == [
        ("agreements/sla-bio-institute.yaml", 9, "PR2.2", "sla-in-force",
         "SLA approved on 2026-12-20, after 2026-11-26: not yet agreed")]


def test_a_kpi_measurement_of_a_period_not_ended_is_reported_and_not_counted(
        acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "records/management.yaml", "    - {period_end: 2026-10-31, value: 96, on_target: true}\n",
         "    - {period_end: 2026-12-31, value: 96, on_target: true}\n")
    found = findings(fitsm, acme, "--select", "kpi-measured", "--as-of", "2026-11-26")
    assert found == [("records/management.yaml", 43, "GR6.1", "kpi-measured",
                      "measurement of the period ending 2026-12-31, after 2026-11-26: a period that has not ended "
                      "has no result yet")]
    # counted, the December value would hide that the measurement due after September is late
    found = findings(fitsm, acme, "--select", "kpi-measured", "--as-of", "2026-12-30")
    assert sorted(str(f[4]) for f in found) == [
        "last measurement 2026-09-30, frequency P1M: a new one fell due 2026-10-30",
        "measurement of the period ending 2026-12-31, after 2026-12-30: a period that has not ended has no result yet"]


def test_an_approval_date_with_a_time_of_day_is_named_as_such(acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "agreements/sla-bio-institute.yaml", "approved_on: 2026-04-20}", "approved_on: 2026-04-20 10:15:00}")
    run = fitsm("check", acme, "--format", "json", "--no-cache")
    found = [f for f in json.loads(run.out)["findings"] if f["rule"] == "schema"]
    assert [(f["requirement"], f["message"], f["fix"]) for f in found] == [
        ("GR2.4", "metadata.approval.approved_on: a date written with a time of day; this field holds a day",
         "write the day alone, as YYYY-MM-DD")]
