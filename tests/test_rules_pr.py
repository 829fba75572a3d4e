"""Meta-tests for the process requirements: every PR ID has a rule and a failing variant."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from fitsm_kit.engine.collect import Collector
from fitsm_kit.engine.load import load_sms
from fitsm_kit.model.catalogue import requirements
from fitsm_kit.rules import REGISTRY
from fitsm_kit.rules.base import Context, run
from fitsm_kit.sms.config import load_config

from conftest import EXAMPLES, Run
from variants import pr

PR_IDS = [r for r in requirements() if r.startswith("PR")]
JUDGED = ("PR6.4", "PR6.5", "PR7.5", "PR7.6")  # need human judgement: evidence plus an attestation


def test_the_catalogue_has_35_process_requirements() -> None:
    assert len(PR_IDS) == 35  # PR1.1–PR1.4, PR2.1–PR2.5, PR3.1–PR3.3, PR4–PR5 ×4, PR6.1–PR6.5, PR7.1–PR7.6, PR8 ×4


def test_every_process_requirement_has_a_rule() -> None:
    covered = {r.requirement for r in REGISTRY.values()}
    assert [r for r in PR_IDS if r not in covered] == []


def test_every_process_requirement_has_a_failing_variant() -> None:
    varied = {v.requirement for v in pr.VARIANTS}
    assert [r for r in PR_IDS if r not in varied] == []


def test_every_process_rule_has_a_variant_in_the_pr_family() -> None:
    rules = {name for name, r in REGISTRY.items() if r.requirement.startswith("PR")}
    assert sorted(rules - {v.rule for v in pr.VARIANTS}) == []


def test_judgement_rules_say_they_check_evidence_not_truth() -> None:
    for requirement in JUDGED:
        docs = [r.doc for r in REGISTRY.values() if r.requirement == requirement]
        assert any("evidence, not truth" in d and "attest" in d for d in docs), requirement


def test_interval_rules_name_their_interval() -> None:
    planned = ("PR2.2", "PR2.4", "PR4.1", "PR4.2", "PR5.1", "PR6.1", "PR6.2", "PR6.5", "PR7.4", "PR8.4")
    for requirement in planned:
        docs = [r.doc for r in REGISTRY.values() if r.requirement == requirement]
        assert any("interval" in d for d in docs), requirement


def test_lookups_are_rebuilt_for_another_date_on_the_same_sms() -> None:
    # ua-research-net is valid until 2027-12-31: after that cloud-compute's uplink supplier is uncovered.
    root = EXAMPLES / "acme"
    config = load_config(root)
    sms, _ = load_sms(root, config, dt.date(2026, 11, 26), Collector())
    rule = REGISTRY["service-suppliers-covered"]

    def messages(as_of: dt.date) -> list[str]:
        return [p.message for p in run(rule, Context(sms=sms, config=config, as_of=as_of))]

    assert messages(dt.date(2026, 11, 26)) == []
    assert messages(dt.date(2028, 1, 15)) == ["no OLA or UA in force with research-net supports this service"]
    assert messages(dt.date(2026, 11, 26)) == []


def test_pr_rule_docstring_is_a_summary_then_the_evidence() -> None:
    for name, r in REGISTRY.items():
        if not r.requirement.startswith("PR"):
            continue
        lines = r.doc.splitlines()
        assert lines[0].endswith(".") and lines[0].count(". ") == 0, f"{name}: one-sentence summary"
        assert len(lines) >= 3 and lines[1] == "" and lines[2], f"{name}: say why and what evidence counts"


def test_coverage_is_per_customer_and_service(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """Without the default SLA, physics-dept uses cloud-compute but only bio-institute has an SLA for it."""
    root = Path(shutil.copytree(EXAMPLES / "acme", tmp_path / "acme"))
    sla = root / "agreements" / "sla-default.yaml"
    sla.write_text(sla.read_text(encoding="utf-8").replace("  status: approved\n", "  status: retired\n"),
                   encoding="utf-8")
    run = fitsm("check", root, "--format", "json", "--no-cache", "--select", "live-service-has-sla")
    found = {(f["path"], f["message"]) for f in json.loads(run.out)["findings"]}
    assert ("services/cloud-compute.yaml", "customer physics-dept has no SLA in force for this service "
            "(in force: sla-bio-institute)") in found
    assert not [m for p, m in found if p == "services/cloud-compute.yaml" and "bio-institute has" in m]
