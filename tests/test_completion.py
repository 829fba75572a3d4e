"""Shell completion (typer): the installed ``fitsm`` completes commands and options, and installs itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FITSM = Path(sys.executable).parent / "fitsm"


def complete(words: str, tmp_path: Path) -> list[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "_FITSM_COMPLETE": "complete_bash",
           "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    done = subprocess.run([str(FITSM)], env=env, capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_commands_and_options_complete(tmp_path: Path) -> None:
    assert complete("fitsm ch", tmp_path) == ["check"]
    assert "--changed-since" in complete("fitsm check --c", tmp_path)
    assert complete("fitsm check --fo", tmp_path) == ["--format"]


def test_install_completion_writes_the_script_for_bash(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    done = subprocess.run([str(FITSM), "--install-completion", "bash"], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "fitsm.sh"
    assert "_FITSM_COMPLETE=complete_bash" in script.read_text(encoding="utf-8")
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text(encoding="utf-8")
    shown = subprocess.run([str(FITSM), "--show-completion", "bash"], env=env, capture_output=True, text=True,
                           check=True)
    assert "complete -o default -F _fitsm_completion fitsm" in shown.stdout


def test_fixed_values_complete_and_show_in_help(tmp_path: Path) -> None:
    from fitsm_kit.output import FORMATTERS
    from fitsm_kit.site import ENGINES

    assert complete("fitsm check --format ", tmp_path) == list(FORMATTERS)
    assert complete("fitsm status --format ", tmp_path) == ["text", "json"]
    assert complete("fitsm render --engine ", tmp_path) == list(ENGINES)
    assert complete("fitsm codeowners --platform ", tmp_path) == ["github", "gitlab"]
    assert complete("fitsm check --fail-on ", tmp_path) == ["error", "warning", "info"]
    shown = subprocess.run([str(FITSM), "check", "--help"], capture_output=True, text=True, check=True,
                           env={**os.environ, "COLUMNS": "200"}).stdout
    assert "text|json|sarif|github|junit" in shown


def test_kinds_and_ids_complete_from_the_sms(tmp_path: Path) -> None:
    assert complete("fitsm new service-", tmp_path) == ["service-catalogue", "service-proposal", "service-review"]
    assert "SLA" in complete("fitsm schema S", tmp_path)
    example = Path(__file__).resolve().parent.parent / "examples" / "acme"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "_FITSM_COMPLETE": "complete_bash",
           "COMP_WORDS": "fitsm review sla-", "COMP_CWORD": "2"}
    ids = subprocess.run([str(FITSM)], env=env, cwd=example, capture_output=True, text=True,
                         check=True).stdout.split()
    assert ids and all(i.startswith("sla-") for i in ids)
