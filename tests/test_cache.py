"""The result cache: hits give the same result, any change misses, and it lives where no commit can plant it."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit import sealed
from fitsm_kit.engine import cache

from conftest import EXAMPLES, Run


@pytest.fixture
def sms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme-broken", root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return root


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").rglob("last-check.json"))


def test_second_run_is_served_from_the_cache(sms: Path, tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    first = fitsm("check", sms, "--format", "json")
    (stored,) = cache_files(tmp_path)
    second = fitsm("check", sms, "--format", "json")
    assert (second.code, second.out) == (first.code, first.out)
    # prove the second run read the cache: plant a marker in the cached result and see it come back, once it
    # is sealed with this user's key for this SMS (what fitsm itself writes); unsealed, the edit is refused
    header, _, payload = stored.read_bytes().partition(b"\n")[2].partition(b"\n")
    data = json.loads(payload)
    data["result"]["documents"] = 12345
    stored.write_bytes(b"fitsm-sealed-1\n" + header + b"\n" + json.dumps(data).encode())
    assert json.loads(fitsm("check", sms, "--format", "json").out)["summary"]["documents"] != 12345
    context = f"result\0{cache._FORMAT}\0{sms.resolve()}\0{data['key']}"
    stored.write_bytes(sealed.seal(context, json.dumps(data).encode()) or b"")
    assert json.loads(fitsm("check", sms, "--format", "json").out)["summary"]["documents"] == 12345
    assert json.loads(fitsm("check", sms, "--format", "json", "--no-cache").out)["summary"]["documents"] != 12345


def rules_at(run: Run, path: str) -> set[str]:
    return {f["rule"] for f in json.loads(run.out)["findings"] if f["path"] == path}


def test_any_change_to_a_document_misses(sms: Path, fitsm: Callable[..., Run]) -> None:
    before = rules_at(fitsm("check", sms, "--format", "json"), "agreements/olas.yaml")
    assert "supporting-agreement-supplier-type" in before
    olas = sms / "agreements" / "olas.yaml"
    olas.write_text(olas.read_text().replace("  supplier: research-net  # PLANTED", "  supplier: network-team  # "))
    after = rules_at(fitsm("check", sms, "--format", "json"), "agreements/olas.yaml")
    assert "supporting-agreement-supplier-type" not in after


def test_a_damaged_cache_is_a_miss(sms: Path, tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    first = fitsm("check", sms)
    (stored,) = cache_files(tmp_path)
    stored.write_text("{not json")
    again = fitsm("check", sms)
    assert (again.code, again.out) == (first.code, first.out)


def test_in_a_git_repository_the_cache_is_inside_dot_git(sms: Path, tmp_path: Path,
                                                         fitsm: Callable[..., Run]) -> None:
    subprocess.run(["git", "init", "-q", str(sms)], check=True)
    fitsm("check", sms)
    assert (sms / ".git" / "fitsm-kit" / "last-check.json").is_file()
    assert not cache_files(tmp_path)
    # a cache file committed into the work tree is never read
    assert not list(sms.glob(".fitsm*"))
