"""Issue 18, the rest: bounded output and work, dates and patterns at their limits, CSV cells, and a
``core.worktree`` from an archive's ``.git/config``. Real repositories, the real CLI.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.engine.collect import SHOWN_PER_DOCUMENT
from fitsm_kit.output import FORMATTERS
from gitsms import GitSms, copy_sms, no_user_git_config

from conftest import EXAMPLES, Run, write_tree

_isolated = pytest.fixture(autouse=True)(no_user_git_config)


def test_an_archives_core_worktree_does_not_move_the_work_tree(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """``core.worktree`` in ``.git/config`` would make git status (and so the pending changes) read another
    directory: here one where every SMS file is missing and a changed policy waits."""
    root = tmp_path / "sms"
    copy_sms(root)
    repo = GitSms(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("import", "Import the SMS", who="farid", when="2026-01-05T10:00:00+01:00")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "general").mkdir(parents=True)
    shutil.copy(root / "general" / "policy.yaml", elsewhere / "general" / "policy.yaml")
    repo.git("config", "core.worktree", str(elsewhere))
    run = fitsm("check", root, "--no-cache", "--format", "json")
    assert run.code == 1, run.err
    notices = json.loads(run.out)["notices"]
    assert not [n for n in notices if "uncommitted changes" in n], notices
    history = fitsm("history", "sm-policy", "--sms", root, "--format", "json")
    assert history.code == 0, history.err
    assert json.loads(history.out)["documents"][0]["uncommitted"] is False


def _roles(keys: int, copies: int) -> str:
    """A RoleAssignment whose ``copies`` assignments are one mapping of ``keys`` unknown keys, by alias."""
    mapping = ", ".join(f"k{i}: 1" for i in range(keys))
    refs = "".join(", *d" for _ in range(copies - 1))
    return (f"apiVersion: fitsm.eu/v1\nkind: RoleAssignment\nmetadata: {{id: roles, title: Roles, owner: x, "
            f"status: draft}}\nspec:\n  assignments: [&d {{{mapping}}}{refs}]\n")


def test_an_alias_bomb_gives_bounded_findings_output_and_time(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """An 8.6 KB file that expands to 480,000 unknown keys (within the loader's node limit) once gave
    482,282 findings: 167 MB of JSON, 5.2 GB of memory and 3.5 minutes."""
    root = write_tree(tmp_path / "sms", {"roles.yaml": _roles(600, 800)})
    assert (root / "roles.yaml").stat().st_size < 10_000
    started = time.monotonic()
    run = fitsm("check", root, "--no-cache", "--format", "json")
    assert time.monotonic() - started < 60
    assert run.code == 1, run.err
    assert len(run.out) < 200_000
    data = json.loads(run.out)
    mine = [f for f in data["findings"] if f["path"] == "roles.yaml"]
    assert len(mine) <= SHOWN_PER_DOCUMENT + 1
    assert any("schema errors; it is not checked further" in f["message"] for f in mine)


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_findings_per_document_are_capped_with_a_note_in_every_format(tmp_path: Path, fmt: str,
                                                                      fitsm: Callable[..., Run]) -> None:
    root = write_tree(tmp_path / "sms", {"roles.yaml": _roles(150, 1)})
    run = fitsm("check", root, "--no-cache", "--format", fmt)
    assert run.code == 1, run.err  # the run still fails
    # in the output itself (the pull-request summary lists at most 50 findings of all, and says so)
    assert ("more findings in this document not shown" in run.out if fmt != "markdown"
            else "more (run `fitsm check` for all)" in run.out)
    assert f"findings in 1 document not shown: at most {SHOWN_PER_DOCUMENT}" in run.err
    if fmt == "json":
        data = json.loads(run.out)
        assert len([f for f in data["findings"] if f["path"] == "roles.yaml"]) == SHOWN_PER_DOCUMENT + 1
        assert any("not shown" in n for n in data["notices"])


def test_patterns_end_at_the_real_end_of_the_text() -> None:
    """Python's ``$`` also matches before a final newline: an id, a period or an approver token with one
    would pass the check and then break the YAML or the file name it goes into."""
    from fitsm_kit.errors import FitsmError
    from fitsm_kit.evaluation.records import parse_period
    from fitsm_kit.scaffold.new import ID_PATTERN
    from fitsm_kit.sms.document_control import parse_token

    assert ID_PATTERN.match("sla-x") and not ID_PATTERN.match("sla-x\n")
    with pytest.raises(ValueError):
        parse_token("owner\n")
    with pytest.raises((FitsmError, ValueError)):
        parse_period("2026-10\n", dt.date(2026, 11, 26))


@pytest.mark.parametrize("period", ["9999-12", "9999-Q4", "0000-01", "2026-02-30..2026-03-01"])
def test_a_period_outside_the_calendar_is_a_usage_error(tmp_path: Path, period: str, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    run = fitsm("evaluate", root, "--period", period, "--dry-run")
    assert run.code == 2, run.err
    assert f"{period!r} is not a period" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
def test_a_csv_time_outside_the_supported_range_is_an_error_at_its_line(tmp_path: Path, when: str,
                                                                        fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    bad = tmp_path / "outages.csv"
    bad.write_text(f"service,component,start,end,planned\ncloud-compute,,2026-10-01T10:00,{when},false\n"
                   if when.startswith("9") else
                   f"service,component,start,end,planned\ncloud-compute,,{when},2026-10-01T10:00,false\n",
                   encoding="utf-8")
    run = fitsm("evaluate", root, "--period", "2026-10", "--outages", bad, "--dry-run")
    assert run.code == 2, run.err
    assert f"{bad}:2:" in run.err and "Traceback" not in run.err
