"""The conformity corpus: independently written SMS repos and single-mistake variants of them.

Each variant must be reported under the requirement it names (recall), and only there: a finding under
any other requirement is a false positive (a cascade or a wrong attribution). Valid variants must stay
clean. The test prints the summary ``tests/conformity/measure.py`` prints, measured in-process.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from fitsm_kit.engine.run import check
from fitsm_kit.sms.config import load_config

HERE = Path(__file__).resolve().parent / "conformity"
_spec = importlib.util.spec_from_file_location("measure", HERE / "measure.py")
assert _spec is not None and _spec.loader is not None
measure = importlib.util.module_from_spec(_spec)
sys.modules["measure"] = measure  # its dataclasses look their module up while they are made
_spec.loader.exec_module(measure)
VARIANTS: list[dict[str, Any]] = yaml.safe_load((HERE / "variants.yaml").read_text(encoding="utf-8"))


def _findings(root: Path) -> list[dict[str, Any]]:
    config = load_config(root)
    result = check(root, config, config.as_of or dt.date.today())
    return [f.to_dict() for f in result.findings]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    base_dir = tmp_path_factory.mktemp("conformity")
    done = []
    for variant in VARIANTS:
        root = base_dir / variant["name"] / variant["base"]
        shutil.copytree(HERE / "sms" / variant["base"], root)
        out = measure.Outcome(variant["name"], variant["base"], list(variant.get("expect", [])),
                              list(variant.get("also", [])), bool(variant.get("valid", False)))
        out.error = measure.apply(variant, root)
        if not out.error:
            out.findings = _findings(root)
            out.reported = sorted({f["requirement"] for f in out.findings})
        done.append(out)
        shutil.rmtree(root)
    return done


def test_the_bases_are_clean() -> None:
    for base in sorted((HERE / "sms").iterdir()):
        assert _findings(base) == [], base.name


def test_every_mistake_is_reported_under_its_requirement_and_nowhere_else(outcomes: list[Any]) -> None:
    mistakes = [o for o in outcomes if not o.valid]
    expected = sum(len(o.expect) for o in mistakes)
    hits = sum(len(o.hits) for o in mistakes)
    noisy = [o for o in mistakes if o.false_positives]
    flagged = [o for o in outcomes if o.valid and o.findings]
    print(f"\nconformity corpus: {len(outcomes)} variants ({len(mistakes)} mistakes, {len(outcomes) - len(mistakes)} "
          f"valid); recall {hits}/{expected} = {100 * hits / expected:.1f} %; mistakes with false positives "
          f"{len(noisy)}/{len(mistakes)}; valid variants flagged {len(flagged)}")
    assert not [o.name for o in outcomes if o.error], [dataclasses.asdict(o) for o in outcomes if o.error]
    assert [(o.name, o.misses) for o in mistakes if o.misses] == []
    assert [(o.name, [(f["requirement"], f["message"]) for f in o.false_positives]) for o in noisy] == []
    assert [(o.name, [(f["requirement"], f["message"]) for f in o.findings]) for o in flagged] == []
    assert len(mistakes) >= 60 and len({o.base for o in outcomes}) >= 2
