"""A document that could not be read is one finding, never a "missing" finding elsewhere.

The evidence may well be there: a policy with an unclosed quote still exists, so "no service management
policy" would be untrue. For every kind, a file of the independently written ``uni-hpc`` corpus is broken the
way a maintainer breaks one — a quote or brace left open (the file does not parse), the ``kind`` line
deleted, the metadata keys that lost their indentation or the metadata written as the bare id (the envelope
is broken) — and then:

- ``fitsm check`` exits 1 with findings only in the broken file, only of the rules that say it cannot be
  read (``yaml-syntax``, ``document-shape``, ``schema``): nothing is reported missing, no reference dangles;
- ``fitsm status`` shows the requirements whose evidence that kind is as ``no-evidence``, naming the file;
- ``fitsm assess`` does not count them as satisfied.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import Run

BASE = Path(__file__).parent / "conformity" / "sms" / "uni-hpc"
ROOT_CAUSES = {"yaml-syntax", "document-shape", "schema"}  # what says a document cannot be read


def unclosed(text: str) -> str:
    """A closing quote or brace forgotten: the file does not parse."""
    if re.search(r"^metadata: \{", text, re.M):
        return re.sub(r"^(metadata: \{.*)\}", r"\1", text, count=1, flags=re.M)
    return re.sub(r"^(  title: )(.*)$", r'\1"\2', text, count=1, flags=re.M)


def kind_deleted(text: str) -> str:
    """The ``kind`` line deleted (a copy-and-paste that lost the first lines)."""
    return re.sub(r"^kind: \w+\n", "", text, count=1, flags=re.M)


def metadata_broken(text: str) -> str:
    """The metadata is no mapping: written as the bare id, or its keys lost their indentation."""
    flow = re.search(r"^metadata: \{id: ([\w.-]+).*$", text, re.M)
    if flow is not None:
        return f"{text[:flow.start()]}metadata: {flow.group(1)}{text[flow.end():]}"
    lines, inside = [], False
    for line in text.split("\n"):
        inside = line.startswith("metadata:") or (inside and line.startswith("  "))
        lines.append(line[2:] if inside and line.startswith("  ") else line)
    return "\n".join(lines)


BREAKAGES: dict[str, Callable[[str], str]] = {"unclosed": unclosed, "kind-deleted": kind_deleted,
                                              "metadata-broken": metadata_broken}
ALL = tuple(BREAKAGES)


@dataclass(frozen=True)
class Case:
    kind: str
    file: str  # in uni-hpc
    requirements: tuple[str, ...]  # where its absence was (or would be) reported: now no-evidence, naming the file
    breakages: tuple[str, ...] = ALL  # those that each made a finding untrue before


CASES = [
    Case("Policy", "sms/governance/policy.yaml", ("GR1.2", "GR2.1")),
    Case("Scope", "sms/governance/scope.yaml", ("GR2.1", "GR2.2", "GR3.2")),
    Case("Plan", "sms/governance/sm-plan.yaml", ("GR2.1", "GR4.1", "GR6.1")),
    Case("Plan", "sms/governance/slm-plan.yaml", ("GR4.2", "GR6.1")),
    Case("Process", "sms/processes/slm.yaml", ("GR2.2",)),
    Case("ReportSpecification", "docs/reports/service-monthly.yaml", ("PR3.1",)),
    Case("AgreementEvaluation", "records/2026/evaluations/sla-physics-q2.yaml", ("PR2.3",)),
    Case("ManagementReview", "records/2026/management-review.yaml", ("GR1.3",)),
    Case("Audit", "records/2026/self-assessment.yaml", ("GR6.2",)),
    Case("ServiceReview", "records/2026/customers/review-physics.yaml", ("PR7.4",)),
    Case("SatisfactionSurvey", "records/2026/customers/survey-2026.yaml", ("PR7.6",)),
    Case("ReportDelivery", "records/2026/reports/deliveries.yaml", ("PR3.3",)),
    Case("SupplierEvaluation", "records/2026/suppliers/evaluations.yaml", ("PR8.4",)),
    Case("SecurityPolicy", "security/infosec-policy.yaml", ("PR6.1",)),
    Case("ServiceCatalogue", "services/catalogue.yaml", ("PR2.1", "PR2.2")),
    Case("ServiceProposal", "services/proposal-notebooks.yaml", ("PR1.2",)),
    Case("KPI", "sms/kpis/nc-closure.yaml", ("GR6.1",)),
    Case("SecurityControl", "security/access-review.yaml", ("PR6.5",)),
    Case("OLA", "docs/agreements/ola/ola-uni-its.yaml", ("PR2.4",)),
    Case("Service", "services/batch-compute.yaml", ("PR1.1",)),
    Case("Person", "sms/people/hdekker.yaml", ("GR1.1",)),
    # kinds whose file that does not parse held back already; a deleted kind line or broken metadata did not
    Case("RoleAssignment", "sms/governance/roles.yaml", ("GR1.1", "GR2.2", "GR4.1"), ("kind-deleted",)),
    Case("Risk", "security/risks.yaml", ("PR4.2", "PR6.2"), ("kind-deleted", "metadata-broken")),
    Case("AvailabilityContinuityPlan", "continuity/availability-plan.yaml", ("PR4.1",), ("kind-deleted",)),
    Case("CapacityPlan", "continuity/capacity-plan.yaml", ("PR5.1",), ("kind-deleted",)),
    Case("SLA", "docs/agreements/sla/default-sla.yaml", ("PR2.2",), ("kind-deleted", "metadata-broken")),
    Case("SecurityControl", "security/controls.yaml", ("PR6.3",), ("kind-deleted",)),
    Case("Improvement", "records/2026/improvement-gpu-queue.yaml", ("GR2.3", "GR7.2"), ("kind-deleted",)),
    Case("Customer", "relations/customers/physics-faculty.yaml", ("PR7.1", "PR7.2"), ("metadata-broken",)),
    Case("Supplier", "relations/suppliers/uni-its.yaml", ("PR8.2",), ("metadata-broken",)),
    Case("Nonconformity", "records/2026/nonconformities/nc-2026-01.yaml", ("GR7.1",), ("metadata-broken",)),
    Case("Asset", "security/assets.yaml", ("PR6.2",), ("metadata-broken",)),
]


def broken(tmp_path: Path, case: Case, breakage: str) -> Path:
    root = tmp_path / "sms"
    shutil.copytree(BASE, root)
    path = root / case.file
    text = path.read_text(encoding="utf-8")
    changed = BREAKAGES[breakage](text)
    assert changed != text, f"{breakage} does not apply to {case.file}"
    path.write_text(changed, encoding="utf-8")
    return root


def as_json(run: Run) -> Any:
    return json.loads(run.out)


@pytest.mark.parametrize(("case", "breakage"), [(c, b) for c in CASES for b in c.breakages],
                         ids=[f"{c.kind}-{Path(c.file).stem}-{b}" for c in CASES for b in c.breakages])
def test_a_document_that_cannot_be_read_is_one_finding_and_leaves_its_requirements_undetermined(
        fitsm: Callable[..., Run], tmp_path: Path, case: Case, breakage: str) -> None:
    root = broken(tmp_path, case, breakage)
    check = fitsm("check", root, "--format", "json", "--no-cache")
    assert check.code == 1, check.err
    findings = as_json(check)["findings"]
    assert findings, "the broken document itself is a finding"
    elsewhere = [f"{f['path']}:{f['line']} {f['requirement']} {f['rule']}: {f['message']}" for f in findings
                 if f["path"] != case.file or f["rule"] not in ROOT_CAUSES]
    assert not elsewhere, elsewhere  # nothing is missing, no reference dangles: the document is unreadable
    status = fitsm("status", root, "--format", "json", "--no-cache")
    rows = {row["id"]: row for row in as_json(status)["requirements"]}
    for requirement in case.requirements:
        assert rows[requirement]["state"] == "no-evidence", rows[requirement]
        assert case.file in rows[requirement]["note"], rows[requirement]
    assert rows["GR2.4"]["state"] == "findings"
    if breakage != case.breakages[0]:
        return  # the self-assessment reads the same matrix: once per kind is enough
    areas = {area["area"]: area for area in as_json(fitsm("assess", root, "--format", "json"))["areas"]}
    for group in {requirement.split(".")[0] for requirement in case.requirements}:
        assert areas[group]["satisfied"] < areas[group]["requirements"] and areas[group]["level"] < 3, areas[group]


def test_a_file_of_the_base_is_clean(fitsm: Callable[..., Run]) -> None:
    """What the breakages are measured against: the base checks clean, with every requirement satisfied."""
    assert fitsm("check", BASE, "--no-cache").code == 0
    rows = as_json(fitsm("status", BASE, "--format", "json", "--no-cache"))["requirements"]
    assert {row["state"] for row in rows} == {"satisfied"}


def edited(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (file, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def findings_of(fitsm: Callable[..., Run], root: Path) -> list[dict[str, Any]]:
    run = fitsm("check", root, "--format", "json", "--no-cache")
    assert run.code == 1, run.err
    found: list[dict[str, Any]] = as_json(run)["findings"]
    return found


@pytest.mark.parametrize(("unread", "mistake", "expected"), [
    # another process definition's own fields are still judged while SLM's cannot be read
    ("sms/processes/slm.yaml", ("sms/processes/srm.yaml", "  inputs:\n    - Agreement evaluations\n"
                                "    - KPI measurements\n    - Incident statistics\n", ""),
     ("GR2.2", "process-definitions", "process definition has no inputs")),
    # which processes are in scope is unknown without the scope statement, but a definition without goals is wrong
    ("sms/governance/scope.yaml", ("sms/processes/srm.yaml", "  goals:\n    - Produce agreed, timely and correct "
                                   "reports on services and the SMS\n", ""),
     ("GR2.2", "process-definitions", "process definition has no goals")),
    # a Person file that does not parse still names its id: a typo of another person's id is still dangling
    ("sms/people/hdekker.yaml", ("services/grid-ce.yaml", "  owner: sokafor\n", "  owner: sokafr\n"),
     ("PR1.1", "unresolved-reference", "'sokafr' does not name any Person in the SMS")),
], ids=["process", "scope", "person"])
def test_what_was_read_is_still_judged(fitsm: Callable[..., Run], tmp_path: Path, unread: str,
                                       mistake: tuple[str, str, str], expected: tuple[str, str, str]) -> None:
    root = broken(tmp_path, Case("", unread, ()), "unclosed")
    edited(root, *mistake)
    found = [(f["requirement"], f["rule"], f["message"]) for f in findings_of(fitsm, root)
             if f["path"] == mistake[0]]
    assert found == [expected]


WAIVER = """\
apiVersion: fitsm.eu/v1
kind: Waiver
metadata: {id: waiver-gpu-capacity, title: GPU capacity requirements follow the 2027 plan, owner: tbrandt,
           status: recorded}
