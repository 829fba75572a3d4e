"""Machine formats: SARIF 2.1.0 (against the official schema), GitHub workflow commands, JUnit XML."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from fitsm_kit.findings import Finding, Result, Severity
from fitsm_kit.output.github import as_github, escape_data, escape_property
from fitsm_kit.output.junit import as_junit
from fitsm_kit.output.sarif import as_sarif

from conftest import EXAMPLES, REPO, Run

SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BROKEN = EXAMPLES / "acme-broken"


def sarif_errors(log: object) -> list[str]:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def findings_json(fitsm: Callable[..., Run], path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(fitsm("check", path, "--format", "json", "--no-cache").out)
    return data


# --- SARIF ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("in_git", [True, False], ids=["in-a-git-work-tree", "no-git"])
def test_sarif_of_the_broken_example_is_valid_and_complete(fitsm: Callable[..., Run], tmp_path: Path,
                                                           in_git: bool) -> None:
    sms = tmp_path / "repo" / "sms"
    shutil.copytree(BROKEN, sms)
    if in_git:
        subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True,
                       env={"PATH": os.environ["PATH"], "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    run = fitsm("check", sms, "--format", "sarif", "--no-cache")
    assert run.code == 1
    log = json.loads(run.out)
    assert sarif_errors(log) == []
    expected = findings_json(fitsm, sms)["findings"]
    assert isinstance(expected, list)
    (sarif_run,) = log["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "one rule entry per rule"
    results = sarif_run["results"]
    assert len(results) == len(expected)
    # URIs are relative to the Git work tree when there is one, else to the SMS root
    base, prefix = (tmp_path / "repo", "sms/") if in_git else (sms, "")
    got = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}
    assert got == {(f["rule"], prefix + f["path"], f["line"]) for f in expected}
    for r in results:
        location = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        assert ids[r["ruleIndex"]] == r["ruleId"]
        assert (base / location["uri"]).is_file()


def test_sarif_rules_carry_the_requirement_text_as_help(fitsm: Callable[..., Run]) -> None:
    log = json.loads(fitsm("check", EXAMPLES / "acme", "--format", "sarif").out)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert log["runs"][0]["results"] == []
    listed = fitsm("rules").out.splitlines()
    assert set(rules) == {line.split()[1] for line in listed}, "every rule ran on the clean example"
    dangling = rules["unresolved-reference"]
    assert dangling["properties"]["requirement"] == "GR2.4"
    assert "Documented information shall be controlled" in dangling["help"]["text"]


def test_sarif_only_lists_the_selected_rules(fitsm: Callable[..., Run]) -> None:
    log = json.loads(fitsm("check", BROKEN, "--format", "sarif", "--select", "PR2.4", "--no-cache").out)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules and {r["properties"]["requirement"] for r in rules} == {"PR2.4"}
    assert sarif_errors(log) == []


def test_sarif_escapes_uris_and_marks_waived_findings() -> None:
    odd = Finding("dir with space/50%.yaml", 3, 7, "GR2.4", "schema", "bad \"value\"\n<b>", Severity.WARNING)
    waived = Finding("a.yaml", 1, 1, "GR2.4", "duplicate-id", "dup", waiver="waiver-x")
    log = json.loads(as_sarif(Result(".", "2026-11-26", (odd,), 1, 1, waived=(waived,), checks=("schema",))))
    assert sarif_errors(log) == []
    first, second = log["runs"][0]["results"]
    uri = first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("dir%20with%20space/50%25.yaml")
    assert first["level"] == "warning" and first["message"]["text"].startswith("GR2.4 bad \"value\"\n<b>")
    assert second["suppressions"] == [{"kind": "external", "status": "accepted",
                                       "justification": "waived by Waiver waiver-x"}]


# --- GitHub workflow commands ----------------------------------------------------------------------------

def unescape(value: str) -> str:
    """What the Actions runner does to a command's data and properties."""
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, char)
    return value


def test_github_escaping() -> None:
    assert escape_data("50% up\r\nnext: a, b") == "50%25 up%0D%0Anext: a, b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert escape_data("%0A") == "%250A", "an escape sequence in the input is not taken for one"


