"""Help asked for as before is replayed without importing typer, rich or pydantic, byte for byte.

``fitsm --help`` builds every command (~0.2 s of imports); its output depends only on the program and the
invocation (arguments, environment, terminals), which key the record as they key a check's
(:mod:`fitsm_kit.engine.replay`). Every run here is the real ``fitsm`` program in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fitsm_kit.engine import replay

BIN = Path(sys.executable).parent


def fitsm(home: Path, *args: str, **extra: str) -> tuple[int, str, str, bool]:
    """Exit code, standard output and error of ``fitsm ARGS``, and whether typer was imported at all."""
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache"), "LC_ALL": "C.UTF-8", "PYTHONPROFILEIMPORTTIME": "1", **extra}
    done = subprocess.run([str(BIN / "fitsm"), *args], cwd=home, env=env, capture_output=True, text=True,
                          check=False)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    err = "".join(line for line in done.stderr.splitlines(keepends=True) if not line.startswith("import time:"))
    return done.returncode, done.stdout, err, "typer" in imported


def records(home: Path) -> list[Path]:
    return sorted((home / "cache" / "fitsm-kit" / "help").glob("*.json"))


@pytest.mark.parametrize("args", [("--help",), ("check", "--help"), ("server", "--help"), ("server", "start", "--help"),
                                  ("import", "eosc", "--help")])
def test_help_asked_again_is_replayed_byte_for_byte(tmp_path: Path, args: tuple[str, ...]) -> None:
    first = fitsm(tmp_path, *args)
    assert first[0] == 0 and "Usage: fitsm" in first[1] and first[3]
    again = fitsm(tmp_path, *args)
    assert again[:3] == first[:3]
    assert not again[3]  # answered from the record: typer was never imported


def test_another_width_environment_or_command_is_a_full_run_with_its_own_output(tmp_path: Path) -> None:
    wide = fitsm(tmp_path, "check", "--help", COLUMNS="160")
    narrow = fitsm(tmp_path, "check", "--help", COLUMNS="50")
    assert narrow[3] and narrow[1] != wide[1]  # not the wide help replayed
    assert len(narrow[1].splitlines()) > len(wide[1].splitlines())  # wrapped to the narrower terminal
    assert fitsm(tmp_path, "check", "--help", COLUMNS="50")[1:3] == narrow[1:3]
    other = fitsm(tmp_path, "status", "--help", COLUMNS="50")
    assert other[3] and "Usage: fitsm status" in other[1]


def test_a_record_not_sealed_by_this_user_or_damaged_is_a_full_run(tmp_path: Path) -> None:
    first = fitsm(tmp_path, "--help")
    (record,) = records(tmp_path)
    record.write_bytes(record.read_bytes().replace(b"Usage", b"Abuse"))
    again = fitsm(tmp_path, "--help")
    assert again[3] and again[:3] == first[:3]
    (tmp_path / "config" / "fitsm-kit" / "cache.key").write_bytes(os.urandom(32))  # another user's key
    assert fitsm(tmp_path, "--help")[3]


def test_what_is_not_help_printed_cleanly_is_not_recorded_and_records_stay_few(tmp_path: Path) -> None:
    code, _, err, _ = fitsm(tmp_path, "nosuch", "--help")
    assert code == 2 and "No such command" in err and records(tmp_path) == []
    assert fitsm(tmp_path, "check", "--", "--help")[0] != 0  # after --, --help is an operand: no help asked
    assert records(tmp_path) == []
    for width in range(40, 40 + replay.HELP_RECORDS + 4):
        fitsm(tmp_path, "--help", COLUMNS=str(width))
    assert len(records(tmp_path)) == replay.HELP_RECORDS  # the oldest went
