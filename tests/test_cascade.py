"""One mistake, its findings: cutting out an invalid value does not produce findings of its own.

The validator cuts an invalid value out (the list item, or the optional part that holds it) and validates
again; what the cut leaves behind (an empty list that needs an item, a part that now lacks what it holds)
is the same mistake, and a rule must not read the cut part as never stated.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import Run

POSIDONIA = Path(__file__).resolve().parent / "conformity" / "sms" / "posidonia"


def test_weekdays_in_french_are_five_findings_not_a_cascade(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """Posidonia's maintainer writes the framework SLA's support days in French. Each day is invalid, and
    that is all: before, cutting them out also reported the window's days as empty, the hours as having no
    window, and the working-hours target as tied to no stated support hours (they were stated)."""
    root = Path(shutil.copytree(POSIDONIA, tmp_path / "sms"))
    sla = root / "sla_cadre-2026.yaml"
    text = sla.read_text(encoding="utf-8")
    old = '"days": ["mon", "tue", "wed", "thu", "fri"]'
    assert text.count(old) == 1
    sla.write_text(text.replace(old, '"days": ["lun", "mar", "mer", "jeu", "ven"]'), encoding="utf-8")
    run = fitsm("check", root, "--format", "json", "--no-cache")
    findings = json.loads(run.out)["findings"]
    assert run.code == 1
    assert [(f["requirement"], f["rule"], f["message"].split(":")[0]) for f in findings] == [
        ("PR2.2", "evidence-field", f"spec.support.hours.windows.0.days.{i}") for i in range(5)]
    rows = {r["id"]: r for r in json.loads(fitsm("status", root, "--format", "json", "--no-cache").out)["requirements"]}
    assert rows["PR2.2"]["state"] == "findings" and rows["PR2.2"]["findings"] == 5
