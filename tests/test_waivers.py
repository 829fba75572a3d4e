"""Waivers: recorded deviations take findings out of the failing set until they expire."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitsm_kit.engine import cache
from fitsm_kit.engine.run import check
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.discovery import read_sources

from conftest import EXAMPLES, Run

CHECKS = "unresolved-reference,waiver-expired,waiver-unused"
SCOPE = "general/scope.yaml"
AUDITOR = "k-brandt"  # the external consultant: no Person document
WAIVERS = "records/waivers.yaml"
WAIVER = """\
apiVersion: fitsm.eu/v1
kind: Waiver
metadata:
  id: {id}
  title: Scope reviewed by an external consultant
  owner: alice-martin
  status: {status}
spec:
  {target}
  documents: {documents}
  justification: K. Brandt reviewed the scope as an external consultant and is not a person of the SMS.
  approved_by: alice-martin
  approved_on: 2026-10-01
  expires: {expires}
  nonconformity: nc-2026-02
"""


def waiver(id: str = "waiver-scope-review", *, target: str = "rule: unresolved-reference",
           documents: str = "[sms-scope]", expires: str = "2026-12-31", status: str = "recorded") -> str:
    return WAIVER.format(id=id, target=target, documents=documents, expires=expires, status=status)


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    """The clean example; the scope's reviewer is not a Person of the SMS, so unresolved-reference fires."""
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    path = root / SCOPE
    text = path.read_text(encoding="utf-8")
    old = "last_reviewed: 2026-02-16}"
    assert old in text
    path.write_text(text.replace(old, f"last_reviewed: 2026-02-16, reviewed_by: {AUDITOR}}}", 1), encoding="utf-8")
    return root


def write(root: Path, *docs: str) -> None:
    (root / WAIVERS).write_text("---\n".join(docs), encoding="utf-8")