spec:
  rule: capacity-requirements
  documents: [batch-compute]
  justification: The GPU partition's demand forecast is part of the 2027 capacity plan.
  approved_by: hdekker
  approved_on: 2026-09-01
  expires: 2026-12-31
"""


def test_a_waiver_of_a_rule_that_held_back_is_not_unused(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    """With the capacity plan unreadable, capacity-requirements judges nothing: whether the waiver still
    matches a finding is not known, so "matched no finding" would be untrue."""
    root = tmp_path / "sms"
    shutil.copytree(BASE, root)
    (root / "records" / "waiver-gpu-capacity.yaml").write_text(WAIVER, encoding="utf-8")
    unused = [f["rule"] for f in findings_of(fitsm, root)]
    assert unused == ["waiver-unused"]  # with the plan read, the waiver does match nothing
    plan = root / "continuity" / "capacity-plan.yaml"
    plan.write_text(unclosed(plan.read_text(encoding="utf-8")), encoding="utf-8")
    found = [(f["path"], f["rule"]) for f in findings_of(fitsm, root)]
    assert found == [("continuity/capacity-plan.yaml", "yaml-syntax")]


def test_the_matrix_shows_the_name_of_an_unreadable_file_escaped(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    """The no-evidence note names the file as it is: a name with an escape sequence or a byte that is not UTF-8
    must neither drive the terminal nor crash the table."""
    root = tmp_path / "sms"
    shutil.copytree(BASE, root)
    sla = root / "docs" / "agreements" / "sla" / "default-sla.yaml"
    (root / os.fsdecode(b"\x1b[7m\xab.yaml")).write_text(unclosed(sla.read_text(encoding="utf-8")), encoding="utf-8")
    sla.unlink()
    run = fitsm("status", root, "--no-cache")
    assert run.code == 1, run.err
    assert "no-evidence" in run.out
    assert "\x1b" not in run.out and not re.search("[\ud800-\udfff]", run.out)
