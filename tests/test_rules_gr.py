"""The general requirements GR1–GR7: every ID is checked and exercised; date logic with worked dates."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.model.catalogue import requirements
from fitsm_kit.model.dates import parse_interval
from fitsm_kit.rules import REGISTRY
from fitsm_kit.rules.base import Context
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.index import Sms

from conftest import EXAMPLES, Run, write_tree
from variants import gr

GR_IDS = [r for r in requirements() if r.startswith("GR")]
# The GR rules in the modules that hold them; other sessions' GR2.4 rules (placeholders, doc_control) have
# their own tests. documents.py also makes PR review rules (reviewed_rule), so the requirement decides.
GR_MODULES = ("fitsm_kit.rules.documents", "fitsm_kit.rules.gr_")
GR_RULES = {name: r for name, r in REGISTRY.items()
            if r.requirement.startswith("GR") and r.check.__module__.startswith(GR_MODULES)}
JUDGEMENT = ("sms-owner-top-management-attested", "process-followed-attested", "kpi-suitability-attested",
             "continual-improvement-attested")


def test_every_general_requirement_has_a_rule_and_a_failing_variant() -> None:
    assert len(GR_IDS) == 17  # GR1.1–1.3, GR2.1–2.4, GR3.1–3.2, GR4.1–4.2, GR5.1–5.2, GR6.1–6.2, GR7.1–7.2
    with_rule = {r.requirement for r in GR_RULES.values()}
    with_variant = {v.requirement for v in gr.VARIANTS}
    assert [i for i in GR_IDS if i not in with_rule] == []
    assert [i for i in GR_IDS if i not in with_variant] == []


def test_every_gr_rule_has_its_own_failing_variant_in_gr_py() -> None:
    assert sorted(set(GR_RULES) - {v.rule for v in gr.VARIANTS}) == []


@pytest.mark.parametrize("name", sorted(GR_RULES))
def test_gr_rule_docstring_is_a_summary_then_the_evidence(name: str) -> None:
    lines = GR_RULES[name].doc.splitlines()
    summary = lines[0]
    assert summary.endswith(".") and summary.count(". ") == 0, f"{name}: one-sentence summary"
    assert len(lines) >= 3 and lines[1] == "" and lines[2], f"{name}: say why and what evidence counts"


@pytest.mark.parametrize("name", JUDGEMENT)
def test_judgement_rules_say_they_check_evidence_not_truth(name: str) -> None:
    assert "checks recorded evidence, not the truth of it" in " ".join(REGISTRY[name].doc.split())


# --- date logic, worked by hand ---------------------------------------------------------------------


@pytest.mark.parametrize(("start", "interval", "due"), [
    ("2026-01-31", "P1M", "2026-02-28"),   # month end clamps to the shorter month
    ("2028-01-31", "P1M", "2028-02-29"),   # … and to the leap day in a leap year
    ("2024-02-29", "P12M", "2025-02-28"),  # a leap day plus a year
    ("2024-02-29", "P1Y", "2025-02-28"),
    ("2026-08-31", "P6M", "2027-02-28"),
    ("2026-01-31", "P1M15D", "2026-03-15"),  # months first (Feb 28), then days
    ("2026-12-20", "P2W", "2027-01-03"),   # weeks are 7 days, across the year end
    ("2026-06-24", "P12M", "2027-06-24"),
])
def test_interval_after_worked_dates(start: str, interval: str, due: str) -> None:
    assert parse_interval(interval).after(dt.date.fromisoformat(start)) == dt.date.fromisoformat(due)


def context(as_of: str, grace: str) -> Context:
    config = Config(grace=grace)
    today = dt.date.fromisoformat(as_of)
    return Context(sms=Sms(config=config, as_of=today), config=config, as_of=today)


@pytest.mark.parametrize(("last", "interval", "grace", "as_of", "overdue"), [
    # due 2026-02-28; grace P30D ends 2026-03-30: the last day of grace is still on time
    ("2026-01-31", "P1M", "P30D", "2026-03-30", None),
    ("2026-01-31", "P1M", "P30D", "2026-03-31", "2026-02-28"),
    # no grace: the due day itself is on time, the next day is late
    ("2026-01-31", "P1M", "P0D", "2026-02-28", None),
    ("2026-01-31", "P1M", "P0D", "2026-03-01", "2026-02-28"),
    # a grace of a month also clamps at the month end: due 2026-01-31, grace ends 2026-02-28
    ("2025-12-31", "P1M", "P1M", "2026-02-28", None),
    ("2025-12-31", "P1M", "P1M", "2026-03-01", "2026-01-31"),
    # yearly review from a leap day: due 2025-02-28, +30 days = 2025-03-30
    ("2024-02-29", "P12M", "P30D", "2025-03-30", None),
    ("2024-02-29", "P12M", "P30D", "2025-03-31", "2025-02-28"),
])
def test_overdue_is_interval_plus_grace(last: str, interval: str, grace: str, as_of: str,
                                        overdue: str | None) -> None:
    due = context(as_of, grace).overdue(dt.date.fromisoformat(last), interval)
    assert due == (dt.date.fromisoformat(overdue) if overdue else None)


POLICY = """\
apiVersion: fitsm.eu/v1
kind: Policy
metadata: {id: policy, title: Policy, owner: alice, status: draft}
spec:
  goals: [Good services]
  commitments: {continual_improvement: yes we do, service_orientation: yes, process_orientation: yes}
  management_review_interval: P12M
