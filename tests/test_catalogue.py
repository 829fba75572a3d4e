from __future__ import annotations

import re

from fitsm_kit.model.catalogue import matches, requirements

from conftest import SEED


def test_all_52_requirements() -> None:
    reqs = requirements()
    assert len(reqs) == 52
    assert list(reqs)[0] == "GR1.1" and list(reqs)[-1] == "PR8.4"
    assert {r.group for r in reqs.values()} == {f"GR{i}" for i in range(1, 8)} | {f"PR{i}" for i in range(1, 9)}


def test_texts_match_the_seed_word_for_word() -> None:
    if not SEED.exists():
        return
    seed = SEED.read_text(encoding="utf-8")
    for req in requirements().values():
        assert re.search(rf"^- {re.escape(req.id)} {re.escape(req.text)}$", seed, re.M), req.id
        for item in req.items:
            assert f"  - {item}" in seed


def test_dotted_prefix_matching() -> None:
    assert matches("PR1.2", "PR1")
    assert matches("PR1.2", "PR1.2")
    assert not matches("PR10.1", "PR1")
    assert not matches("PR1.2", "PR1.")
