"""Shared fixtures: run the real CLI entry point, and build SMS trees in tmp_path."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from fitsm_kit.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SEED = REPO.parent / "shared" / "seeds" / "fitsm-spd-training-3.4.2.md"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _own_cache_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-user key that seals caches (fitsm_kit.sealed) lives in a test directory, never in ~/.config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "config-home"))


@pytest.fixture
def fitsm(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``fitsm ARGS`` through the real entry point (exit-code mapping included)."""

    # inside GitHub Actions `fitsm check` would default to --format github; tests expect the plain default
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def run(*args: str | Path) -> Run:
        monkeypatch.setattr(sys, "argv", ["fitsm", *map(str, args)])
        with pytest.raises(SystemExit) as exc:
            main()
        captured = capsys.readouterr()
        code = exc.value.code
        return Run(code if isinstance(code, int) else 0, captured.out, captured.err)

    return run


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (dedented) below ``root``; a ``fitsm.yaml`` is added when missing."""
    files = {"fitsm.yaml": "as_of: 2026-11-26\n", **files}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root
