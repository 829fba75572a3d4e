"""Which files are SMS files: *.yaml / *.yml, without hidden, built or excluded ones."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from fitsm_kit.sms.discovery import discover, is_sms_path

from conftest import Run


def test_discover_skips_hidden_built_config_and_excluded_files(tmp_path: Path) -> None:
    for rel in ("fitsm.yaml", "b.yml", "a.yaml", "notes.md", ".hidden.yaml", ".git/x.yaml", "site/page.yaml",
                "mkdocs.yml", "node_modules/p/x.yaml", "drafts/d.yaml", "drafts-old/k.yaml", "svc/one.yaml",
                "svc/one.tmp.yaml", "svc/deep/two.yaml", "svc/.cache/c.yaml", "sub/site/s.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("kind: X\n", encoding="utf-8")
    found = list(discover(tmp_path, ["drafts/**", "*.tmp.yaml"]))
    assert [rel for rel, _ in found] == ["a.yaml", "b.yml", "drafts-old/k.yaml", "sub/site/s.yaml",
                                         "svc/one.yaml", "svc/deep/two.yaml"]
    assert all(path == tmp_path / rel for rel, path in found)
    assert [rel for rel, _ in discover(tmp_path, [])][:3] == ["a.yaml", "b.yml", "drafts/d.yaml"]


def test_an_extension_in_capitals_is_a_yaml_file_as_on_windows(tmp_path: Path) -> None:
    """Explorer renames to ola.YAML without a second thought, and Windows, Git for Windows and pre-commit
    still take it for YAML: discovery and the history's file selection read it too (it was silently left
    out, and the OLA it holds reported missing). FITSM.YAML is the configuration on Windows, not a document."""
    for rel in ("ola.YAML", "sla.Yml", "FITSM.YAML", "notes.YAMLX", "sub/plan.yAmL"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("kind: X\n", encoding="utf-8")
    assert [rel for rel, _ in discover(tmp_path, [])] == ["ola.YAML", "sla.Yml", "sub/plan.yAmL"]
    assert [rel for rel in ("ola.YAML", "sub/plan.yAmL", "FITSM.YAML", "notes.YAMLX") if is_sms_path(rel)] == [
        "ola.YAML", "sub/plan.yAmL"]


def test_a_tool_configuration_in_the_tree_is_named_with_how_to_leave_it_out(
        tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """An SMS repository also holds other YAML (a Compose file for the site preview, an Ansible playbook):
    the finding says to exclude it, not to add a kind to it; excluded, the SMS checks clean."""
    root = tmp_path / "sms"
    shutil.copytree(Path(__file__).parent / "conformity" / "sms" / "uni-hpc", root)
    (root / "tools").mkdir()
    (root / "tools" / "compose.yml").write_text("services:\n  preview: {image: squidfunk/mkdocs-material}\n",
                                               encoding="utf-8")
    result = fitsm("check", root, "--no-cache")
    assert result.code == 1
    assert "tools/compose.yml:1:1: GR2.4 document has no 'kind' (nor 'apiVersion') [document-shape]" in result.out
    assert "list it under 'exclude' in fitsm.yaml" in result.out
    config = root / "fitsm.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "exclude: [tools/**]\n", encoding="utf-8")
    assert fitsm("check", root, "--no-cache").code == 0


def test_a_kind_key_written_in_capitals_is_named(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    shutil.copytree(Path(__file__).parent / "conformity" / "sms" / "uni-hpc", root)
    path = root / "docs" / "agreements" / "sla" / "physics-sla.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: SLA\n", "Kind: SLA\n", 1), encoding="utf-8")
    result = fitsm("check", root, "--no-cache")
    assert ("physics-sla.yaml:1:1: GR2.4 document has no 'kind' (it has 'Kind'; keys are lower case) "
            "[document-shape]\n    fix: write 'kind' for 'Kind'") in result.out
