"""Meta-tests on the rule registry."""

from __future__ import annotations

import re

from fitsm_kit.model.catalogue import requirements
from fitsm_kit.rules import REGISTRY
from fitsm_kit.rules.structural import STRUCTURAL


def test_every_rule_is_documented_and_tied_to_a_requirement() -> None:
    reqs = requirements()
    for name, rule in REGISTRY.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
        assert rule.requirement in reqs, name
        assert rule.summary.endswith("."), f"{name}: docstring needs a one-line summary"
        assert rule.fix, f"{name}: needs a default fix hint"
    assert not set(REGISTRY) & set(STRUCTURAL)


def test_each_requirement_family_has_a_rule() -> None:
    families = {r.requirement.split(".")[0] for r in REGISTRY.values()}
    assert families >= {f"GR{i}" for i in range(1, 8)} | {f"PR{i}" for i in range(1, 9)}
