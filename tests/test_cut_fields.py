"""A field cut out as invalid never makes another requirement look satisfied.

The validator cuts an invalid value out and reports it under the requirement its field evidences; the rules of
other requirements that skip a document for what that field says (a service not live, an agreement not in force,
a validity that is no date) must hold back for it rather than skip it unchecked (``Context.judged``). The probe takes
each outside base, writes an invalid value into each field a rule gates on, one document at a time, and checks
that the invalid value is reported and that no requirement whose rules skipped the document shows "satisfied".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from fitsm_kit.engine.run import check_sms
from fitsm_kit.engine.selection import rule_requirements
from fitsm_kit.findings import Result
from fitsm_kit.output.matrix import State, rows
from fitsm_kit.rules.base import Context
from fitsm_kit.rules.pr_common import in_force
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.index import Doc, Sms
from fitsm_kit.sms.positions import position

BASES = Path(__file__).resolve().parent / "conformity" / "sms"


@dataclasses.dataclass(frozen=True)
class Gate:
    """A field rules gate on: which documents carry it, the invalid value written, the rules that skip the
    document on what it says (their requirements must not be satisfied once it is cut)."""

    name: str
    loc: tuple[str, ...]
    invalid: str
    rules: tuple[str, ...]
    applies: str  # which documents: see _applies

    def documents(self, sms: Sms, ctx: Context) -> list[Doc]:
        return [d for d in sms.docs if _applies(self.applies, d, ctx)]


_LIVE_RULES = ("live-service-in-catalogue", "live-service-has-sla", "service-customers-identified",
               "availability-requirements", "availability-risks-assessed", "live-service-monitored",
               "capacity-requirements")
GATES = (
    Gate("live-lifecycle", ("spec", "lifecycle_status"), "Live", _LIVE_RULES, "live customer-facing service"),
    Gate("early-lifecycle", ("spec", "lifecycle_status"), "Design", ("early-service-has-proposal",), "early service"),
    Gate("sla-validity", ("spec", "validity", "start"), "from-now-on", ("sla-evaluated",), "SLA in force"),
    Gate("supporting-validity", ("spec", "validity", "start"), "from-now-on", ("supporting-agreement-evaluated",),
         "OLA or UA in force"),
    Gate("nonconformity-status", ("spec", "status"), "Closed", ("nonconformity-closed-verified",),
         "closed nonconformity"),
    Gate("improvement-status", ("spec", "status"), "Implemented", ("improvement-evaluated",), "evaluated improvement"),
    Gate("risk-category", ("spec", "category"), "Availability", ("availability-risks-assessed",), "availability risk"),
    Gate("plan-type", ("spec", "type"), "Process", ("process-plan-aligned", "process-plan-current"), "process plan"),
)


def _applies(which: str, doc: Doc, ctx: Context) -> bool:
    spec = doc.spec
    if which == "live customer-facing service":
        return doc.kind == "Service" and spec.lifecycle_status == "live" and spec.customer_facing
    if which == "early service":
        return doc.kind == "Service" and spec.lifecycle_status in ("proposed", "design", "transition")
    if which == "SLA in force":
        return doc.kind == "SLA" and in_force(doc, ctx)
    if which == "closed nonconformity":
        return doc.kind == "Nonconformity" and spec.status == "closed"
    if which == "evaluated improvement":
        return doc.kind == "Improvement" and spec.status != "proposed"
    if which == "availability risk":
        return doc.kind == "Risk" and spec.category == "availability" and doc.model.metadata.status != "retired"
    if which == "process plan":
        return doc.kind == "Plan" and spec.type == "process"
    assert which == "OLA or UA in force"
    return doc.kind in ("OLA", "UA") and in_force(doc, ctx)


def _check(root: Path) -> tuple[Sms, Result, dict[str, State]]:
    config = load_config(root)
    sms, result = check_sms(root, config, config.as_of or dt.date.today())
    return sms, result, {r.requirement: r.state for r in rows(result, config, rule_requirements())}


def _cases() -> list[tuple[str, Gate, str]]:
    """(base, gate, document id): the first document of each base a gate applies to."""
    cases = []
    for base in sorted(p.name for p in BASES.iterdir()):
        sms, _, _ = _check(BASES / base)
        ctx = Context(sms=sms, config=sms.config, as_of=sms.as_of)
        for gate in GATES:
            found = gate.documents(sms, ctx)
            if found:
                cases.append((base, gate, found[0].id))
    return cases


def _write_invalid(root: Path, doc: Doc, loc: tuple[str, ...], invalid: str) -> None:
    """Replace the value at ``loc`` in the document's file, in place (plain, quoted, in a flow mapping)."""
    line, col = position(doc.raw, loc)
    path = root / doc.path
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    text, start = lines[line - 1], col - 1
    if text[start] in "'\"":
        end = text.index(text[start], start + 1) + 1
    else:
        end = start
        while end < len(text) and text[end] not in ",}]#":
            end += 1
        end = start + len(text[start:end].rstrip())
    lines[line - 1] = text[:start] + invalid + text[end:]
    path.write_text("\n".join(lines), encoding="utf-8")


CASES = _cases()


def test_the_probe_covers_every_base_and_gate() -> None:
    assert {base for base, _, _ in CASES} == {p.name for p in BASES.iterdir()}
    assert {gate.name for _, gate, _ in CASES} == {g.name for g in GATES}


@pytest.mark.parametrize(("base", "gate", "doc_id"), CASES, ids=[f"{b}-{g.name}-{d}" for b, g, d in CASES])
def test_a_cut_field_leaves_what_gates_on_it_undetermined(base: str, gate: Gate, doc_id: str, tmp_path: Path) -> None:
    root = Path(shutil.copytree(BASES / base, tmp_path / base))
    sms, _, _ = _check(root)
    doc = sms.by_id[doc_id]
    _write_invalid(root, doc, gate.loc, gate.invalid)
    sms, result, states = _check(root)
    cut = sms.by_id[doc_id]
    assert cut.incomplete(*gate.loc), "the invalid value was not cut out"
    reported = [f for f in result.findings if f.document == doc_id and f.rule in ("schema", "evidence-field")]
    assert reported, "the invalid value is not reported"
    own = {f.requirement for f in reported}
    gated = {rule_requirements()[r] for r in gate.rules} - own
    untrue = sorted(req for req in gated if states[req] is State.SATISFIED)
    assert not untrue, f"{'.'.join(gate.loc)} of {doc_id} cut; satisfied though not checked for it: {untrue}"
    notes = dict(result.no_evidence)
    for req in gated:  # undetermined, and the note names the field (or findings on what was read)
        assert states[req] is State.FINDINGS or f"{'.'.join(gate.loc[:2])} of {doc_id} " in notes[req], notes.get(req)
    # and the rules that skipped it said nothing about it either (no finding on what they could not read)
    assert not [f for f in result.findings if f.document == doc_id and f.rule in gate.rules]
