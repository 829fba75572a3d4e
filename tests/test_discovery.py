"""Which files are SMS files: *.yaml / *.yml, without hidden, built or excluded ones."""

from __future__ import annotations

from pathlib import Path

from fitsm_kit.sms.discovery import discover


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
