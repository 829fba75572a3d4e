"""The conformity matrix: one row per FitSM-1 requirement, as a table and as versioned JSON."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitsm_kit.engine.run import check
from fitsm_kit.findings import Finding, Result, Severity
from fitsm_kit.model.catalogue import requirements
from fitsm_kit.output.matrix import PROCESS_OF, State, rows, totals
from fitsm_kit.sms.config import Config, load_config

from conftest import EXAMPLES, Run

ROW_KEYS = {"id", "group", "group_title", "state", "findings", "waived", "rules", "note"}
STATES = {"satisfied", "findings", "waived", "out-of-scope", "no-evidence"}


def finding(requirement: str, rule: str, waiver: str = "") -> Finding:
    return Finding("a.yaml", 1, 1, requirement, rule, "m", Severity.ERROR, "f", "doc", waiver)


def result(findings: tuple[Finding, ...] = (), waived: tuple[Finding, ...] = (),
           excluded: tuple[str, ...] = ()) -> Result:
    return Result("sms", "2026-11-26", findings, 3, 2, waived=waived, excluded_processes=excluded)


RULES = {"rule-a": "GR1.1", "rule-b": "GR1.1", "rule-c": "GR1.2", "rule-d": "PR5.1", "rule-e": "PR2.1"}


def by_id(matrix: list[Any]) -> dict[str, Any]:
    return {row.requirement: row for row in matrix}


def test_states_in_order_of_precedence() -> None:
    res = result(findings=(finding("GR1.1", "rule-a"), finding("GR1.1", "rule-b"), finding("PR5.1", "rule-d")),
                 waived=(finding("GR1.2", "rule-c", "w-2"), finding("GR1.2", "rule-c", "w-1"),
                         finding("GR1.1", "rule-a", "w-3")),
                 excluded=("CAPM",))
    matrix = by_id(rows(res, Config(), RULES))
    assert len(matrix) == len(requirements()) == 52
    gr11 = matrix["GR1.1"]
    assert (gr11.state, gr11.findings, gr11.waived, gr11.rules, gr11.note) == (
        State.FINDINGS, 2, 1, ("rule-a", "rule-b"), "")
    gr12 = matrix["GR1.2"]
    assert (gr12.state, gr12.findings, gr12.waived, gr12.note) == (State.WAIVED, 0, 2, "waived by w-1, w-2")
    # findings beat the scope: a finding on an excluded process still shows
    assert (matrix["PR5.1"].state, matrix["PR5.1"].findings) == (State.FINDINGS, 1)
    assert (matrix["PR5.2"].state, matrix["PR5.2"].note) == (State.OUT_OF_SCOPE,
                                                             "process CAPM is excluded by the scope")
    assert (matrix["PR2.1"].state, matrix["PR2.1"].rules) == (State.SATISFIED, ("rule-e",))
    assert (matrix["GR1.3"].state, matrix["GR1.3"].note) == (State.OUT_OF_SCOPE, "no rule checks it")
    assert totals(list(matrix.values())) == {"requirements": 52, "satisfied": 1, "findings": 2, "waived": 1,
                                             "out-of-scope": 48, "no-evidence": 0}


def test_unselected_requirements_are_out_of_scope_and_say_why() -> None:
    matrix = by_id(rows(result(), Config(select=["GR1"], ignore=["rule-b"]), RULES))
    assert (matrix["GR1.1"].state, matrix["GR1.1"].rules) == (State.SATISFIED, ("rule-a",))
    assert (matrix["PR2.1"].state, matrix["PR2.1"].rules, matrix["PR2.1"].note) == (
        State.OUT_OF_SCOPE, (), "not selected")
    assert matrix["GR2.1"].note == "no rule checks it"


def test_every_pr_group_maps_to_a_process() -> None:
    groups = {r.group for r in requirements().values() if r.group.startswith("PR")}
    assert set(PROCESS_OF) == groups


def status(fitsm: Callable[..., Run], *args: str | Path) -> tuple[int, dict[str, Any]]:
    run = fitsm("status", *args, "--format", "json", "--no-cache")
    assert run.err == fitsm("check", *args, "--format", "json", "--no-cache").err  # the same notes as check
    return run.code, json.loads(run.out)


@pytest.mark.parametrize("example", ["acme", "acme-broken"])
def test_matrix_json_agrees_with_the_findings(example: str, fitsm: Callable[..., Run]) -> None:
    code, data = status(fitsm, EXAMPLES / example)
    report = fitsm("check", EXAMPLES / example, "--format", "json", "--no-cache")
    assert code == report.code
    assert set(data) == {"version", "tool", "root", "as_of", "totals", "requirements"}
    assert data["version"] == 1 and data["tool"]["name"] == "fitsm-kit"
    assert data["as_of"] == "2026-11-26" and data["root"] == json.loads(report.out)["root"]
    matrix = data["requirements"]
    assert [row["id"] for row in matrix] == list(requirements())
    assert all(set(row) == ROW_KEYS and row["state"] in STATES for row in matrix)
    per_requirement = Counter(f["requirement"] for f in json.loads(report.out)["findings"])
    assert {row["id"]: row["findings"] for row in matrix if row["findings"]} == dict(per_requirement)
    assert {row["id"] for row in matrix if row["state"] == "findings"} == set(per_requirement)
    states = Counter(row["state"] for row in matrix)
    assert data["totals"] == {"requirements": 52, **{s: states[s] for s in sorted(STATES)}}


@pytest.mark.parametrize("example", ["acme", "acme-broken"])
def test_matrix_table_prints_every_requirement_and_the_totals(example: str, fitsm: Callable[..., Run]) -> None:
    run = fitsm("status", EXAMPLES / example, "--no-cache")
    _, data = status(fitsm, EXAMPLES / example)
    assert all(line.startswith("fitsm: note: ") for line in run.err.splitlines())
    assert all(req in run.out for req in requirements())
    t = data["totals"]
    assert run.out.rstrip().splitlines()[-1] == (
        f"52 requirements: {t['satisfied']} satisfied, {t['findings']} with findings, {t['no-evidence']} with no "
        f"evidence, {t['waived']} waived, {t['out-of-scope']} out of scope.")


def test_check_matrix_is_an_alias_of_status(fitsm: Callable[..., Run]) -> None:
    alias = fitsm("check", EXAMPLES / "acme-broken", "--matrix", "--format", "json", "--no-cache")
    _, data = status(fitsm, EXAMPLES / "acme-broken")
    assert json.loads(alias.out) == data
    bad = fitsm("check", EXAMPLES / "acme", "--matrix", "--format", "sarif")
    assert bad.code == 2 and "the conformity matrix is text or json, not 'sarif'" in bad.err


def test_matrix_to_a_file_is_plain_text(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    target = tmp_path / "matrix.txt"
    run = fitsm("status", EXAMPLES / "acme-broken", "--output", target, "--no-cache")
    assert run.out == ""
    text = target.read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert text.splitlines()[0].strip() == "FitSM-1 conformity, as of 2026-11-26"
    assert all(req in text for req in requirements())


def test_select_narrows_the_matrix(fitsm: Callable[..., Run]) -> None:
    _, data = status(fitsm, EXAMPLES / "acme-broken", "--select", "PR2")
    outside = [row for row in data["requirements"] if not row["id"].startswith("PR2.")]
    assert {(row["state"], row["findings"], tuple(row["rules"])) for row in outside} == {("out-of-scope", 0, ())}
    assert {row["note"] for row in outside} <= {"not selected", "no rule checks it"}


def test_processes_left_out_of_the_scope_are_out_of_scope(tmp_path: Path) -> None:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    scope = root / "general" / "scope.yaml"
    text = scope.read_text(encoding="utf-8")
    kept = "[SPM, SLM, SRM, SACM, ISM, CRM, SUPPM, ISRM, PM, CONFM, CHM, RDM, CSI]"  # all but CAPM
    scope.write_text(text.replace("  organisations:", f"  processes: {kept}\n  organisations:", 1), encoding="utf-8")
    config = load_config(root)
    res = check(root, config, dt.date(2026, 11, 26))
    assert res.excluded_processes == ("CAPM",)
    matrix = rows(res, config, {"r": "PR5.3"})
    assert {row.requirement: row.state for row in matrix if row.requirement.startswith("PR5")} == {
        f"PR5.{n}": State.OUT_OF_SCOPE for n in (1, 2, 3, 4)}
    assert check(EXAMPLES / "acme", config, dt.date(2026, 11, 26)).excluded_processes == ()


def test_status_says_why_git_history_was_not_used(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """An auditor reading the matrix of an SMS outside Git learns, as 'fitsm check' says, that approvals were
    not checked against Git history. 'fitsm status' printed no note at all."""
    root = Path(shutil.copytree(EXAMPLES / "acme", tmp_path / "sms"))
    run = fitsm("status", root, "--no-cache")
    assert run.code == 0
    assert run.err.startswith("fitsm: note: not a Git repository: document control from Git (GR2.4 approvals, "
                              "changes after approval) was not checked"), run.err
