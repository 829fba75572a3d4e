"""Waivers: recorded, approved, time-limited deviations, applied to the findings after the rules ran.

A Waiver names a requirement or a rule and, optionally, the documents it covers. While it is in
force, the findings it matches leave the failing set and are reported as waived. A waiver that has
expired is itself a finding (GR7.1: the deviation is no longer handled), and its findings count
again; a waiver that matches nothing is a warning, because a forgotten waiver would silently hide the
next real problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from fitsm_kit.engine.selection import rule_requirements, selected
from fitsm_kit.findings import Finding, Severity
from fitsm_kit.model.base import Status
from fitsm_kit.model.waiver import WaiverSpec
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.index import Doc, Sms
from fitsm_kit.sms.positions import position

REQUIREMENT = "GR7.1"
EXPIRED, UNUSED = "waiver-expired", "waiver-unused"
_NOT_IN_FORCE = (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED)  # proposed, or withdrawn


@dataclass(frozen=True)
class Outcome:
    """Findings after waivers: those that still count, those waived, and the waivers' own findings."""

    findings: list[Finding]
    waived: list[Finding]
    problems: list[Finding]


def apply(findings: Iterable[Finding], sms: Sms, config: Config, as_of: dt.date,
          held_back: Collection[str] = ()) -> Outcome:
    """Waive what the in-force waivers of ``sms`` match; report expired and unused waivers.

    ``held_back``: the rules that held back (a document they need could not be read); a waiver of one of
    them, or of its requirement, may match what they would have found, so it is not reported as unused.
    """
    active: list[Doc] = []
    problems: list[Finding] = []
    for doc in sorted(sms.of_kind("Waiver"), key=lambda d: d.id):
        spec: WaiverSpec = doc.spec
        if doc.model.metadata.status in _NOT_IN_FORCE or spec.approved_on > as_of:
            continue
        if sms.get(spec.approved_by, "Person") is None:
            continue  # approved by no one the SMS knows (reported as a dangling reference): not accepted
        if spec.expires < as_of:
            problems.append(_finding(doc, ("spec", "expires"), EXPIRED, Severity.ERROR,
                                     f"waiver {doc.id} for {_target(spec)} expired on {spec.expires}; "
                                     "the findings it waived count again",
                                     "fix the findings; or, if the deviation is still accepted, renew the "
                                     "waiver (new approval and expiry); or set its status to retired"))
        else:
            active.append(doc)
    kept: list[Finding] = []
    waived: list[Finding] = []
    used: set[str] = set()
    for f in findings:
        matching = [d.id for d in active if _covers(d.spec, f)]
        used.update(matching)
        if matching:
            waived.append(dataclasses.replace(f, waiver=matching[0]))
        else:
            kept.append(f)
    problems += [_unused(doc) for doc in active
                 if doc.id not in used and _checked(doc.spec, config) and not _held(doc.spec, held_back)
                 and not any(d in sms.invalid_ids for d in doc.spec.documents)]  # its document was not read
    return Outcome(kept, waived, problems)


def _covers(spec: WaiverSpec, f: Finding) -> bool:
    target = f.rule == spec.rule if spec.rule is not None else f.requirement == spec.requirement
    return target and (not spec.documents or f.document in spec.documents)


def _target(spec: WaiverSpec) -> str:
    return f"rule {spec.rule}" if spec.rule is not None else f"requirement {spec.requirement}"


def _checked(spec: WaiverSpec, config: Config) -> bool:
    """Whether this run checked what the waiver names; a waiver outside ``--select`` is not unused."""
    if spec.rule is None:
        return selected("", spec.requirement or "", config.select, config.ignore)
    requirement = rule_requirements().get(spec.rule)
    return requirement is None or selected(spec.rule, requirement, config.select, config.ignore)


def _held(spec: WaiverSpec, held_back: Collection[str]) -> bool:
    """Whether a rule the waiver names (or one of its requirement) held back in this run."""
    if spec.rule is not None:
        return spec.rule in held_back
    return any(rule_requirements().get(name) == spec.requirement for name in held_back)


def _unused(doc: Doc) -> Finding:
    spec: WaiverSpec = doc.spec
    field = "rule" if spec.rule is not None else "requirement"
    where = f" in {', '.join(spec.documents)}" if spec.documents else ""
    message = f"waiver {doc.id} for {_target(spec)}{where} matched no finding"
    if spec.rule is not None and spec.rule not in rule_requirements():
        message += f": there is no rule {spec.rule!r} ('fitsm rules' lists them)"
    return _finding(doc, ("spec", field), UNUSED, Severity.WARNING, message,
                    "remove the waiver or set its status to retired: the deviation it accepts no longer occurs")


def _finding(doc: Doc, loc: tuple[str, ...], rule: str, severity: Severity, message: str, fix: str) -> Finding:
    line, col = position(doc.raw, loc, (doc.line, 1))
    return Finding(doc.path, line, col, REQUIREMENT, rule, message, severity, fix, doc.id)
