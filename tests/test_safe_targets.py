"""Writes that cannot destroy: ``render --out`` and ``check -o`` aimed inside and around an SMS.

The explicit cases are the ones from issue 17; the property test draws random targets (SMS
directories and documents, ``.git``, symbolic links in and out of the SMS, other people's files, a
previous site or report) and checks that no file that existed before, other than a previous site or
report, changed.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitsm_kit.site.builder import MARKER
from site_sms import generated_sms

from conftest import EXAMPLES, Run

FIXED = settings(derandomize=True, deadline=None, database=None, max_examples=20,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def snapshot(top: Path) -> dict[str, tuple[str, str]]:
    """Every path below ``top``: its type and content (a file's hash, a link's target)."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(top.rglob("*")):
        rel = path.relative_to(top).as_posix()
        if path.is_symlink():
            found[rel] = ("link", str(path.readlink()))
        elif path.is_dir():
            found[rel] = ("dir", "")
        else:
            found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=root, check=True,
                   capture_output=True)


def world(top: Path, render: bool) -> Path:
    """An SMS in Git at ``top/sms`` with things around it worth protecting; returns the SMS root."""
    sms = generated_sms(top / "sms", 1) if render else shutil.copytree(EXAMPLES / "acme", top / "sms")
    git(sms, "init", "-q")
    git(sms, "add", "-A")
    git(sms, "commit", "-q", "-m", "initial")
    (top / "mine").mkdir()
    (top / "mine" / "notes.txt").write_text("keep me")
    (top / "notes.txt").write_text("keep me too")
    (sms / "link-out").symlink_to(top / "mine")
    (sms / "link-in").symlink_to(sms / "general" if not render else sms / "people.yaml")
    (sms / "file-link-out").symlink_to(top / "notes.txt")
    (top / "empty").mkdir()
    return sms


def allowed(rel: str, previous: tuple[str, ...]) -> bool:
    """Paths a command may change: a previous site or report, and fitsm's own cache in .git."""
    return rel.startswith("sms/.git/fitsm-kit") or any(rel == p or rel.startswith(p + "/") for p in previous)


def unchanged_but(before: dict[str, tuple[str, str]], after: dict[str, tuple[str, str]],
                  previous: tuple[str, ...]) -> list[str]:
    return [rel for rel, what in before.items() if not allowed(rel, previous) and after.get(rel) != what]


# --- the cases of issue 17 --------------------------------------------------------------------------


@pytest.mark.parametrize("out", ["general", ".git", ".", "link-out", "link-in", "general/policy.yaml"])
def test_render_out_never_destroys_the_sms_or_git(fitsm: Callable[..., Run], tmp_path: Path, out: str) -> None:
    sms = world(tmp_path, render=False)
    before = snapshot(tmp_path)
    run = fitsm("render", sms, "--out", sms / out, "--force")
    assert run.code == 2, run.err
    assert "internal error" not in run.err
    assert unchanged_but(before, snapshot(tmp_path), ()) == []


def test_a_committed_site_symlink_does_not_redirect_the_site(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    sms = world(tmp_path, render=True)
    (sms / "site").symlink_to(tmp_path / "mine")
    before = snapshot(tmp_path)
    run = fitsm("render", sms)
    assert run.code == 2 and "symbolic link" in run.err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("target", ["general/policy.yaml", "fitsm.yaml", ".git/config", "../notes.txt",
                                    "file-link-out", "records/findings.yaml", "records/findings.YAML", "general"])
def test_check_output_never_replaces_a_document_or_a_stranger(fitsm: Callable[..., Run], tmp_path: Path,
                                                              target: str) -> None:
    sms = world(tmp_path, render=False)
    before = snapshot(tmp_path)
    run = fitsm("check", sms, "--format", "json", "-o", sms / target)
    assert run.code == 2, run.err
    assert "internal error" not in run.err
    assert unchanged_but(before, snapshot(tmp_path), ()) == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_check_output_replaces_a_previous_report(fitsm: Callable[..., Run], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    for other in ("text", "json", "sarif", "github", "junit"):  # a report of any format is a report
        assert fitsm("check", EXAMPLES / "acme", "--format", other, "-o", out).code == 0
    assert fitsm("check", EXAMPLES / "acme", "--format", fmt, "-o", out).code == 0
    assert fitsm("status", EXAMPLES / "acme", "-o", out).code == 0
    assert out.read_text().startswith("FitSM-1 conformity")


# --- the property ------------------------------------------------------------------------------------

AROUND = ["sms", "sms/general", "sms/general/policy.yaml", "sms/fitsm.yaml", "sms/.git", "sms/.git/objects",
          "sms/link-out", "sms/link-in", "sms/file-link-out", "sms/site", "sms/new-site", "sms/records/x.yaml",
          "mine", "mine/notes.txt", "notes.txt", "empty", "previous", "previous/index.html", "new", "new/deeper",
          ".", "sms/..", "sms/general/../agreements", "previous-report.json", "report.txt"]


@FIXED
@given(target=st.sampled_from(AROUND), force=st.booleans(), command=st.sampled_from(["render", "check"]))
def test_no_target_destroys_a_file(fitsm: Callable[..., Run], target: str, force: bool, command: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp)
        sms = world(top, render=True)
        assert fitsm("render", sms, "--out", top / "previous").code == 0  # a previous site
        assert fitsm("check", sms, "--format", "json", "-o", top / "previous-report.json").code in (0, 1)
        before = snapshot(top)
        if command == "render":
            run = fitsm("render", sms, "--out", top / target, *(["--force"] if force else []))
        else:
            run = fitsm("check", sms, "-o", top / target)
        assert run.code in (0, 1, 2), run.err
        assert "internal error" not in run.err
        changed = unchanged_but(before, snapshot(top), ("previous", "previous-report.json"))
        assert changed == [], (command, target, run.err)
        if command == "render" and run.code == 0:
            assert (top / target / MARKER).is_file()
