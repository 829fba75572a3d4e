"""The bundled examples: the clean SMS checks clean; every planted problem is found exactly."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from conftest import EXAMPLES, Run

PLANTED = re.compile(r"PLANTED: (\S+) ([a-z0-9-]+)")


def planted() -> set[tuple[str, int, str, str]]:
    """(path, line, requirement, rule) for every ``# PLANTED:`` marker in the broken example."""
    root = EXAMPLES / "acme-broken"
    found = set()
    for path in root.rglob("*.yaml"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in PLANTED.finditer(line):  # a line may carry several markers
                found.add((path.relative_to(root).as_posix(), number, match[1], match[2]))
    return found


def test_clean_example_is_clean(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", EXAMPLES / "acme")
    assert run.code == 0, run.out
    assert "All checks passed" in run.out


def test_broken_example_reports_every_planted_problem_at_its_line(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", EXAMPLES / "acme-broken", "--format", "json")
    assert run.code == 1
    findings = json.loads(run.out)["findings"]
    reported = {(f["path"], f["line"], f["requirement"], f["rule"]) for f in findings}
    expected = planted()
    assert len(expected) >= 14
    assert reported == expected


def test_every_finding_has_a_fix_hint(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", EXAMPLES / "acme-broken", "--format", "json")
    assert all(f["fix"] for f in json.loads(run.out)["findings"])


def test_root_causes_are_listed_first(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", EXAMPLES / "acme-broken", "--format", "json", "--no-cache")
    rules = [f["rule"] for f in json.loads(run.out)["findings"]]
    structural = {"yaml-syntax", "schema", "document-shape", "unknown-kind", "duplicate-id", "unsafe-path"}
    first = [r in structural for r in rules]
    assert first[0] and first == sorted(first, reverse=True)  # every root cause before any other finding
