"""Findings: what a check reports.

Vocabulary: a *rule* is a check tied to one FitSM *requirement* (e.g. PR2.2); a *finding* is one
result at a file position; a *formatter* writes findings out; a *waiver* is a recorded deviation.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


_LINE_NUMBERS = re.compile(r"(\bline |\.ya?ml:)\d+(?::\d+)?")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at ``path:line:col``, tied to a requirement and the rule that found it."""

    path: str
    line: int
    col: int
    requirement: str
    rule: str
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)
    fix: str = field(default="", compare=False)
    document: str = field(default="", compare=False)  # metadata.id, when known
    waiver: str = field(default="", compare=False)  # the id of the Waiver that waives it, if any

    def __post_init__(self) -> None:
        if self.line < 1 or self.col < 1:
            raise ValueError(f"finding position must be 1-based, got {self.line}:{self.col}")

    @property
    def fingerprint(self) -> str:
        """Stable while the finding is the same, however far edits above it move it (SARIF, baselines):
        line numbers a message quotes ("first defined on line 32", "at people.yaml:12") are left out."""
        message = _LINE_NUMBERS.sub(r"\1", self.message)
        key = "\0".join((self.rule, self.path, self.document, message))
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]  # non-UTF-8 file names

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "requirement": self.requirement,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix,
            "document": self.document,
            **({"waiver": self.waiver} if self.waiver else {}),
        }


@dataclass(frozen=True)
class DocumentChange:
    """What a change (a pull request) does to one document, for reviewers."""

    document: str
    kind: str
    title: str
    path: str  # relative to the SMS root (where it was, when deleted)
    what: str  # added | changed | retired | deleted
    differences: tuple[str, ...]  # "spec.targets[0].value: 99.5 → 99.9"
    approvers: str  # who must approve it, in words and names ("" when it needs no approval)


@dataclass(frozen=True)
class Result:
    """Everything one ``fitsm check`` run produced, ready for a formatter."""

    root: str
    as_of: str
    findings: tuple[Finding, ...]
    documents: int
    files: int
    notices: tuple[str, ...] = ()
    waived: tuple[Finding, ...] = ()  # findings a Waiver accepts; not in ``findings``, never failing
    excluded_processes: tuple[str, ...] = ()  # process codes the Scope leaves out (their PRs: out of scope)
    checks: tuple[str, ...] = ()  # names of the rules and structural checks that ran (the selected ones)
    # set by a comparison (pull-request mode, a baseline); ``findings`` then holds only what is new
    known: tuple[Finding, ...] = ()  # found, but not failing: already at the compared ref, or in the baseline
    fixed: tuple[Finding, ...] = ()  # at the compared ref, gone now: the change fixes them
    gone: tuple[Finding, ...] = ()  # in the baseline, no longer found: the baseline can shrink
    compared_with: str = ""  # the ref of pull-request mode
    baseline: str = ""  # the baseline file applied, relative to the SMS root
    changes: tuple[DocumentChange, ...] = ()  # what the change does to documents (pull-request mode)
    # a young SMS (no approved document yet): the kind of each document with findings, so the text
    # output can order the to-do list; empty for an established SMS
    young_kinds: tuple[tuple[str, str], ...] = ()
    # requirements whose rules all had nothing to check, with what is missing: ("PR7.2", "no Customer documents")
    no_evidence: tuple[tuple[str, str], ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)
