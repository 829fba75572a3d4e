"""Selection: --select / --ignore, per-path ignores and severity overrides; unknown selectors are usage errors."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fitsm_kit.engine.selection import selected, unknown

from conftest import EXAMPLES, Run

# Two documents in two folders whose reviewer is not a Person of the SMS (unresolved-reference, GR2.4).
REVIEWED = {"general/scope.yaml": "last_reviewed: 2026-02-16", "agreements/sla-default.yaml":
            "last_reviewed: 2026-01-19"}


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    for rel, old in REVIEWED.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old + "}" in text
        path.write_text(text.replace(old + "}", old + ", reviewed_by: k-brandt}", 1), encoding="utf-8")
    return root


def configure(root: Path, extra: str) -> None:
    config = root / "fitsm.yaml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")


def report(fitsm: Callable[..., Run], root: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    run = fitsm("check", root, "--format", "json", "--no-cache", "--select", "unresolved-reference", *args)
    assert run.err == ""
    return run.code, json.loads(run.out)["findings"]


def test_the_fixture_has_two_findings(sms: Path, fitsm: Callable[..., Run]) -> None:
    code, findings = report(fitsm, sms)
    assert code == 1
    assert [(f["path"], f["requirement"], f["severity"]) for f in findings] == [
        ("agreements/sla-default.yaml", "GR2.4", "error"), ("general/scope.yaml", "GR2.4", "error")]


@pytest.mark.parametrize("ids", ["[GR2.4]", "[GR2]", "[GR]", "[unresolved-reference]"])
def test_per_path_ignores_drop_findings_below_the_glob(sms: Path, fitsm: Callable[..., Run], ids: str) -> None:
    configure(sms, f'per_path_ignores: {{"general/*": {ids}}}\n')
    code, findings = report(fitsm, sms)
    assert code == 1
    assert [f["path"] for f in findings] == ["agreements/sla-default.yaml"]


def test_per_path_ignores_for_other_requirements_or_paths_keep_findings(sms: Path,
                                                                         fitsm: Callable[..., Run]) -> None:
    configure(sms, 'per_path_ignores: {"general/*": [PR2, duplicate-id], "records/*": [GR2.4]}\n')
    _, findings = report(fitsm, sms)
    assert [f["path"] for f in findings] == ["agreements/sla-default.yaml", "general/scope.yaml"]


def test_severity_override_and_fail_on(sms: Path, fitsm: Callable[..., Run]) -> None:
    configure(sms, "severity: {unresolved-reference: info}\n")
    code, findings = report(fitsm, sms)
    assert code == 0  # info is below the default fail_on (warning)
    assert [f["severity"] for f in findings] == ["info", "info"]
    configure(sms, "fail_on: info\n")
    assert report(fitsm, sms)[0] == 1


def test_severity_override_shows_in_the_text_summary(sms: Path, fitsm: Callable[..., Run]) -> None:
    configure(sms, "severity: {unresolved-reference: warning}\n")
    run = fitsm("check", sms, "--no-cache", "--select", "unresolved-reference")
    assert run.code == 1
    assert "Found 2 findings (2 warnings)" in run.out


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--select", "PR99", "--select: unknown requirement ID, prefix or rule 'PR99'"),
    ("--select", "pr2", "--select: unknown requirement ID, prefix or rule 'pr2'; did you mean 'PR2'?"),
    ("--ignore", "unresolved-referenc",
     "--ignore: unknown requirement ID, prefix or rule 'unresolved-referenc'; did you mean 'unresolved-reference'?"),
    ("--select", "PR10", "--select: unknown requirement ID, prefix or rule 'PR10'"),
    ("--select", "PR1.", "--select: unknown requirement ID, prefix or rule 'PR1.'"),
])
def test_unknown_selector_on_the_command_line_is_a_usage_error(fitsm: Callable[..., Run], flag: str, value: str,
                                                                 message: str) -> None:
    run = fitsm("check", EXAMPLES / "acme", "--no-cache", flag, f"GR2.4,{value}")
    assert run.code == 2 and run.out == ""
    assert message in run.err
    assert run.err.count(": unknown ") == 1  # GR2.4 is fine


def test_every_unknown_selector_in_the_config_is_named_with_its_key(tmp_path: Path,
                                                                     fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    configure(root, 'select: [GR, PR3]\nignore: [PR2.9]\nper_path_ignores: {"records/*": [GR2.4, nope]}\n'
                    "severity: {GR2.4: info, unresolved-reference: warning}\n")
    run = fitsm("status", root, "--no-cache")
    assert run.code == 2 and run.out == ""
    config = f"{root / 'fitsm.yaml'}"
    for line in (f"{config}: ignore: unknown requirement ID, prefix or rule 'PR2.9'",
                 f"{config}: per_path_ignores['records/*']: unknown requirement ID, prefix or rule 'nope'",
                 f"{config}: severity: unknown rule 'GR2.4'"):
        assert line in run.err
    assert run.err.count(": unknown ") == 3


def test_valid_selectors_are_accepted() -> None:
    assert unknown(["GR", "PR", "GR7", "PR8.4", "schema", "duplicate-id", "waiver-unused"]) == []
    assert unknown(["GR2.4"], rules_only=True) == ["GR2.4"]


def test_selected_by_rule_name_prefix_and_ignore() -> None:
    assert selected("review-overdue", "GR2.4", [], [])
    assert selected("review-overdue", "GR2.4", ["GR2"], [])
    assert not selected("review-overdue", "GR2.4", ["GR1"], [])
    assert selected("review-overdue", "GR2.4", ["review-overdue"], [])
    assert not selected("review-overdue", "GR2.4", ["GR"], ["review-overdue"])
    assert not selected("x", "PR10.1", ["PR1"], [])
