"""`fitsm assess`: capability levels derived from the conformity matrix and the role assignments."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLES, Run


def areas(run: Run) -> dict[str, dict[str, object]]:
    data = json.loads(run.out)
    assert data["version"] == 1 and "not a certification" in data["disclaimer"]
    return {a["area"]: a for a in data["areas"]}


def test_clean_example_is_defined_everywhere(fitsm: Callable[..., Run]) -> None:
    result = areas(fitsm("assess", EXAMPLES / "acme", "--format", "json"))
    assert list(result) == [f"GR{i}" for i in range(1, 8)] + [f"PR{i}" for i in range(1, 9)]
    assert {a["level"] for a in result.values()} == {3}
    assert result["PR2"]["process"] == "SLM" and result["PR2"]["label"] == "defined"


def test_findings_lower_the_level_of_their_area(fitsm: Callable[..., Run]) -> None:
    """So does evidence that could not be read: the broken example's customers/chem-dept.yaml does not parse,
    so the rules on customers (PR7) judged without it; and object-storage's lifecycle status is left out, so
    the rules that judge live services (PR1.2, PR2.2, PR4, PR5.1, PR7.1) could not tell whether to judge it."""
    result = areas(fitsm("assess", EXAMPLES / "acme-broken", "--format", "json"))
    status = json.loads(fitsm("status", EXAMPLES / "acme-broken", "--format", "json").out)
    failing = {r["group"] for r in status["requirements"] if r["state"] in ("findings", "no-evidence")}
    assert failing  # the broken example has findings in several areas
    assert {r["group"] for r in status["requirements"] if r["state"] == "no-evidence"} == {"PR1", "PR2", "PR4", "PR5",
                                                                                             "PR7"}
    for area, capability in result.items():
        assert (capability["level"] < 3) == (area in failing), area


def test_a_process_without_owner_and_manager_stays_initial(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    roles = root / "general" / "roles.yaml"
    text = roles.read_text()
    lines = [line for line in text.splitlines(keepends=True) if "process: CAPM" not in line]
    roles.write_text("".join(lines))
    capm = areas(fitsm("assess", root, "--format", "json"))["PR5"]
    assert capm["level"] in (0, 1)
    assert "CAPM owner or manager not assigned" in capm["notes"]


def test_text_output_says_it_is_not_a_certification(fitsm: Callable[..., Run]) -> None:
    run = fitsm("assess", EXAMPLES / "acme")
    assert run.code == 0
    assert "not a certification" in run.out.replace("\n", " ")
