"""Configuration: found upward from the path, in fitsm.yaml or [tool.fitsm]; bad keys named; flags win."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, Run


@pytest.fixture
def toml_sms(tmp_path: Path) -> Path:
    """The clean example with its settings moved from fitsm.yaml into pyproject.toml."""
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES / "acme", root)
    (root / "fitsm.yaml").unlink()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "acme-sms"\n\n[tool.fitsm]\nas_of = 2026-11-26\ngrace = "P30D"\n\n'
        '[tool.fitsm.default_review_intervals]\nServiceReview = "P6M"\nSatisfactionSurvey = "P12M"\n',
        encoding="utf-8")
    return root


def test_tool_fitsm_in_pyproject_marks_the_root(toml_sms: Path, fitsm: Callable[..., Run],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    clean = fitsm("check", EXAMPLES / "acme", "--format", "json")
    monkeypatch.chdir(toml_sms / "services")  # discovered upward from the working directory
    run = fitsm("check", "--format", "json", "--no-cache")
    assert run.code == 0, run.err
    got, want = json.loads(run.out), json.loads(clean.out)
    assert got["as_of"] == "2026-11-26"
    assert (got["summary"]["documents"], got["summary"]["findings"]) == (want["summary"]["documents"], 0)


def test_sms_wide_findings_are_reported_at_pyproject(toml_sms: Path, fitsm: Callable[..., Run]) -> None:
    policy = next(p for p in toml_sms.rglob("*.yaml") if "kind: Policy\n" in p.read_text(encoding="utf-8"))
    policy.unlink()
    data = json.loads(fitsm("check", toml_sms, "--format", "json", "--no-cache").out)
    sms_wide = [f for f in data["findings"] if f["rule"] == "policy-defined"]
    assert sms_wide and all(f["path"] == "pyproject.toml" for f in sms_wide)


def test_a_pyproject_without_tool_fitsm_is_passed_by(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    shutil.copytree(EXAMPLES / "acme", tmp_path / "sms")
    (tmp_path / "sms" / "records" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (tmp_path / "sms" / "services" / "pyproject.toml").write_text("not toml at all [", encoding="utf-8")
    assert fitsm("check", tmp_path / "sms" / "records").code == 0
    assert fitsm("check", tmp_path / "sms" / "services").code == 0, "a file that never mentions fitsm is skipped"


def test_invalid_toml_that_mentions_fitsm_is_named(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.fitsm]\nas_of = = 2026\n", encoding="utf-8")
    run = fitsm("check", tmp_path)
    assert run.code == 2
    assert f"{tmp_path / 'pyproject.toml'}: invalid TOML" in run.err and "line 2" in run.err


def test_both_config_files_is_an_error(toml_sms: Path, fitsm: Callable[..., Run]) -> None:
    (toml_sms / "fitsm.yaml").write_text("as_of: 2026-11-26\n", encoding="utf-8")
    run = fitsm("check", toml_sms)
    assert run.code == 2 and "has both fitsm.yaml and [tool.fitsm] in pyproject.toml; keep one" in run.err


def test_bad_keys_in_fitsm_yaml_are_named_with_their_line(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    (tmp_path / "fitsm.yaml").write_text("as_of: 2026-11-26\nfial_on: error\ngrace: soon\nseverity:\n"
                                         "  schema: fatal\n", encoding="utf-8")
    run = fitsm("check", tmp_path)
    assert run.code == 2
    lines = run.err.splitlines()
    assert lines[0] == f"fitsm: error: {tmp_path / 'fitsm.yaml'}: invalid configuration:"
    assert "  line 2:1: fial_on: unknown key; did you mean 'fail_on'?" in lines
    assert any(line.startswith("  line 3:8: grace: ") for line in lines)
    assert any(line.startswith("  line 5:11: severity.schema: ") for line in lines)


def test_bad_keys_in_pyproject_are_named(toml_sms: Path, fitsm: Callable[..., Run]) -> None:
    path = toml_sms / "pyproject.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[tool.fitsm.nonsense]\nx = 1\n", encoding="utf-8")
    run = fitsm("check", toml_sms)
    assert run.code == 2
    assert f"{path} [tool.fitsm]: invalid configuration:" in run.err
    assert "nonsense: unknown key; known keys: as_of, grace" in run.err


def test_fail_on_flag_overrides_the_config(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    sms = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme-broken", sms)
    data = json.loads(fitsm("check", sms, "--format", "json").out)
    assert data["summary"]["warning"] == 0 < data["summary"]["error"]
    # every error downgraded to a warning: fails at the default fail_on (warning), not at --fail-on error
    levels = "\n".join(f"  {rule}: warning" for rule in sorted({f["rule"] for f in data["findings"]}))
    config = sms / "fitsm.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nseverity:\n{levels}\n", encoding="utf-8")
    assert fitsm("check", sms).code == 1
    assert fitsm("check", sms, "--fail-on", "error").code == 0
    config.write_text(config.read_text(encoding="utf-8") + "fail_on: error\n", encoding="utf-8")
    assert fitsm("check", sms).code == 0
    assert fitsm("check", sms, "--fail-on", "warning").code == 1, "the flag beats the file"
    assert fitsm("status", sms, "--fail-on", "warning").code == 1
    bad = fitsm("check", sms, "--fail-on", "fatal")
    assert bad.code == 2 and "'fatal' is not one of 'error', 'warning', 'info'" in bad.err
