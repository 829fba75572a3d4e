"""What the machine-readable formats (SARIF, JUnit) say about each check: requirement, summary, help."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fitsm_kit.findings import Result, Severity
from fitsm_kit.gitcontrol.repo import work_tree
from fitsm_kit.model.catalogue import requirements


@dataclass(frozen=True)
class CheckInfo:
    """One rule or structural check, described for a report."""

    name: str
    requirement: str
    summary: str
    doc: str
    fix: str
    severity: Severity

    @property
    def requirement_text(self) -> str:
        """The FitSM-1 text of the requirement the check is tied to, with its ID."""
        req = requirements()[self.requirement]
        return f"{req.id} ({req.group} {req.group_title}): {req.full_text}"


def describe(name: str) -> CheckInfo:
    """The rule or structural check called ``name``."""
    from fitsm_kit.rules import REGISTRY  # imported here: loading every rule is only needed for reports
    from fitsm_kit.rules.structural import STRUCTURAL

    rule = REGISTRY.get(name)
    if rule is not None:
        return CheckInfo(name, rule.requirement, rule.summary, rule.doc, rule.fix, rule.severity)
    requirement, summary = STRUCTURAL[name]
    return CheckInfo(name, requirement, summary, summary, "", Severity.ERROR)


def ran(result: Result) -> list[CheckInfo]:
    """The checks of this run: those that ran, plus any a finding names (an old cached result has none)."""
    names = dict.fromkeys(result.checks)
    names.update(dict.fromkeys(f.rule for f in (*result.findings, *result.waived)))
    return [describe(name) for name in names]


def source_root(sms_root: Path) -> Path:
    """The Git work tree that holds the SMS (what CI calls the source root), else the SMS root itself."""
    return work_tree(sms_root) or sms_root.resolve()
