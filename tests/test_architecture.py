"""The layout shows the architecture: import contracts hold, and a broken one fails with its import chain."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "fitsm_kit"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package below ``root/src``, with ``root/pyproject.toml``'s contracts."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, check=False)


def test_the_import_contracts_hold() -> None:
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "6 kept" in done.stdout


@pytest.mark.parametrize(("module", "imports", "contract"), [
    ("rules/zz_prints.py", "from fitsm_kit.cli import common", "Rules never reach the CLI"),
    ("sms/zz_git.py", "from fitsm_kit.gitcontrol import repo", "The model and the SMS reader never run Git"),
    ("model/zz_up.py", "from fitsm_kit.engine import selection", "Stages import only the stages below them"),
    ("interop/zz_rules.py", "from fitsm_kit.rules import base", "Interop reads the SMS through the engine"),
])
def test_a_broken_contract_fails_with_the_import_chain(tmp_path: Path, module: str, imports: str,
                                                       contract: str) -> None:
    shutil.copytree(PACKAGE, tmp_path / "src" / "fitsm_kit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "src" / "fitsm_kit" / module).write_text(f"{imports}\n", encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout
    bad = "fitsm_kit." + module.removesuffix(".py").replace("/", ".")
    report = done.stdout[done.stdout.index("Broken contracts"):]
    assert contract in report and bad in report  # the offending module, named in the chain


def _imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.module or "", alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            for alias in node.names]


def test_no_module_imports_a_private_name_of_another() -> None:
    files = [*PACKAGE.rglob("*.py"), *(REPO / "tests").rglob("*.py")]
    reach_ins = [f"{path.relative_to(REPO)}: {module}.{name}" for path in files
                 for module, name in _imports(path)
                 if module.startswith("fitsm_kit") and name.startswith("_") and not name.startswith("__")]
    assert reach_ins == []


def test_the_top_level_holds_few_modules_beside_the_stage_packages() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert len(modules) <= 10, modules
    assert packages == ["cli", "engine", "evaluation", "gitcontrol", "interop", "model", "output", "rules", "scaffold",
                        "site", "sms"]
    for package in packages:  # each says what it owns and what it may import
        doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, package


def test_the_cli_is_split_by_command_group() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / "cli").glob("*.py")}
    assert len(sizes) >= 6 and max(sizes.values()) < 300, sizes


def test_every_command_is_in_the_readme_table() -> None:
    from fitsm_kit.cli import app

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = [command.name for command in app.registered_commands]
    assert len(names) >= 15
    # command groups (fitsm import eosc): each of their commands has a row too
    names += [f"{group.name} {command.name}" for group in app.registered_groups
              for command in group.typer_instance.registered_commands]
    assert [n for n in names if f"| `fitsm {n}" not in readme] == []
