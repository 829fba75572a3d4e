"""The findings of one run, as problems and load errors turn into them."""

from __future__ import annotations

from fitsm_kit.findings import Finding, Severity
from fitsm_kit.rules.base import Problem, Rule
from fitsm_kit.rules.structural import STRUCTURAL
from fitsm_kit.sms.config import CONFIG_NAME
from fitsm_kit.sms.positions import position


class Collector:
    """Turns problems into findings for one run."""

    def __init__(self, config_file: str = CONFIG_NAME) -> None:
        self.findings: list[Finding] = []
        self.config_file = config_file  # where findings about the SMS as a whole go

    def add(self, path: str, pos: tuple[int, int], name: str, message: str, fix: str, *,
            requirement: str | None = None, document: str = "", severity: Severity = Severity.ERROR) -> None:
        req = requirement or STRUCTURAL[name][0]
        self.findings.append(Finding(path, pos[0], pos[1], req, name, message, severity, fix, document))

    def problem(self, rule: Rule, problem: Problem) -> None:
        doc = problem.doc
        path, pos, doc_id = self.config_file, (1, 1), ""
        if doc is not None:
            path, pos, doc_id = doc.path, position(doc.raw, problem.loc, (doc.line, 1)), doc.id
        self.findings.append(Finding(path, pos[0], pos[1], rule.requirement, rule.name, problem.message,
                                     rule.severity, problem.fix or rule.fix, doc_id))
