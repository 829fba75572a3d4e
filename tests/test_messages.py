"""Messages say the real cause, and every "unknown X" offers the closest known name (issue 17, item 6)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, Run


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES / "acme", tmp_path / "acme"))


def test_a_dangling_symlink_is_named_not_the_layout(fitsm: Callable[..., Run], sms: Path) -> None:
    (sms / "waivers").symlink_to(sms.parent / "nowhere")
    run = fitsm("new", "waiver", "w-1", "--no-input", "--sms", sms)
    assert run.code == 2 and "waivers is a broken symbolic link" in run.err and "layout for" not in run.err
    (sms / "waivers").unlink()
    (sms / "waivers").symlink_to(sms.parent)
    run = fitsm("new", "waiver", "w-1", "--no-input", "--sms", sms)
    assert run.code == 2 and "leads outside the SMS" in run.err and not list(sms.parent.glob("w-1.yaml"))


def test_fitsm_yaml_as_a_directory_is_named(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "fitsm.yaml").mkdir()
    run = fitsm("check", tmp_path)
    assert run.code == 2 and "fitsm.yaml is not a regular file" in run.err and "no fitsm.yaml found" not in run.err


def test_a_draft_sla_is_not_told_to_renew_its_validity(fitsm: Callable[..., Run], sms: Path) -> None:
    path = sms / "agreements" / "sla-default.yaml"
    path.write_text(path.read_text().replace("status: approved", "status: draft", 1))
    run = fitsm("check", sms, "--select", "live-service-has-sla")
    assert run.code == 1 and "it is a draft, not yet agreed" in run.out
    assert "renew" not in run.out and "agree and approve sla-default" in run.out


@pytest.mark.parametrize(("args", "expected"), [
    (["schema", "Slx"], "did you mean 'SLA'?"),
    (["new", "servce", "--no-input"], "did you mean 'service'?"),
    (["new", "sla", "--no-input", "--set", "cusomer=x"], "did you mean 'customer'?"),
    (["evaluate", "{sms}", "--period", "2026-10", "--agreement", "sla-defualt"], "did you mean 'sla-default'?"),
    (["report", "report-sla-quartely", "--period", "2026-10"], "did you mean 'report-sla-quarterly'?"),
    (["review", "sla-defualt", "--by", "carla-rossi"], "did you mean 'sla-default'?"),
    (["review", "sla-default", "--by", "carla-rosi"], "did you mean 'carla-rossi'?"),
])
def test_every_unknown_name_has_a_did_you_mean(fitsm: Callable[..., Run], sms: Path, args: list[str],
                                               expected: str) -> None:
    args = [a.replace("{sms}", str(sms)) for a in args]
    if args[0] in ("new", "report", "review"):
        args += ["--sms", str(sms)]
    run = fitsm(*args)
    assert run.code == 2 and expected in run.err, run.err


def test_an_unknown_kind_in_a_document_has_a_did_you_mean(fitsm: Callable[..., Run], sms: Path) -> None:
    path = sms / "agreements" / "sla-default.yaml"
    path.write_text(path.read_text().replace("kind: SLA", "kind: Sla", 1))
    run = fitsm("check", sms)
    assert "unknown kind 'Sla'; did you mean 'SLA'?" in run.out


def test_a_key_with_a_no_break_space_shows_it(fitsm: Callable[..., Run], sms: Path) -> None:
    """French typography (and Word's autocorrect) puts a no-break space before a colon: 'owner\\u00a0' was
    reported as unknown field 'metadata.owner ' with the advice to check the spelling, which is right."""
    path = sms / "services" / "cloud-compute.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  owner: ", "  owner\u00a0: ", 1), encoding="utf-8")
    run = fitsm("check", sms, "--no-cache")
    assert ("GR2.4 unknown field 'metadata.owner\u00a0' [schema]\n    fix: the name holds U+00A0 NO-BREAK SPACE, "
            "which looks like a blank or nothing: type the name again") in run.out
