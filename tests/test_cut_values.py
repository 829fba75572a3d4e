"""A field cut out as invalid, or left out, never makes a verdict untrue: the value oracle.

``test_cut_fields`` asks that the rules known to gate on a field hold back when it is cut. This probe needs no list
of rules: for each field a rule may read, it writes every value the field may validly have into a document of an
outside base, and checks the SMS with each. The field cut out (an invalid value) must then give a verdict that holds
for every one of those values:

- a requirement satisfied with the field cut out is satisfied whatever the value is;
- every finding with the field cut out (besides the report of the cut itself) is found whatever the value is (a
  finding "still open" is untrue when the status is unknown: it may say closed);
- a requirement whose verdict depends on the value is no-evidence, and its note names the field (or it has findings
  that hold for every value).

A field whose schema documents a default (``customer_facing: true``, a nonconformity ``open``) means that default
when it is left out: deleting its line must give the verdict of the default value. A field without one (an SLA's
type, a target's metric, a record's date) is unknown when it is left out, and is probed as the cut one is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fitsm_kit.engine.run import check_sms
from fitsm_kit.engine.selection import rule_requirements
from fitsm_kit.output.matrix import State, rows
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.index import Doc, Sms
from fitsm_kit.sms.loader import YList, YMap

BASES = Path(__file__).resolve().parent / "conformity" / "sms"
KEEP = "<as written>"  # the value the base gives the field: always one of the values the field may have
DERIVED = "<derived>"  # left out, the field takes a value from another field (a target's direction from its metric)
_REPORTS = ("schema", "evidence-field")  # the rules that report a value cut out or left out


@dataclasses.dataclass(frozen=True)
class Field:
    """A field a rule may read: in documents of ``kinds``, at ``loc``; the YAML ``values`` it may validly have
    (those that validate in the document are tried); an ``invalid`` one; ``default``: what its line left out
    means (None: unknown, probed as the cut one; DERIVED: not probed)."""

    name: str
    kinds: tuple[str, ...]
    loc: tuple[str | int, ...]
    values: tuple[str, ...]
    invalid: str
    default: str | None = None
    insert: bool = False  # write it into documents that leave it out, too (a field most leave to its default)


OTHER_DAY = "2001-02-03"
FIELDS = (
    Field("customer-facing", ("Service",), ("spec", "customer_facing"), ("true", "false"), "sometimes", "true",
          insert=True),
    Field("sla-type", ("SLA",), ("spec", "type"), ("default", "specific"), "Default"),
    Field("sla-services", ("SLA",), ("spec", "services"), (KEEP, "[]"), "7", "[]"),
    Field("nonconformity-status", ("Nonconformity",), ("spec", "status"), ("open", "in-progress", "closed"),
          "Closed", "open", insert=True),
    Field("complaint-status", ("Complaint",), ("spec", "status"), ("open", "in-progress", "closed"), "Closed",
          "open", insert=True),
    Field("control-status", ("SecurityControl",), ("spec", "status"), ("planned", "implemented", "retired"),
          "Implemented", "planned", insert=True),
    Field("measure-status", ("AvailabilityContinuityPlan",), ("spec", "measures", 0, "status"),
          ("planned", "implemented"), "Implemented", "planned", insert=True),
    Field("goal-status", ("Plan",), ("spec", "goals", 0, "status"), ("planned", "in-progress", "done", "dropped"),
          "Done", "planned", insert=True),
    Field("plan-type", ("Plan",), ("spec", "type"), ("sms", "process"), "SMS", "sms"),
    Field("target-metric", ("SLA", "OLA", "UA"), ("spec", "targets", 0, "metric"),
          (KEEP, "availability", "response-time"), "Availability"),
    Field("target-value", ("SLA", "OLA", "UA"), ("spec", "targets", 0, "value"), (KEEP, "0", "100"), "high"),
    Field("target-unit", ("SLA", "OLA", "UA"), ("spec", "targets", 0, "unit"), (KEEP, "'%'", "hours"), "percent"),
    Field("target-period", ("SLA", "OLA", "UA"), ("spec", "targets", 0, "period"), (KEEP, "P1M", "P1D", "P1Y"),
          "monthly", "P1M"),
    Field("validity-end", ("SLA", "OLA", "UA"), ("spec", "validity", "end"), (KEEP, "2099-12-31"), "someday",
          "null"),
    Field("sla-customer", ("SLA",), ("spec", "customer"), (KEEP,), "[7]"),
    Field("supports", ("OLA", "UA"), ("spec", "supports"), (KEEP,), "7"),
    Field("supporting-supplier", ("OLA", "UA"), ("spec", "supplier"), (KEEP,), "[7]"),
    Field("service-suppliers", ("Service",), ("spec", "suppliers"), (KEEP, "[]"), "7", "[]"),
    Field("proposal-change-type", ("ServiceProposal",), ("spec", "change_type"), ("new", "change", "retire"),
          "Retire"),
    Field("review-date", ("ManagementReview",), ("spec", "date"), (KEEP, OTHER_DAY), "yesterday"),
    Field("audit-date", ("Audit",), ("spec", "date"), (KEEP, OTHER_DAY), "yesterday"),
    Field("service-review-date", ("ServiceReview",), ("spec", "date"), (KEEP, OTHER_DAY), "yesterday"),
    Field("survey-date", ("SatisfactionSurvey",), ("spec", "date"), (KEEP, OTHER_DAY), "yesterday"),
    Field("supplier-evaluation-date", ("SupplierEvaluation",), ("spec", "date"), (KEEP, OTHER_DAY), "yesterday"),
    Field("risk-assessed", ("Risk",), ("spec", "assessed_on"), (KEEP, OTHER_DAY), "yesterday"),
    Field("evaluation-period-end", ("AgreementEvaluation",), ("spec", "period_end"), (KEEP, OTHER_DAY),
          "yesterday"),
    Field("evaluation-period-start", ("AgreementEvaluation",), ("spec", "period_start"), (KEEP, OTHER_DAY),
          "yesterday"),
    Field("evaluated-on", ("AgreementEvaluation",), ("spec", "evaluated_on"), (KEEP, OTHER_DAY), "yesterday",
          "null"),  # left out: the day fitsm evaluate wrote it (source.as_of) counts, if any
    Field("delivery-period-end", ("ReportDelivery",), ("spec", "period_end"), (KEEP, OTHER_DAY), "yesterday"),
    Field("delivered-on", ("ReportDelivery",), ("spec", "delivered_on"), (KEEP, OTHER_DAY), "yesterday"),
    Field("last-reviewed", ("Policy", "Plan", "ProcessDefinition", "Service", "SLA", "OLA", "UA"),
          ("metadata", "review", "last_reviewed"), (KEEP, OTHER_DAY), "yesterday", "~"),
    Field("approved-on", ("Policy", "Plan", "ProcessDefinition", "Service", "SLA", "OLA", "UA"),
          ("metadata", "approval", "approved_on"), (KEEP, OTHER_DAY), "yesterday"),
    Field("component-critical", ("Service",), ("spec", "components", 0, "critical"), ("true", "false"),
          "sometimes", "true", insert=True),
    Field("agreement-required", ("Service",), ("spec", "suppliers", 0, "agreement_required"), ("true", "false"),
          "sometimes", "true", insert=True),
    Field("supplier-type", ("Supplier",), ("spec", "type"), ("internal", "external"), "External"),
    Field("federation-member", ("Supplier",), ("spec", "federation_member"), ("true", "false"), "sometimes",
          "false", insert=True),
    Field("component-required", ("Service",), ("spec", "components", 0, "required"), (KEEP, "1", "2", "3"), "many",
          "1", insert=True),
    Field("hours-always", ("SLA", "OLA", "UA"), ("spec", "service_hours", "always"), (KEEP, "true"), "sometimes"),
    Field("hours-timezone", ("SLA", "OLA", "UA"), ("spec", "service_hours", "timezone"),
          (KEEP, "UTC", "Pacific/Kiritimati", "America/Adak"), "Mars/Olympus", "UTC", insert=True),
    Field("target-direction", ("SLA", "OLA", "UA"), ("spec", "targets", 0, "direction"), ("at-least", "at-most"),
          "above", DERIVED, insert=True),
    Field("person-active", ("Person",), ("spec", "active"), ("true", "false"), "sometimes", "true", insert=True),
    Field("audit-finding-severity", ("Audit",), ("spec", "findings", 0, "severity"), ("major", "minor", "observation"),
          "Major", "minor", insert=True),
    Field("action-done", ("ManagementReview",), ("spec", "actions", 0, "done"), ("true", "false"), "sometimes",
          "false", insert=True),
    Field("distribution-on", ("Policy",), ("metadata", "distribution", 0, "on"), (KEEP, OTHER_DAY), "yesterday"),
    Field("attestation-on", ("Policy", "Plan", "ProcessDefinition", "Service", "SLA", "OLA", "UA", "Supplier"),
          ("metadata", "attestations", 0, "on"), (KEEP, OTHER_DAY), "yesterday"),
)
PER_BASE = 1  # documents probed per field and base (more take minutes: each is checked once per value)


@dataclasses.dataclass(frozen=True)
class Verdict:
    states: dict[str, State]
    findings: frozenset[tuple[str, str, str]]  # (rule, document, message): what is claimed, not where
    notes: dict[str, str]
    cut: bool  # the field was cut out of the document


def _verdict(root: Path, doc_id: str, field: Field) -> Verdict | None:
    """The verdict on the SMS at ``root``; None when the document was not read (the value written broke the
    file, e.g. an anchor that an alias elsewhere names): the probe cannot write it there."""
    config = load_config(root)
    sms, result = check_sms(root, config, config.as_of or dt.date.today())
    if doc_id not in sms.by_id:
        return None
    states = {r.requirement: r.state for r in rows(result, config, rule_requirements())}
    found = frozenset((f.rule, f.document or "", f.message) for f in result.findings
                      if not (f.document == doc_id and f.rule in _REPORTS))
    return Verdict(states, found, dict(result.no_evidence), sms.by_id[doc_id].incomplete(*field.loc))


def _load(root: Path) -> Sms:
    config = load_config(root)
    return check_sms(root, config, config.as_of or dt.date.today())[0]


def _node(raw: object, loc: tuple[str | int, ...]) -> object:
    for part in loc:
        found = isinstance(raw, YMap) and isinstance(part, str) and part in raw
        if not found and not (isinstance(raw, YList) and isinstance(part, int) and part < len(raw)):
            return None
        raw = raw[part]  # type: ignore[index]
    return raw


def _block(lines: list[str], first: int, indent: int) -> int:
    """The index after the last line of the block value of a key at ``indent`` on line index ``first``."""
    end = first + 1
    while end < len(lines):
        text = lines[end]
        stripped = text.lstrip(" ")
        lead = len(text) - len(stripped)
        if stripped and not stripped.startswith("#") and not (lead > indent or (
                lead == indent and stripped.startswith("- "))):
            break
        end += 1
    while end > first + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _scalar_end(text: str, start: int) -> int:
    """Where the scalar that starts at ``start`` in a flow collection ends."""
    if text[start] in "'\"":
        return text.index(text[start], start + 1) + 1
    end = start
    while end < len(text) and text[end] not in ",}]#":
        end += 1
    return start + len(text[start:end].rstrip())


def write(root: Path, doc: Doc, loc: tuple[str | int, ...], value: str | None) -> bool:
    """Write ``value`` (YAML text) as the field at ``loc``, or delete it (None); False if it cannot be done in
    place (a container in a flow mapping, the first key of a list item, a parent that is not there)."""
    path = root / doc.path
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    parent = _node(doc.raw, loc[:-1])
    key = loc[-1]
    if not isinstance(parent, YMap) or not isinstance(key, str):
        return False
    if key not in parent:
        if value is None:
            return True  # already left out
        first = next(iter(parent))
        line, col = parent.key_pos[first]
        text = lines[line - 1]
        before = text[:col - 1].strip()
        if before == "":
            lines.insert(line - 1, " " * (col - 1) + f"{key}: {value}")
        elif before == "-":
            if isinstance(parent[first], (YMap, YList)) or parent.value_pos[first][0] != line:
                return False
            lines.insert(line, " " * (col - 1) + f"{key}: {value}")
        else:  # a flow mapping: before its first key
            lines[line - 1] = text[:col - 1] + f"{key}: {value}, " + text[col - 1:]
    else:
        line, col = parent.key_pos[key]
        text = lines[line - 1]
        prefix = text[:col - 1]
        if prefix.strip() in ("", "-"):
            end = _block(lines, line - 1, col - 1)
            if value is None:
                if prefix.strip():
                    return False  # "- key:" starts the list item
                del lines[line - 1:end]
            else:
                lines[line - 1:end] = [f"{prefix}{key}: {value}"]
        else:  # inside a flow mapping
            if isinstance(parent[key], (YMap, YList)) or parent.value_pos[key][0] != line:
                return False
            start = parent.value_pos[key][1] - 1
            stop = _scalar_end(text, start)
            if value is not None:
                lines[line - 1] = text[:start] + value + text[stop:]
            else:
                rest = text[stop:]
                if rest.startswith(", "):
                    lines[line - 1] = text[:col - 1] + rest[2:]
                else:
                    head = text[:col - 1].rstrip()
                    head = head[:-1] if head.endswith(",") else head
                    lines[line - 1] = head + rest
    path.write_text("\n".join(lines), encoding="utf-8")
    return True


def _cases() -> Iterator[tuple[str, Field, str]]:
    for base in sorted(p.name for p in BASES.iterdir()):
        sms = _load(BASES / base)
        for field in FIELDS:
            docs = [d for d in sms.of_kind(*field.kinds) if not d.cuts and _node(d.raw, field.loc[:-1]) is not None
                    and (field.insert or _node(d.raw, field.loc) is not None)]
            for doc in docs[:PER_BASE]:
                yield base, field, doc.id


CASES = list(_cases())


def test_the_probe_covers_every_field() -> None:
    assert {field.name for _, field, _ in CASES} == {f.name for f in FIELDS}
    assert {base for base, _, _ in CASES} == {p.name for p in BASES.iterdir()}


def _try(base: str, doc_id: str, field: Field, value: str | None, tmp: Path) -> Verdict | None:
    root = tmp / "sms"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(BASES / base, root)
    doc = _load(root).by_id[doc_id]
    if value is not KEEP and not write(root, doc, field.loc, value):
        return None
    return _verdict(root, doc_id, field)


def _untrue(unknown: Verdict, valid: list[Verdict], field: Field, doc_id: str) -> list[str]:
    """What ``unknown`` (the field cut out or left out) says that does not hold for every valid value."""
    said = []
    for req, state in unknown.states.items():
        if state is State.SATISFIED and any(v.states[req] is not State.SATISFIED for v in valid):
            said.append(f"{req} satisfied, but {[v.states[req].value for v in valid]} with the valid values")
        depends = len({v.states[req] for v in valid}) > 1
        note = unknown.notes.get(req, "")
        if depends and state is State.NO_EVIDENCE and not (f" of {doc_id} " in note and str(field.loc[1]) in note):
            said.append(f"{req} no-evidence without naming the field: {unknown.notes.get(req)}")
    always = frozenset.intersection(*(v.findings for v in valid))
    said += [f"finding that depends on the value: {f}" for f in sorted(unknown.findings - always)]
    return said


@pytest.mark.parametrize(("base", "field", "doc_id"), CASES, ids=[f"{b}-{f.name}-{d}" for b, f, d in CASES])
def test_a_cut_or_left_out_value_says_only_what_holds_for_every_value(base: str, field: Field, doc_id: str,
                                                                      tmp_path: Path) -> None:
    valid = [v for v in (_try(base, doc_id, field, value, tmp_path) for value in field.values)
             if v is not None and not v.cut]
    assert valid, "no valid value could be written"
    cut = _try(base, doc_id, field, field.invalid, tmp_path)
    if cut is not None:
        assert cut.cut, f"{field.invalid} was not cut out"
        untrue = _untrue(cut, valid, field, doc_id)
        assert not untrue, f"{'.'.join(map(str, field.loc))} of {doc_id} cut out: " + "; ".join(untrue)
    left_out = _try(base, doc_id, field, None, tmp_path)
    if left_out is None or field.default == DERIVED:
        return
    if field.default is None:
        untrue = _untrue(left_out, valid, field, doc_id)
        assert not untrue, f"{'.'.join(map(str, field.loc))} of {doc_id} left out: " + "; ".join(untrue)
    else:
        default = _try(base, doc_id, field, field.default, tmp_path)
        assert default is not None
        assert (left_out.states, left_out.findings) == (default.states, default.findings), \
            f"{'.'.join(map(str, field.loc))} left out does not read as its default {field.default}"


@pytest.mark.parametrize(("written", "found"), [(None, True), ("true", True), ("false", False), ("sometimes", None)])
def test_a_customer_facing_given_is_judged_and_one_cut_out_holds_back(written: str | None, found: bool | None,
                                                                       tmp_path: Path) -> None:
    """A live service missing from the catalogue: left out or given true, customer_facing says the finding is true
    (a hold-back for every service would hide it); false, the service needs no entry; cut out, the SMS does not
    say, and PR2.1 is no-evidence naming the field, with no finding either way."""
    root = Path(shutil.copytree(BASES / "uni-hpc", tmp_path / "uni-hpc"))
    catalogue = root / "services" / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    assert "services: [batch-compute, project-storage]" in text
    catalogue.write_text(text.replace("[batch-compute, project-storage]", "[project-storage]"), encoding="utf-8")
    service = _load(root).by_id["batch-compute"]
    assert "customer_facing" not in service.raw["spec"]
    if written is not None:
        assert write(root, service, ("spec", "customer_facing"), written)
    config = load_config(root)
    sms, result = check_sms(root, config, config.as_of or dt.date.today())
    states = {r.requirement: r.state for r in rows(result, config, rule_requirements())}
    missing = [f for f in result.findings if f.rule == "live-service-in-catalogue"]
    assert [f.document for f in missing] == (["batch-compute"] if found else [])
    if found is None:
        assert sms.by_id["batch-compute"].incomplete("spec", "customer_facing")
        assert [f.rule for f in result.findings if f.document == "batch-compute"] == ["schema"]
        assert states["PR2.1"] is State.NO_EVIDENCE
        assert "spec.customer_facing of batch-compute " in dict(result.no_evidence)["PR2.1"]
    elif found:
        assert states["PR2.1"] is State.FINDINGS


@pytest.mark.parametrize(("written", "state"), [("left 2025", State.NO_EVIDENCE), ("no", State.FINDINGS),
                                                ("true", State.SATISFIED)])
def test_a_role_holder_whose_active_is_cut_out_is_not_counted_active(written: str, state: State,
                                                                     tmp_path: Path) -> None:
    """``active: left 2025`` is cut out: whether the SMS owner has left is not known, so GR1.1 is no-evidence naming
    the field, not satisfied as if the default (true) were written. (``no``, a string in YAML 1.2, is read as
    false, as pydantic reads a boolean.)"""
    root = Path(shutil.copytree(BASES / "uni-hpc", tmp_path / "uni-hpc"))
    person = root / "sms" / "people" / "hdekker.yaml"
    person.write_text(person.read_text(encoding="utf-8") + f"  active: {written}\n", encoding="utf-8")
    config = load_config(root)
    sms, result = check_sms(root, config, config.as_of or dt.date.today())
    assert sms.by_id["hdekker"].incomplete("spec", "active") == (state is State.NO_EVIDENCE)
    states = {r.requirement: r.state for r in rows(result, config, rule_requirements())}
    assert states["GR1.1"] is state
    owner = [f.message for f in result.findings if f.rule == "sms-owner-assigned"]
    assert owner == (["SMS owner hdekker is no longer active"] if state is State.FINDINGS else [])
    if state is State.NO_EVIDENCE:
        assert dict(result.no_evidence)["GR1.1"] == ("spec.active of hdekker (sms/people/hdekker.yaml) is invalid, so "
                                                      "whether SMS owner hdekker is still active is not known")


# --- evidence dated ahead ---------------------------------------------------------------------------------------
# A date of something that happened (an assessment, a closure, a signature) written after the day that counts as
# today has not happened yet: it must not make a requirement satisfied that the same document without the date
# leaves unsatisfied. The probe moves each such date 40 days past the base's as_of.

AHEAD_DAYS = 40
EVENTS = (
    Field("assignment-since", ("RoleAssignment",), ("spec", "assignments", 0, "since"), (KEEP,), ""),
    Field("stakeholders-reviewed", ("Scope",), ("spec", "stakeholder_analysis_reviewed"), (KEEP,), ""),
    Field("nc-closed-on", ("Nonconformity",), ("spec", "closed_on"), (KEEP,), ""),
    Field("nc-verified-on", ("Nonconformity",), ("spec", "verified_on"), (KEEP,), ""),
    Field("improvement-decided-on", ("Improvement",), ("spec", "evaluation", "decided_on"), (KEEP,), ""),
    Field("continuity-test-date", ("AvailabilityContinuityPlan",), ("spec", "tests", 0, "date"), (KEEP,), ""),
    Field("control-implemented-on", ("SecurityControl",), ("spec", "implemented_on"), (KEEP,), ""),
    Field("access-review-date", ("SecurityControl",), ("spec", "performed", 0, "date"), (KEEP,), ""),
    Field("risk-assessed-on", ("Risk",), ("spec", "assessed_on"), (KEEP,), ""),
    Field("complaint-closed-on", ("Complaint",), ("spec", "closed_on"), (KEEP,), ""),
    Field("proposal-decided-on", ("ServiceProposal",), ("spec", "evaluation", "decided_on"), (KEEP,), ""),
    Field("signatory-signed-on", ("OLA",), ("spec", "signatories", 0, "signed_on"), (KEEP,), ""),
    Field("report-agreed-on", ("ReportSpecification",), ("spec", "agreed_with", 0, "on"), (KEEP,), ""),
    Field("distribution-on-ahead", ("Policy",), ("metadata", "distribution", 0, "on"), (KEEP,), ""),
    Field("kpi-measured", ("KPI",), ("spec", "measurements", -1, "period_end"), (KEEP,), ""),
    Field("notified-on", ("AgreementEvaluation",), ("spec", "notifications", 0, "on"), (KEEP,), ""),
    Field("last-reviewed-ahead", ("Policy", "Plan", "ProcessDefinition", "Service", "SLA", "OLA", "UA"),
          ("metadata", "review", "last_reviewed"), (KEEP,), ""),
    Field("approved-on-ahead", ("Policy", "Plan", "ProcessDefinition", "Service"),
          ("metadata", "approval", "approved_on"), (KEEP,), ""),
    Field("attestation-on-ahead", ("Policy", "RoleAssignment", "ProcessDefinition"),
          ("metadata", "attestations", 0, "on"), (KEEP,), ""),
    Field("management-review-ahead", ("ManagementReview",), ("spec", "date"), (KEEP,), ""),
    Field("audit-ahead", ("Audit",), ("spec", "date"), (KEEP,), ""),
)


def _event_cases() -> Iterator[tuple[str, Field, str]]:
    for base in sorted(p.name for p in BASES.iterdir()):
        sms = _load(BASES / base)
        for field in EVENTS:
            docs = [d for d in sms.of_kind(*field.kinds) if not d.cuts and _node(d.raw, field.loc) is not None]
            for doc in docs[:PER_BASE]:
                yield base, field, doc.id


EVENT_CASES = list(_event_cases())


def test_the_dated_ahead_probe_covers_every_event_but_signatures() -> None:
    # no outside base has an OLA template: a signatory signing ahead is test_an_ola_signatory_signing_ahead_...
    assert {f.name for f in EVENTS} - {field.name for _, field, _ in EVENT_CASES} == {"signatory-signed-on"}


def test_an_ola_signatory_signing_ahead_is_not_yet_a_party(tmp_path: Path) -> None:
    root = Path(shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "federation", tmp_path / "fed"))
    ola = root / "agreements" / "supporting.yaml"
    text = ola.read_text(encoding="utf-8")
    assert "{supplier: res-ljubljana, signed_on: 2026-01-08," in text
    ola.write_text(text.replace("res-ljubljana, signed_on: 2026-01-08", "res-ljubljana, signed_on: 2027-01-08"),
                   encoding="utf-8")
    config = load_config(root)
    _, result = check_sms(root, config, config.as_of or dt.date.today())
    assert [(f.rule, f.requirement, f.message) for f in result.findings] == [(
        "supporting-agreement-in-force", "PR2.4", "res-ljubljana signed on 2027-01-08, after 2026-11-15: not yet a "
        "party to it")]


@pytest.mark.parametrize(("base", "field", "doc_id"), EVENT_CASES, ids=[f"{b}-{f.name}-{d}" for b, f, d in EVENT_CASES])
def test_evidence_dated_ahead_is_no_better_than_none(base: str, field: Field, doc_id: str, tmp_path: Path) -> None:
    as_of = load_config(BASES / base).as_of
    assert as_of is not None
    ahead = _try(base, doc_id, field, (as_of + dt.timedelta(days=AHEAD_DAYS)).isoformat(), tmp_path)
    none = _try(base, doc_id, field, None, tmp_path)
    if ahead is None or none is None:
        pytest.skip("the probe cannot write the date there")
    # without the date: a requirement held back, or with findings besides the report of the date itself (a date
    # an entry needs makes it invalid when left out: that report is not evidence of anything)
    requirement = rule_requirements()
    wanting = {req for req, state in none.states.items() if state is State.NO_EVIDENCE}
    wanting |= {requirement[rule] for rule, _, _ in none.findings}
    better = [req for req, state in ahead.states.items() if state is State.SATISFIED and req in wanting]
    assert not better, (f"{'.'.join(map(str, field.loc))} of {doc_id} dated {AHEAD_DAYS} days after {as_of} leaves "
                        f"{better} satisfied; without it {[none.states[r].value for r in better]}")


def test_a_role_assigned_from_a_later_day_is_not_held_yet(tmp_path: Path) -> None:
    """An assignment whose ``since`` is after as_of is a planned handover: its holder does not hold the role yet,
    so it neither counts as the SMS owner nor as a second one beside the present holder."""
    root = Path(shutil.copytree(BASES / "uni-hpc", tmp_path / "uni-hpc"))
    roles = root / "sms" / "governance" / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    owner = "    - {role: sms-owner, person: hdekker, since: 2024-01-01}\n"
    assert owner in text
    successor = owner.replace("hdekker, since: 2024-01-01", "agarcia, since: 2027-01-01")
    roles.write_text(text.replace(owner, owner + successor), encoding="utf-8")
    config = load_config(root)
    assert [f.rule for f in check_sms(root, config, config.as_of or dt.date.today())[1].findings] == []
    roles.write_text(text.replace(owner, owner.replace("2024-01-01", "2026-12-01")), encoding="utf-8")
    found = [(f.rule, f.message) for f in check_sms(root, config, config.as_of or dt.date.today())[1].findings]
    assert ("sms-owner-assigned", "no SMS owner is assigned as of 2026-10-01 (only hdekker from 2026-12-01)") in found
