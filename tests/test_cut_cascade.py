"""One invalid value cut out of one document never makes untrue findings about other documents or parts.

Validation cuts an invalid value out (the field, or the list item or optional part that holds it) and reports it
once, under the requirement its field evidences. A rule that looks elsewhere for what the cut part held (a result
for a target, a catalogue entry for a service, a goal a KPI names) must not report it missing: it was written, just
invalid. The rule holds back (``Context.none_cut``), and its requirement is "no-evidence" naming the cut part, or
still shows the findings that are true. Each case is one cascade an outside base showed: one wrong-typed value in
one field of one document; the only finding left is that value's own.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from fitsm_kit.engine.run import check_sms
from fitsm_kit.engine.selection import rule_requirements
from fitsm_kit.findings import Result
from fitsm_kit.output.matrix import State, rows
from fitsm_kit.sms.config import load_config

BASES = Path(__file__).resolve().parent / "conformity" / "sms"

# (cascade, base, file, document id, field path (as written), rules that reported the cut part missing)
CASES = [
    ("sla-result", "alpnet", "aufzeichnungen/2026/bewertungen-oktober.yml", "ev-uibk-2026-10",
     ("spec", "results", 1, "met"), ("sla-evaluated",)),
    ("sla-result-target", "posidonia", "eval_2026-11_sla-cadre.yaml", "eval.sla-cadre.2026-11",
     ("spec", "results", 1, "target"), ("sla-evaluated",)),
    ("ola-result", "uni-hpc", "records/2026/evaluations/ua-nordhw-q2.yaml", "eval-ua-nordhw-2026q2",
     ("spec", "results", 1, "met"), ("supporting-agreement-evaluated",)),
    ("evaluation-agreement", "posidonia", "eval_2026-11_sla-cadre.yaml", "eval.sla-cadre.2026-11",
     ("spec", "agreement"), ("sla-evaluated",)),
    ("report-covers", "alpnet", "messung/berichte.yml", "alp-monatsbericht", ("spec", "covers", 2),
     ("sla-targets-reported",)),
    ("process-code", "federation-cloud", "processes.yaml", "dc-isrm", ("spec", "code"), ("process-definitions",)),
    ("catalogue-entry", "alpnet", "dienste/katalog.yml", "alp-katalog", ("spec", "services", 1),
     ("live-service-in-catalogue",)),
    ("plan-goal", "alpnet", "organisation/lenkung/sm-plan.yml", "alp-sm-plan", ("spec", "goals", 2, "due"),
     ("kpi-supports-goal",)),
    ("control-topic", "alpnet", "betrieb/sicherheit/kontrollen.yml", "k-kontenpruefung", ("spec", "topic"),
     ("access-review-recent",)),
    ("capacity-requirement", "federation-cloud", "operations.yaml", "dc-capacity",
     ("spec", "requirements", 1, "service"), ("capacity-requirements",)),
    ("ua-supplier", "alpnet", "vereinbarungen/ua/ua-glasfaser.yml", "alp-ua-glasfaser", ("spec", "supplier"),
     ("service-suppliers-covered",)),
    ("ola-validity", "federation-cloud", "agreements/supporting.yaml", "ola-res-vienna",
     ("spec", "validity", "start"), ("service-suppliers-covered",)),
    ("review-customer", "alpnet", "aufzeichnungen/2026/kunden.yml", "sr-fhbz-2026-04", ("spec", "customer"),
     ("service-review-recent",)),
    ("availability-measure", "uni-hpc", "continuity/availability-plan.yaml", "kurc-acp-2026",
     ("spec", "measures", 0, "description"), ("availability-risks-treated",)),
    ("policy-default-interval", "posidonia", "gouv_politique-sm.yaml", "gouv.politique",
     ("spec", "default_review_intervals", "Risk"), ("review-overdue",)),
    ("policy-default-interval-per-kind", "posidonia", "gouv_politique-sm.yaml", "gouv.politique",
     ("spec", "default_review_intervals", "StakeholderAnalysis"), ("stakeholder-analysis-document-reviewed",)),
    ("ola-target", "uni-hpc", "docs/agreements/ola/ola-uni-its.yaml", "ola-uni-its-network",
     ("spec", "targets", 0, "unit"), ("supporting-availability",)),
    ("service-component", "uni-hpc", "services/batch-compute.yaml", "batch-compute",
     ("spec", "components", 1, "critical"),
     ("supporting-availability", "supporting-hours", "supporting-response-times")),
    ("ola-support-window", "alpnet", "vereinbarungen/ola/ola-zid.yml", "alp-ola-zid",
     ("spec", "support", "hours", "windows", 0, "days", 1), ("supporting-hours",)),
    ("sla-support", "federation-cloud", "agreements/slas.yaml", "dc-corporate-sla", ("spec", "support", "contact"),
     ("live-service-has-sla",)),
    ("risk-service", "alpnet", "betrieb/sicherheit/risiken.yml", "r-faserbruch", ("spec", "services", 0),
     ("availability-risks-assessed",)),
    ("risk-category", "alpnet", "betrieb/sicherheit/risiken.yml", "r-faserbruch", ("spec", "category"),
     ("availability-risks-assessed",)),
    ("process-code-procedure", "uni-hpc", "sms/processes/crm.yaml", "proc-crm", ("spec", "code"),
     ("complaints-consistent", "satisfaction-managed")),
    ("kpi-scope", "alpnet", "messung/kpis.yml", "kpi-planziele", ("spec", "scope"), ("kpi-for-sms",)),
    ("availability-requirement", "uni-hpc", "continuity/availability-plan.yaml", "kurc-acp-2026",
     ("spec", "requirements", 0, "service"), ("availability-requirements",)),
    ("report-topic", "uni-hpc", "docs/reports/sms-quarterly.yaml", "rep-kurc-sms-quarterly", ("spec", "topics", 1),
     ("reporting-topics",)),
    ("report-delivery", "uni-hpc", "records/2026/reports/sms-q2.yaml", "del-sms-2026q2", ("spec", "report"),
     ("report-delivered",)),
    ("proposal-service", "alpnet", "dienste/vorschlag-filesender.yml", "alp-v-filesender", ("spec", "service"),
     ("early-service-has-proposal",)),
    ("proposal-decision", "uni-hpc", "services/proposal-notebooks.yaml", "prop-notebook-platform",
     ("spec", "evaluation", "decided_on"), ("early-service-has-proposal",)),
    ("supplier-evaluation", "alpnet", "aufzeichnungen/2026/lieferantenbewertungen.yml", "le-geant-2026",
     ("spec", "supplier"), ("supplier-evaluated",)),
    ("supplier-evaluation-basis", "posidonia", "eval_2026-11_ua-renater.yaml", "eval.ua-renater.2026-11",
     ("spec", "agreement"), ("supplier-evaluated",)),
]


def _check(root: Path) -> tuple[Result, dict[str, State]]:
    config = load_config(root)
    _, result = check_sms(root, config, config.as_of or dt.date.today())
    return result, {r.requirement: r.state for r in rows(result, config, rule_requirements())}


def _write_invalid(path: Path, doc_id: str, loc: tuple[str | int, ...]) -> None:
    """Put a wrong-typed value at ``loc`` of the document ``doc_id`` in ``path``: a mapping for a string, a
    string for anything else (as the probe that found these cascades did)."""
    yaml = YAML()
    docs = list(yaml.load_all(path.read_text(encoding="utf-8-sig")))
    node: Any = next(d for d in docs if isinstance(d, dict) and d["metadata"]["id"] == doc_id)
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = {"x": 1} if isinstance(node[loc[-1]], str) else "maybe"
    out = io.StringIO()
    yaml.dump_all(docs, out)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_every_base_is_clean_before_the_mutation() -> None:
    for base in sorted({c[1] for c in CASES}):
        result, _ = _check(BASES / base)
        assert not result.findings, base


@pytest.mark.parametrize(("cascade", "base", "file", "doc_id", "loc", "rules"), CASES, ids=[c[0] for c in CASES])
def test_a_cut_part_is_not_reported_missing_elsewhere(cascade: str, base: str, file: str, doc_id: str,
                                                       loc: tuple[str | int, ...], rules: tuple[str, ...],
                                                       tmp_path: Path) -> None:
    root = Path(shutil.copytree(BASES / base, tmp_path / base))
    _write_invalid(root / file, doc_id, loc)
    result, states = _check(root)
    found = [(f.document, f.rule) for f in result.findings]
    # the invalid value's own finding, and nothing else: no rule reports what the cut part held as missing
    assert found and all(d == doc_id and r in ("schema", "evidence-field") for d, r in found), \
        [(f.document, f.rule, f.message) for f in result.findings]
    notes = dict(result.no_evidence)
    for name in rules:  # the rule that held back leaves its requirement undetermined, naming the cut document
        requirement = rule_requirements()[name]
        assert states[requirement] is State.FINDINGS or (
            states[requirement] is State.NO_EVIDENCE and f" of {doc_id} (" in notes[requirement]), \
            (requirement, states[requirement], notes.get(requirement))
