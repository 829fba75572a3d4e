"""The findings of one run, as problems and load errors turn into them."""

from __future__ import annotations

from collections import Counter, defaultdict

from fitsm_kit.findings import Finding, Severity
from fitsm_kit.rules.base import Problem, Rule
from fitsm_kit.rules.structural import STRUCTURAL
from fitsm_kit.sms.config import CONFIG_NAME
from fitsm_kit.sms.positions import position

SHOWN_PER_DOCUMENT = 100  # findings reported per document; the rest become one summary finding
KEPT_PER_DOCUMENT = 1000  # findings kept per document; beyond, one per rule with a count (bounds memory)


class Collector:
    """Turns problems into findings for one run.

    A small file with YAML aliases can expand into hundreds of thousands of findings; beyond
    :data:`KEPT_PER_DOCUMENT` in one document only the first finding of each rule is kept, with how many
    it stands for (``dropped``), so selection, severity and the exit code still see every rule.
    """

    def __init__(self, config_file: str = CONFIG_NAME) -> None:
        self.findings: list[Finding] = []
        self.config_file = config_file  # where findings about the SMS as a whole go
        self.dropped: dict[tuple[str, str, str], tuple[Finding, int]] = {}  # (path, document, rule)
        self._counts: Counter[tuple[str, str]] = Counter()

    def _append(self, finding: Finding) -> None:
        key = (finding.path, finding.document)
        self._counts[key] += 1
        if self._counts[key] <= KEPT_PER_DOCUMENT:
            self.findings.append(finding)
            return
        first, count = self.dropped.get((*key, finding.rule), (finding, 0))
        self.dropped[(*key, finding.rule)] = (first, count + 1)

    def add(self, path: str, pos: tuple[int, int], name: str, message: str, fix: str, *,
            requirement: str | None = None, document: str = "", severity: Severity = Severity.ERROR) -> None:
        req = requirement or STRUCTURAL[name][0]
        self._append(Finding(path, pos[0], pos[1], req, name, message, severity, fix, document))

    def problem(self, rule: Rule, problem: Problem) -> None:
        doc = problem.doc
        path, pos, doc_id = self.config_file, (1, 1), ""
        if doc is not None:
            path, pos, doc_id = doc.path, position(doc.raw, problem.loc, (doc.line, 1)), doc.id
        self._append(Finding(path, pos[0], pos[1], rule.requirement, rule.name, problem.message,
                             rule.severity, problem.fix or rule.fix, doc_id))


def bounded(findings: tuple[Finding, ...], dropped: list[tuple[Finding, int]]
            ) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """At most :data:`SHOWN_PER_DOCUMENT` findings per document (sorted), then one finding that says how
    many more there are, at the severity and requirement of the worst of them (so the run fails as it
    would with all of them); and a notice when any were left out. ``dropped``: (finding, how many)."""
    per_document: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        per_document[(f.path, f.document)].append(f)
    extra: dict[tuple[str, str], list[tuple[Finding, int]]] = defaultdict(list)
    for f, count in dropped:
        extra[(f.path, f.document)].append((f, count))
    shown: list[Finding] = []
    hidden_total = documents = 0
    for key in sorted(per_document.keys() | extra.keys()):
        listed = per_document.get(key, [])
        hidden = [(f, 1) for f in listed[SHOWN_PER_DOCUMENT:]] + extra.get(key, [])
        shown += listed[:SHOWN_PER_DOCUMENT]
        if not hidden:
            continue
        count = sum(n for _, n in hidden)
        worst = max((f for f, _ in hidden), key=lambda f: f.severity.rank)
        hidden_total, documents = hidden_total + count, documents + 1
        shown.append(Finding(worst.path, worst.line, worst.col, worst.requirement, worst.rule,
                             f"{count} more finding{'s' if count != 1 else ''} in this document not shown (at most "
                             f"{SHOWN_PER_DOCUMENT} per document); the most severe: {worst.message}", worst.severity,
                             worst.fix, worst.document))
    plural = "s" if documents != 1 else ""
    notice = (f"{hidden_total} finding{'s' if hidden_total != 1 else ''} in {documents} document{plural} not shown: "
              f"at most {SHOWN_PER_DOCUMENT} are reported per document; fix those and check again",)
    return tuple(sorted(shown)), notice if hidden_total else ()
