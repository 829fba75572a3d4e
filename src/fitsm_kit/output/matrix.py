"""The conformity matrix: where the SMS stands on each of the 52 FitSM-1 requirements.

Built from one check's :class:`Result`, the rules and the configuration, without reading the SMS
again. Each requirement is in one state, the first that applies:

* ``findings``: at least one finding counts against it;
* ``waived``: its only findings are accepted by waivers;
* ``out-of-scope``: its process is excluded by the scope statement, or no selected rule checks it;
* ``no-evidence``: its rules had nothing to check (no services, no customers, no agreement in force):
  absence of evidence is not conformity, so it counts against conformity like a finding;
* ``satisfied``: its selected rules ran on evidence and found nothing.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text

from fitsm_kit import __version__
from fitsm_kit.engine.selection import selected
from fitsm_kit.escape import inert_json, safe
from fitsm_kit.findings import Result
from fitsm_kit.model.catalogue import requirements
from fitsm_kit.sms.config import Config

MATRIX_JSON_VERSION = 1
# The FitSM process each PR group belongs to (FitSM-1: PR1 is SPM, …, PR8 is SUPPM).
PROCESS_OF = {"PR1": "SPM", "PR2": "SLM", "PR3": "SRM", "PR4": "SACM", "PR5": "CAPM", "PR6": "ISM",
              "PR7": "CRM", "PR8": "SUPPM"}


class State(str, enum.Enum):
    SATISFIED = "satisfied"
    FINDINGS = "findings"
    WAIVED = "waived"
    OUT_OF_SCOPE = "out-of-scope"
    NO_EVIDENCE = "no-evidence"


_STYLE = {State.SATISFIED: "green", State.FINDINGS: "bold red", State.WAIVED: "yellow", State.OUT_OF_SCOPE: "dim",
          State.NO_EVIDENCE: "magenta"}


@dataclass(frozen=True)
class Row:
    """One requirement's line in the matrix."""

    requirement: str
    group: str
    group_title: str
    state: State
    findings: int  # findings that count (any severity)
    waived: int  # findings accepted by waivers
    rules: tuple[str, ...]  # the selected rules that check it
    note: str = ""  # why it is out of scope, or which waivers apply

    def to_dict(self) -> dict[str, object]:
        return {"id": self.requirement, "group": self.group, "group_title": self.group_title,
                "state": self.state.value, "findings": self.findings, "waived": self.waived,
                "rules": list(self.rules), "note": self.note}


def rows(result: Result, config: Config, rules: Mapping[str, str]) -> list[Row]:
    """One row per requirement, in catalogue order; ``rules`` maps each rule name to its requirement."""
    counted = Counter(f.requirement for f in result.findings)
    waived = Counter(f.requirement for f in result.waived)
    waivers: dict[str, set[str]] = {}
    for f in result.waived:
        waivers.setdefault(f.requirement, set()).add(f.waiver)
    absent = dict(result.no_evidence)
    out = []
    for req in requirements().values():
        checking = tuple(n for n, r in rules.items() if r == req.id and selected(n, r, config.select, config.ignore))
        process = PROCESS_OF.get(req.group)
        if counted[req.id]:
            state, note = State.FINDINGS, ""
        elif waived[req.id]:
            state, note = State.WAIVED, "waived by " + ", ".join(sorted(waivers[req.id]))
        elif process is not None and process in result.excluded_processes:
            state, note = State.OUT_OF_SCOPE, f"process {process} is excluded by the scope"
        elif not checking:
            unselected = any(r == req.id for r in rules.values())
            state, note = State.OUT_OF_SCOPE, "not selected" if unselected else "no rule checks it"
        elif req.id in absent:
            state, note = State.NO_EVIDENCE, absent[req.id]
        else:
            state, note = State.SATISFIED, ""
        out.append(Row(req.id, req.group, req.group_title, state, counted[req.id], waived[req.id], checking, note))
    return out


def totals(matrix: list[Row]) -> dict[str, int]:
    """How many requirements are in each state, plus ``requirements`` (all of them)."""
    counts = Counter(row.state for row in matrix)
    return {"requirements": len(matrix), **{s.value: counts[s] for s in State}}


def as_json(result: Result, matrix: list[Row]) -> str:
    """The documented, versioned matrix shape (README, "Conformity matrix")."""
    payload = {
        "version": MATRIX_JSON_VERSION,
        "tool": {"name": "fitsm-kit", "version": __version__},
        "root": result.root,
        "as_of": result.as_of,
        "totals": totals(matrix),
        "requirements": [row.to_dict() for row in matrix],
    }
    return inert_json(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"


def table(result: Result, matrix: list[Row]) -> Group:
    """The matrix as a rich table with a totals line, for people."""
    grid = Table(title=f"FitSM-1 conformity, as of {result.as_of}", title_justify="left")
    for name, justify in (("Req.", "left"), ("Area", "left"), ("State", "left"), ("Findings", "right"),
                          ("Waived", "right"), ("Note", "left")):
        grid.add_column(name, justify=justify)  # type: ignore[arg-type]
    for i, row in enumerate(matrix):
        first = i == 0 or matrix[i - 1].group != row.group  # name each area once, rule a line below it
        last = i == len(matrix) - 1 or matrix[i + 1].group != row.group
        grid.add_row(row.requirement, row.group_title if first else "", Text(row.state.value, style=_STYLE[row.state]),
                     str(row.findings or ""), str(row.waived or ""), Text(safe(row.note)),  # names files: escaped
                     end_section=last)
    t = totals(matrix)
    line = (f"{t['requirements']} requirements: {t['satisfied']} satisfied, {t['findings']} with findings, "
            f"{t['no-evidence']} with no evidence, {t['waived']} waived, {t['out-of-scope']} out of scope.")
    return Group(grid, Text(line, style="bold"))
