"""Federations in the model: k of n parallel providers, target directions, working time, OLA templates, segments.

The worked numbers of issue 19, and the federation example (``examples/federation``) checking clean; its
planted variants are in ``tests/variants`` (base ``federation``) and run by ``tests/test_coverage.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fitsm_kit.model.chain import k_of_n
from fitsm_kit.model.service import Hours, Target
from fitsm_kit.model.workingtime import due

from conftest import EXAMPLES, Run

OFFICE = Hours(timezone="Europe/Berlin",
               windows=[{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}])
BERLIN = ZoneInfo("Europe/Berlin")


def test_two_of_three_parallel_providers_at_95_compose_to_99_275() -> None:
    assert k_of_n([95, 95, 95], 2) == pytest.approx(99.275, abs=1e-9)
    assert k_of_n([95, 95, 95], 1) == pytest.approx(99.9875, abs=1e-9)  # 1 - 0.05³
    assert k_of_n([95, 95, 95], 3) == pytest.approx(85.7375, abs=1e-9)  # n of n is a series chain
    assert k_of_n([90, 80], 2) == pytest.approx(72.0)


def test_unknown_at_most_10_fails_at_12() -> None:
    unknown = Target(id="unknown", metric="unknown", value=10, unit="%")
    assert unknown.sense == "at-most"
    assert unknown.meets(12) is False
    assert unknown.meets(10) is True
    assert Target(id="a", metric="availability", value=80, unit="%").meets(79.9) is False
    assert Target(id="r", metric="reliability", value=85, unit="%").meets(85) is True
    # "other" says nothing about its direction until it is given
    assert Target(id="o", metric="other", value=98, unit="%").meets(99) is None
    assert Target(id="o", metric="other", value=3, unit="count", direction="at-most").meets(4) is False


def test_two_working_days_from_friday_17_are_due_tuesday_17() -> None:
    raised = dt.datetime(2026, 11, 27, 17, 0, tzinfo=BERLIN)
    assert raised.strftime("%a") == "Fri"
    assert due(raised, 2, "working-days", OFFICE) == dt.datetime(2026, 12, 1, 17, 0, tzinfo=BERLIN)
    assert due(raised, 2, "working-days", OFFICE).strftime("%a %H:%M") == "Tue 17:00"


def test_working_hours_count_only_support_hours() -> None:
    friday = dt.datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)
    assert due(friday, 4, "working-hours", OFFICE) == dt.datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)
    # raised on Saturday: the first working day is Monday; one working day later is Monday's close
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)
    assert due(saturday, 1, "working-days", OFFICE) == dt.datetime(2026, 11, 30, 18, 0, tzinfo=BERLIN)
    assert due(saturday, 10, "working-hours", OFFICE) == dt.datetime(2026, 11, 30, 18, 0, tzinfo=BERLIN)
    # across the switch to winter time: 2026-10-25 has 25 hours, working hours are still wall-clock hours
    assert due(dt.datetime(2026, 10, 23, 17, 0, tzinfo=BERLIN), 2, "working-hours", OFFICE) == \
        dt.datetime(2026, 10, 26, 9, 0, tzinfo=BERLIN)


def test_federation_example_is_clean(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", EXAMPLES / "federation")
    assert run.code == 0, run.out
    assert "All checks passed" in run.out


def _findings(fitsm: Callable[..., Run], root: Path) -> list[dict[str, object]]:
    run = fitsm("check", root, "--format", "json", "--no-cache")
    findings: list[dict[str, object]] = json.loads(run.out)["findings"]
    return findings


def test_more_required_than_parallel_suppliers_is_reported_under_pr1_1(fitsm: Callable[..., Run],
                                                                       tmp_path: Path) -> None:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "federation", root)
    portfolio = root / "portfolio.yaml"
    portfolio.write_text(portfolio.read_text().replace("      required: 1\n", "      required: 4\n"))
    findings = _findings(fitsm, root)
    assert [(f["requirement"], f["path"]) for f in findings if "parallel suppliers" in str(f["message"])] == \
        [("PR1.1", "portfolio.yaml")]


def test_ola_template_needs_no_single_supplier_but_one_without_either_is_reported(fitsm: Callable[..., Run],
                                                                                   tmp_path: Path) -> None:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "federation", root)
    olas = root / "agreements" / "supporting.yaml"
    text = olas.read_text()
    start = text.index("  signatories:\n")
    end = text.index("  supports: [{service: dc-cloud-compute, component: compute-sites}]")
    olas.write_text(text[:start] + text[end:])
    findings = _findings(fitsm, root)
    missing = [f for f in findings if "'spec.supplier'" in str(f["message"])]
    assert [(f["requirement"], f["rule"]) for f in missing] == [("PR2.4", "evidence-field")]