def locate(root: Path, rel: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the ``nth`` line holding ``needle``, at the needle's first character."""
    hits = [(n, line.index(needle) + 1) for n, line in
            enumerate((root / rel).read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    return hits[nth]


def report(fitsm: Callable[..., Run], root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    run = fitsm("check", root, "--format", "json", "--no-cache", "--select", CHECKS, *args)
    assert run.err == ""
    return run.code, json.loads(run.out)


def where(findings: list[dict[str, Any]]) -> list[tuple[str, int, int, str, str, str]]:
    return [(f["path"], f["line"], f["column"], f["requirement"], f["rule"], f["severity"]) for f in findings]


def test_without_a_waiver_the_planted_finding_fails(sms: Path, fitsm: Callable[..., Run]) -> None:
    code, data = report(fitsm, sms)
    assert code == 1
    assert where(data["findings"]) == [(SCOPE, *locate(sms, SCOPE, AUDITOR), "GR2.4", "unresolved-reference", "error")]
    assert data["waived"] == [] and data["summary"]["waived"] == 0


def test_waiver_in_force_moves_the_finding_to_waived(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver())
    code, data = report(fitsm, sms)
    assert code == 0
    assert data["findings"] == []
    assert data["summary"]["waived"] == 1 and data["summary"]["findings"] == 0
    [waived] = data["waived"]
    assert (waived["path"], waived["line"], waived["column"]) == (SCOPE, *locate(sms, SCOPE, AUDITOR))
    assert (waived["rule"], waived["document"], waived["waiver"]) == ("unresolved-reference", "sms-scope",
                                                                      "waiver-scope-review")
    text = fitsm("check", sms, "--no-cache", "--select", CHECKS)
    assert text.code == 0
    assert text.out.strip().endswith("as of 2026-11-26; 1 finding waived.")


def test_waiver_by_requirement_for_the_whole_sms(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver(target="requirement: GR2.4", documents="[]"))
    code, data = report(fitsm, sms)
    assert code == 0
    assert [(f["rule"], f["waiver"]) for f in data["waived"]] == [("unresolved-reference", "waiver-scope-review")]


def test_expired_waiver_is_a_finding_and_waives_nothing(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver(expires="2026-11-20"))
    code, data = report(fitsm, sms)
    assert code == 1
    assert where(data["findings"]) == [
        (SCOPE, *locate(sms, SCOPE, AUDITOR), "GR2.4", "unresolved-reference", "error"),
        (WAIVERS, *locate(sms, WAIVERS, "2026-11-20"), "GR7.1", "waiver-expired", "error"),
    ]
    assert data["findings"][1]["message"] == ("waiver waiver-scope-review for rule unresolved-reference expired on "
                                              "2026-11-20; the findings it waived count again")
    assert data["waived"] == []


def test_waiver_still_applies_on_its_expiry_day(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver(expires="2026-11-26"))
    assert report(fitsm, sms)[0] == 0
    code, data = report(fitsm, sms, "--as-of", "2026-11-27")
    assert code == 1
    assert [f["rule"] for f in data["findings"]] == ["unresolved-reference", "waiver-expired"]


def test_waiver_approved_after_as_of_is_not_yet_in_force(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver())
    code, data = report(fitsm, sms, "--as-of", "2026-09-30")
    assert code == 1
    assert [f["rule"] for f in data["findings"]] == ["unresolved-reference"]
    assert data["waived"] == []


def test_unused_waiver_is_a_warning_at_its_target(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver(), waiver("waiver-policy", documents="[sm-policy]"))
    code, data = report(fitsm, sms)
    assert code == 1  # fail_on defaults to warning
    assert where(data["findings"]) == [
        (WAIVERS, *locate(sms, WAIVERS, "unresolved-reference", nth=1), "GR7.1", "waiver-unused", "warning"),
    ]
    assert data["findings"][0]["message"] == ("waiver waiver-policy for rule unresolved-reference in sm-policy "
                                              "matched no finding")
    assert [f["waiver"] for f in data["waived"]] == ["waiver-scope-review"]


def test_two_waivers_for_one_finding_are_both_used(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver("waiver-b"), waiver("waiver-a", target="requirement: GR2.4"))
    code, data = report(fitsm, sms)
    assert code == 0
    assert [f["waiver"] for f in data["waived"]] == ["waiver-a"]  # the first by id is named


def test_waiver_for_an_unknown_rule_says_so(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver(), waiver("waiver-typo", target="rule: unresolved-referance"))
    code, data = report(fitsm, sms)
    assert code == 1
    assert [f["message"] for f in data["findings"]] == [
        "waiver waiver-typo for rule unresolved-referance in sms-scope matched no finding: there is no rule "
        "'unresolved-referance' ('fitsm rules' lists them)"]


def test_unselected_waiver_is_not_called_unused(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver(target="requirement: PR8.4", documents="[]"))
    code, data = report(fitsm, sms)
    assert code == 1
    assert [f["rule"] for f in data["findings"]] == ["unresolved-reference"]  # PR8.4 was not selected


@pytest.mark.parametrize("status", ["draft", "in-review", "retired"])
def test_waiver_not_in_force_is_neither_applied_nor_reported(sms: Path, fitsm: Callable[..., Run],
                                                             status: str) -> None:
    write(sms, waiver(status=status, expires="2026-11-20"))
    code, data = report(fitsm, sms)
    assert code == 1
    assert [f["rule"] for f in data["findings"]] == ["unresolved-reference"]
    assert data["waived"] == []


@pytest.mark.parametrize(("target", "expires", "message"), [
    ("rule: unresolved-reference\n  requirement: GR2.4", "2026-12-31",
     "spec: Value error, set exactly one of 'requirement' and 'rule'"),
    ("requirement: PR9.1", "2026-12-31",
     "spec.requirement: Value error, 'PR9.1' is not a FitSM-1 requirement ID (GR1.1 … PR8.4)"),
    ("rule: unresolved-reference", "2026-09-30",
     "spec: Value error, expires (2026-09-30) is before approved_on (2026-10-01)"),
])
def test_malformed_waiver_is_a_schema_finding(sms: Path, fitsm: Callable[..., Run], target: str, expires: str,
                                              message: str) -> None:
    write(sms, waiver(target=target, expires=expires))
    run = fitsm("check", sms, "--format", "json", "--no-cache", "--select", f"schema,{CHECKS}")
    assert run.code == 1 and run.err == ""
    findings = json.loads(run.out)["findings"]
    schema = [f for f in findings if f["rule"] == "schema"]
    assert [(f["path"], f["message"]) for f in schema] == [(WAIVERS, message)]
    assert [f["rule"] for f in findings if f["rule"] != "schema"] == ["unresolved-reference"]


def test_waiver_references_are_checked(sms: Path, fitsm: Callable[..., Run]) -> None:
    write(sms, waiver(documents="[sms-scope, no-such-doc]").replace("nc-2026-02", "nc-missing"))
    code, data = report(fitsm, sms)
    assert code == 1
    assert [(f["path"], f["line"], f["message"]) for f in data["findings"]] == [
        (WAIVERS, locate(sms, WAIVERS, "no-such-doc")[0], "'no-such-doc' does not name any document in the SMS"),
        (WAIVERS, locate(sms, WAIVERS, "nc-missing")[0], "'nc-missing' does not name any Nonconformity in the SMS"),
    ]
    assert [f["document"] for f in data["waived"]] == ["sms-scope"]  # the waiver still applies


def test_a_waiver_approved_by_no_person_of_the_sms_waives_nothing(sms: Path, fitsm: Callable[..., Run]) -> None:
    """Not even the dangling reference that names its approver, which a waiver of all GR2.4 findings covered."""
    write(sms, waiver(target="requirement: GR2.4", documents="[]").replace("approved_by: alice-martin",
                                                                          "approved_by: a-martin"))
    code, data = report(fitsm, sms)
    assert code == 1
    assert [(f["path"], f["message"]) for f in data["findings"]] == [
        (SCOPE, f"{AUDITOR!r} does not name any Person in the SMS"),
        (WAIVERS, "'a-martin' does not name any Person in the SMS")]
    assert data["waived"] == []


def test_severity_override_applies_to_waiver_findings(sms: Path, fitsm: Callable[..., Run]) -> None:
    config = sms / "fitsm.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "severity: {waiver-unused: info}\nfail_on: warning\n",
                      encoding="utf-8")
    write(sms, waiver(), waiver("waiver-policy", documents="[sm-policy]"))
    code, data = report(fitsm, sms)
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("waiver-unused", "info")]


def test_waived_findings_survive_the_result_cache(sms: Path, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write(sms, waiver())
    config = load_config(sms)
    result = check(sms, config, dt.date(2026, 11, 26))
    assert [f.waiver for f in result.waived] == ["waiver-scope-review"]
    key = cache.key(sms, config, dt.date(2026, 11, 26), "test", read_sources(sms, config.exclude))
    cache.store(sms, key, result)
    assert cache.load(sms, key) == result


def test_explain_knows_the_waiver_checks(fitsm: Callable[..., Run]) -> None:
    run = fitsm("explain", "waiver-expired")
    assert run.code == 0 and "GR7.1" in run.out and "expiry" in run.out