def test_github_commands_are_escaped_and_errors_come_first() -> None:
    warning = Finding("a:b,c%.yaml", 1, 2, "PR2.1", "rule-w", "first in file order")
    info = Finding("a.yaml", 2, 1, "PR2.1", "rule-i", "an info", Severity.INFO)
    error = Finding("z.yaml", 3, 5, "GR2.4", "schema", "50% up\r\nnext: 100%", Severity.ERROR, fix="do it, now")
    result = Result(".", "2026-11-26", (dataclasses.replace(warning, severity=Severity.WARNING), info, error), 3, 3)
    lines = as_github(result).splitlines()
    assert lines[0] == ("::error file=z.yaml,line=3,col=5,title=GR2.4 schema::"
                        "50%25 up\\x0d%0Anext: 100%25%0Afix: do it, now")
    assert lines[1] == "::warning file=a%3Ab%2Cc%25.yaml,line=1,col=2,title=PR2.1 rule-w::first in file order"
    assert lines[2].startswith("::notice file=a.yaml,line=2,col=1,")
    assert lines[3].startswith("Found 3 findings")
    warned, errored = (re.fullmatch(r"::(\w+) (.*?)::(.*)", line) for line in (lines[1], lines[0]))
    assert warned is not None and errored is not None
    props = dict(p.split("=", 1) for p in warned.group(2).split(","))
    assert unescape(props["file"]) == "a:b,c%.yaml"
    assert unescape(errored.group(3)) == "50% up\\x0d\nnext: 100%\nfix: do it, now", "CR from the SMS is shown"


def test_github_format_is_chosen_inside_github_actions(fitsm: Callable[..., Run], monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    plain = fitsm("check", BROKEN, "--no-cache")
    expected = findings_json(fitsm, BROKEN)["summary"]
    assert isinstance(expected, dict)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    auto = fitsm("check", BROKEN, "--no-cache")
    assert auto.code == plain.code == 1
    commands = [line.split(" ", 1)[0] for line in auto.out.splitlines() if line.startswith("::")]
    assert commands == ["::error"] * expected["error"] + ["::warning"] * expected["warning"]
    assert not plain.out.startswith("::")
    assert fitsm("check", BROKEN, "--format", "text").out == plain.out, "an explicit --format wins"
    report = tmp_path / "report.txt"
    fitsm("check", BROKEN, "--output", report)
    assert report.read_text(encoding="utf-8") == plain.out, "a report file keeps the text default"


# --- JUnit XML -------------------------------------------------------------------------------------------

def test_junit_has_one_testcase_per_check_and_fails_those_with_findings(fitsm: Callable[..., Run],
                                                                         tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    assert fitsm("check", BROKEN, "--format", "junit", "--output", report, "--no-cache").code == 1
    root = ET.parse(report).getroot()
    cases = root.findall("./testsuite/testcase")
    expected = findings_json(fitsm, BROKEN)["findings"]
    assert isinstance(expected, list)
    failing_rules = {f["rule"] for f in expected}
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failed == failing_rules
    assert int(root.get("tests", "")) == len(cases) == len({c.get("name") for c in cases})
    assert int(root.get("failures", "")) == len(failing_rules)
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests", "")) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "")) == len(suite.findall("testcase/failure"))
    for f in expected:
        (case,) = [c for c in cases if c.get("name") == f["rule"]]
        failure = case.find("failure")
        assert failure is not None and failure.text is not None
        assert f"{f['path']}:{f['line']}:{f['column']}: {f['requirement']} [error] {f['message']}" in failure.text


def test_junit_of_the_clean_example_has_no_failures(fitsm: Callable[..., Run]) -> None:
    root = ET.fromstring(fitsm("check", EXAMPLES / "acme", "--format", "junit").out)
    assert root.get("failures") == "0" and int(root.get("tests", "")) > 100
    assert root.findall(".//failure") == []


def test_junit_escapes_markup_and_characters_xml_cannot_carry() -> None:
    nasty = Finding("a&b.yaml", 1, 1, "GR2.4", "schema", "bell\x07 <tag> & \"quote\" ]]> \x1b[31m")
    root = ET.fromstring(as_junit(Result(".", "2026-11-26", (nasty,), 1, 1, checks=("schema",))))
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    assert "bell\\x07 <tag> & \"quote\" ]]> \\x1b[31m" in failure.text
    case = root.find("./testsuite/testcase")
    assert case is not None and case.get("file") == "a&b.yaml"
