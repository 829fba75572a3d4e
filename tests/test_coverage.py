"""Every requirement variant is flagged with its requirement ID by its rule; the clean example stays clean."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from fitsm_kit.engine.run import check
from fitsm_kit.rules import REGISTRY
from fitsm_kit.sms.config import load_config

from conftest import EXAMPLES
from variants import Variant, doc_control, gr, placeholders, pr

ALL = [*gr.VARIANTS, *pr.VARIANTS, *placeholders.VARIANTS, *doc_control.VARIANTS]


def run(root: Path) -> set[tuple[str, str]]:
    config = load_config(root)
    result = check(root, config, config.as_of or dt.date.today())
    return {(f.requirement, f.rule) for f in result.findings}


@pytest.mark.parametrize("variant", ALL, ids=lambda v: v.id)
def test_variant_is_flagged(variant: Variant, tmp_path: Path) -> None:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / variant.base, root)
    variant.mutate(root)
    assert (variant.requirement, variant.rule) in run(root)


def test_every_rule_has_a_failing_variant() -> None:
    exercised = {v.rule for v in ALL}
    assert set(REGISTRY) <= exercised, sorted(set(REGISTRY) - exercised)
    for v in ALL:
        assert REGISTRY[v.rule].requirement == v.requirement, v.id
