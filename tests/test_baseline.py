"""Gradual adoption: ``fitsm baseline`` records today's findings; ``fitsm check`` then fails only on new ones."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, Run


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme-broken", root)
    return root


def as_json(fitsm: Callable[..., Run], *args: str | Path) -> tuple[int, dict[str, Any]]:
    run = fitsm(*args, "--format", "json")
    return run.code, json.loads(run.out)


def ids(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((f["path"], f["rule"], f["message"]) for f in findings)


def test_a_baselined_finding_does_not_fail_a_new_one_does(sms: Path, fitsm: Callable[..., Run]) -> None:
    code, before = as_json(fitsm, "check", sms)
    assert code == 1 and before["findings"]
    wrote = fitsm("baseline", sms)
    assert wrote.code == 0 and f"{len(before['findings'])} known findings" in wrote.out
    stored = json.loads((sms / "fitsm-baseline.json").read_text(encoding="utf-8"))
    assert ids(stored["findings"]) == ids(before["findings"])

    code, after = as_json(fitsm, "check", sms)
    assert (code, after["findings"], after["baseline"]) == (0, [], "fitsm-baseline.json")
    assert ids(after["known"]) == ids(before["findings"]) and after["gone"] == []
    text = fitsm("check", sms)
    assert text.code == 0
    assert f"Known, in the baseline fitsm-baseline.json (not failing, {len(before['findings'])}):" in text.out
    first = before["findings"][0]
    assert f"{first['path']}:{first['line']}:{first['column']}: {first['requirement']} {first['message']}" in text.out

    sarif = json.loads(fitsm("check", sms, "--format", "sarif").out)["runs"][0]["results"]
    assert len(sarif) == len(before["findings"]) and {r["baselineState"] for r in sarif} == {"unchanged"}

    # a new problem fails, and only it is reported as new
    sla = sms / "agreements" / "sla-bio-institute.yaml"
    sla.write_text(sla.read_text(encoding="utf-8").replace("owner: eva-novak", "owner: nobody-here", 1),
                   encoding="utf-8")
    code, broken = as_json(fitsm, "check", sms)
    assert code == 1
    assert [(f["path"], f["rule"]) for f in broken["findings"]] == [("agreements/sla-bio-institute.yaml",
                                                                     "unresolved-reference")]
    assert fitsm("check", sms, "--no-baseline").code == 1


def test_baselined_findings_survive_edits_above_them(sms: Path, fitsm: Callable[..., Run]) -> None:
    assert fitsm("baseline", sms).code == 0
    _, before = as_json(fitsm, "check", sms, "--no-baseline")
    moved = {f["path"] for f in before["findings"] if f["path"] != "fitsm.yaml"}
    for rel in moved:  # three comment lines on top of every file with a finding: every line number moves
        path = sms / rel
        path.write_text("# reviewed\n# by the team\n# in November\n" + path.read_text(encoding="utf-8"),
                        encoding="utf-8")
    code, after = as_json(fitsm, "check", sms)
    assert (code, after["findings"], after["gone"]) == (0, [], [])
    assert sorted((f["path"], f["rule"], f["line"]) for f in after["known"]) == sorted(
        (f["path"], f["rule"], f["line"] + 3 if f["path"] in moved else f["line"]) for f in before["findings"])


def test_a_document_moved_to_its_own_file_keeps_its_baselined_findings(sms: Path, fitsm: Callable[..., Run]) -> None:
    """The team splits a multi-document file and moves one document with a baselined finding to a file of its
    own: the finding is the same one, as pull-request mode already says (it was new, and failed the check)."""
    assert fitsm("baseline", sms).code == 0
    _, before = as_json(fitsm, "check", sms, "--no-baseline")
    texts = {f["path"]: (sms / f["path"]).read_text(encoding="utf-8") for f in before["findings"] if f["document"]}
    finding = next(f for f in before["findings"] if f["document"] and texts[f["path"]].count("\n---\n") >= 1
                   and f"id: {f['document']}" in texts[f["path"]] and ".yaml" not in f["message"])
    parts = texts[finding["path"]].split("\n---\n")
    ours = next(p for p in parts if f"id: {finding['document']}" in p)
    (sms / finding["path"]).write_text("\n---\n".join(p for p in parts if p is not ours).rstrip("\n") + "\n",
                                       encoding="utf-8")
    (sms / "moved").mkdir()
    (sms / "moved" / f"{finding['document']}.yaml").write_text(ours.rstrip("\n") + "\n", encoding="utf-8")
    code, after = as_json(fitsm, "check", sms)
    assert (code, after["findings"], after["gone"]) == (0, [], [])
    assert {(f["path"], f["rule"], f["message"]) for f in after["known"] if f["document"] == finding["document"]} \
        >= {(f"moved/{finding['document']}.yaml", finding["rule"], finding["message"])}


def test_a_fixed_finding_is_reported_as_gone_and_the_baseline_shrinks(sms: Path, fitsm: Callable[..., Run]) -> None:
    assert fitsm("baseline", sms).code == 0
    catalogue = sms / "services" / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    assert "legacy-ftp" in text
    catalogue.write_text("\n".join(line for line in text.splitlines() if "PLANTED: PR2.1 catalogue-lists-live" not in
                                   line) + "\n", encoding="utf-8")
    code, after = as_json(fitsm, "check", sms)
    assert code == 0
    assert [(f["path"], f["rule"]) for f in after["gone"]] == [("services/catalogue.yaml",
                                                                "catalogue-lists-live-services")]
    shown = fitsm("check", sms)
    assert "Gone since the baseline (1): run 'fitsm baseline' to remove them from fitsm-baseline.json:" in shown.out
    assert "1 gone from it." in shown.out
    count = len(json.loads((sms / "fitsm-baseline.json").read_text(encoding="utf-8"))["findings"])
    assert fitsm("baseline", sms).code == 0
    assert len(json.loads((sms / "fitsm-baseline.json").read_text(encoding="utf-8"))["findings"]) == count - 1
    assert as_json(fitsm, "check", sms)[1]["gone"] == []


def test_status_and_the_matrix_still_count_baselined_findings(sms: Path, fitsm: Callable[..., Run]) -> None:
    before = fitsm("status", sms, "--format", "json")
    assert fitsm("baseline", sms).code == 0
    after = fitsm("status", sms, "--format", "json")
    assert (after.code, after.out) == (before.code, before.out)
    assert before.code == 1 and json.loads(after.out)["totals"]["findings"] > 0
    assert fitsm("check", sms, "--matrix", "--format", "json").out == before.out


def test_a_damaged_baseline_is_a_usage_error(sms: Path, fitsm: Callable[..., Run]) -> None:
    (sms / "fitsm-baseline.json").write_text('{"version": 1, "findings": [{"path": 3}]}', encoding="utf-8")
    run = fitsm("check", sms)
    assert run.code == 2 and "fitsm-baseline.json: not a baseline fitsm-kit understands" in run.err
    (sms / "fitsm-baseline.json").write_text("{", encoding="utf-8")
    run = fitsm("check", sms)
    assert run.code == 2 and "not a readable baseline" in run.err and "Traceback" not in run.err
