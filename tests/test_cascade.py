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

import pytest

from conftest import Run

CORPORA = Path(__file__).resolve().parent / "conformity" / "sms"
POSIDONIA = CORPORA / "posidonia"


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


def test_a_role_written_as_a_mapping_is_a_finding_not_a_crash(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """uni-hpc's maintainer writes the SMS owner's role as a mapping. The rules that need the SMS owner
    looked the raw value up in a set of role names: exit 3, 'unhashable type'. And with the entry cut out,
    GR1.1 said "no SMS owner is assigned": the entry that assigns her is the one cut out."""
    root = Path(shutil.copytree(CORPORA / "uni-hpc", tmp_path / "sms"))
    roles = root / "sms" / "governance" / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    old = "- {role: sms-owner, person: hdekker, since: 2024-01-01}"
    assert text.count(old) == 1
    roles.write_text(text.replace(old, "- {role: {name: sms-owner}, person: hdekker, since: 2024-01-01}"),
                     encoding="utf-8")
    run = fitsm("check", root, "--format", "json", "--no-cache")
    assert run.code == 1, run.err
    findings = json.loads(run.out)["findings"]
    assert [(f["path"], f["line"], f["requirement"]) for f in findings] == [("sms/governance/roles.yaml", 19, "GR2.2")]
    rows = {r["id"]: r for r in json.loads(fitsm("status", root, "--format", "json", "--no-cache").out)["requirements"]}
    assert rows["GR1.1"]["state"] == "no-evidence"
    assert "spec.assignments.0 of" in rows["GR1.1"]["note"] and "is invalid" in rows["GR1.1"]["note"]


def test_a_kpi_whose_scope_is_left_out_is_one_finding(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """alpnet's maintainer deletes the scope line of its only SMS-wide KPI. The evidence-field finding says so;
    GR6.1 also said "no KPI measures the SMS as a whole" (that KPI may be the one) and "KPI scope None is
    neither sms, a process code nor a service id"."""
    root = Path(shutil.copytree(CORPORA / "alpnet", tmp_path / "sms"))
    kpis = root / "messung" / "kpis.yml"
    text = kpis.read_text(encoding="utf-8")
    old = "  scope: sms\n"
    assert text.count(old) == 1
    kpis.write_text(text.replace(old, ""), encoding="utf-8")
    run = fitsm("check", root, "--format", "json", "--no-cache")
    assert [(f["requirement"], f["rule"], f["document"]) for f in json.loads(run.out)["findings"]] == [
        ("GR6.1", "evidence-field", "kpi-planziele")]


def test_a_supplier_evaluation_naming_no_supplier_is_one_finding(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """uni-hpc's maintainer deletes the supplier line of the estates evaluation. The evidence-field finding says
    so; PR8.4 also said "supplier was never evaluated" of estates, which that evaluation may well be of."""
    root = Path(shutil.copytree(CORPORA / "uni-hpc", tmp_path / "sms"))
    evaluation = root / "records" / "2026" / "suppliers" / "estates.yaml"
    text = evaluation.read_text(encoding="utf-8")
    assert text.count("  supplier: estates\n") == 1
    evaluation.write_text(text.replace("  supplier: estates\n", ""), encoding="utf-8")
    run = fitsm("check", root, "--format", "json", "--no-cache")
    assert [(f["requirement"], f["rule"], f["document"]) for f in json.loads(run.out)["findings"]] == [
        ("PR8.4", "evidence-field", "supeval-estates-2026")]


@pytest.mark.parametrize(("file", "line", "doc", "requirement"), [
    ("proc_pm.yaml", '  code: "PM"\n', "proc.pm", "GR2.2"),
    ("risque_sinistre-luminy.yaml", '  category: "continuity"\n', "risque.sinistre-luminy", "PR6.2"),
])
def test_a_field_left_out_that_says_which_one_it_is_is_one_finding(tmp_path: Path, fitsm: Callable[..., Run],
                                                                   file: str, line: str, doc: str,
                                                                   requirement: str) -> None:
    """Posidonia's maintainer deletes the code of its PM process, or the category of a continuity risk. The
    evidence-field finding says so; the rules also said "process PM is in scope but has no Process
    definition" and "no availability or continuity risk is assessed" for the DOI service, which that very
    document may be (a field cut out as invalid already held them back)."""
    root = Path(shutil.copytree(POSIDONIA, tmp_path / "sms"))
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(line) == 1
    path.write_text(text.replace(line, ""), encoding="utf-8")
    run = fitsm("check", root, "--format", "json", "--no-cache")
    assert [(f["requirement"], f["rule"], f["document"]) for f in json.loads(run.out)["findings"]] == [
        (requirement, "evidence-field", doc)]