"""
REVIEW = """\
apiVersion: fitsm.eu/v1
kind: ManagementReview
metadata: {id: review, title: Review, owner: alice, status: recorded}
spec: {date: 2025-11-30, chaired_by: alice, results: [All fine]}
"""


def findings(fitsm: Callable[..., Run], root: Path, *args: str) -> list[dict[str, object]]:
    run = fitsm("check", root, "--format", "json", "--no-cache", *args)
    assert run.code in (0, 1), run.err
    return list(json.loads(run.out)["findings"])


def test_management_review_due_date_and_grace_through_the_cli(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    # Last review 2025-11-30, interval P12M: the next falls due 2026-11-30; grace P30D ends 2026-12-30.
    write_tree(tmp_path, {"fitsm.yaml": "grace: P30D\n", "policy.yaml": POLICY, "review.yaml": REVIEW})
    args = ("--select", "management-review-planned")
    assert findings(fitsm, tmp_path, *args, "--as-of", "2026-12-30") == []
    [late] = findings(fitsm, tmp_path, *args, "--as-of", "2026-12-31")
    assert (late["path"], late["line"], late["requirement"]) == ("review.yaml", 4, "GR1.3")
    assert late["message"] == ("management review overdue: last held 2025-11-30, interval P12M, "
                               "the next fell due 2026-11-30")


def test_config_default_interval_plans_audits_without_a_policy_field(tmp_path: Path,
                                                                       fitsm: Callable[..., Run]) -> None:
    audit = ("apiVersion: fitsm.eu/v1\nkind: Audit\nmetadata: {id: a, title: A, owner: alice, status: recorded}\n"
             "spec: {date: 2026-01-31, type: self-assessment, assessors: [Alice], scores: [{requirement: GR1, "
             "score: 2}]}\n")
    write_tree(tmp_path, {"fitsm.yaml": "grace: P0D\ndefault_review_intervals: {Audit: P6M}\n",
                          "policy.yaml": POLICY, "audit.yaml": audit})
    # 2026-01-31 + P6M = 2026-07-31 (July has 31 days); no grace.
    assert findings(fitsm, tmp_path, "--select", "audit-planned", "--as-of", "2026-07-31") == []
    [late] = findings(fitsm, tmp_path, "--select", "audit-planned", "--as-of", "2026-08-01")
    assert "fell due 2026-07-31" in str(late["message"])


# --- the clean example, edited ----------------------------------------------------------------------


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLES / "acme", root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_assignee_must_be_a_person(acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "general/roles.yaml", "{role: sms-manager, person: bob-keller,",
         "{role: sms-manager, person: sm-policy,")
    found = findings(fitsm, acme, "--select", "unresolved-reference")
    assert [(f["path"], f["requirement"], f["message"]) for f in found] == [
        ("general/roles.yaml", "GR2.2", "'sm-policy' is a Policy, expected Person")]


def test_attestation_recency_follows_the_documents_review_interval(acme: Path, fitsm: Callable[..., Run]) -> None:
    # The SLM KPI's attestation is from 2026-02-23. With the KPI reviewed every P6M it fell due 2026-08-23
    # and the grace (P30D) ended 2026-09-22, so as of 2026-11-26 it is out of date.
    args = ("--select", "kpi-suitability-attested")
    assert findings(fitsm, acme, *args) == []
    edit(acme, "records/management.yaml", "review: {interval: P12M, last_reviewed: 2026-02-23}",
         "review: {interval: P6M, last_reviewed: 2026-09-01}")
    [stale] = findings(fitsm, acme, *args)
    assert stale["message"] == ("attestation of GR6.1 from 2026-02-23 is out of date: interval P6M, "
                                "renewal fell due 2026-08-23")


def test_attestation_must_name_its_role_and_not_be_dated_ahead(acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "general/roles.yaml", "      role: SMS owner, Director\n", "")
    edit(acme, "general/roles.yaml", "      on: 2026-03-02", "      on: 2026-12-01")
    found = findings(fitsm, acme, "--select", "sms-owner-top-management-attested")
    assert sorted(str(f["message"]) for f in found) == [
        "attestation of GR1.1 is dated 2026-12-01, after 2026-11-26",
        "the attestation of GR1.1 does not say in which role alice-martin gives it",
    ]


def test_a_late_policy_review_is_one_finding(acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "general/policy.yaml", "last_reviewed: 2026-02-16", "last_reviewed: 2025-02-16")
    found = findings(fitsm, acme, "--select", "GR")
    assert [(f["requirement"], f["rule"]) for f in found] == [("GR1.2", "policy-reviewed")]
    assert "fell due 2026-02-16" in str(found[0]["message"])


def test_processes_out_of_scope_need_no_roles_or_attestation(acme: Path, fitsm: Callable[..., Run]) -> None:
    edit(acme, "general/scope.yaml", "  requirements:\n",
         "  processes: [SPM, SLM, SRM, SACM, CAPM, ISM, CRM, SUPPM, CSI]\n  requirements:\n")
    edit(acme, "general/roles.yaml", "{role: process-manager, process: RDM,", "{role: process-staff, process: RDM,")
    edit(acme, "processes/soc.yaml", "      role: RDM process owner\n      on: 2026-10-12",
         "      role: RDM process owner\n      on: 2024-10-12")
    assert findings(fitsm, acme, "--select", "process-roles-assigned,process-followed-attested") == []


def test_legal_requirements_recorded_in_the_stakeholder_analysis_are_considered(
        tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """GR3.1: the requirements may be listed in a StakeholderAnalysis document instead of the scope (the
    conformity base posidonia keeps them there); with neither, they were not considered."""
    root = tmp_path / "federation"
    shutil.copytree(EXAMPLES / "federation", root)
    governance = root / "governance.yaml"
    text = governance.read_text(encoding="utf-8")
    start = text.index("  requirements:\n    - {type: contractual, description: EGI Resource Centre")
    block = text[start:text.index("---", start)]
    moved = text.replace(block, "").replace("      needs: [usage reports per country]\n",
                                            "      needs: [usage reports per country]\n" + block)
    governance.write_text(moved, encoding="utf-8")
    assert fitsm("check", root, "--select", "GR3.1").code == 0

    governance.write_text(text.replace(block, ""), encoding="utf-8")
    run = fitsm("check", root, "--select", "GR3.1", "--format", "json")
    assert [f["rule"] for f in json.loads(run.out)["findings"]] == ["external-requirements-considered"]
