"""A FitSM-6-style capability view per process (PR1–PR8) and per general requirement group (GR1–GR7).

This is a self-assessment aid derived from the recorded evidence, not a certification or an audit
result: a level says how much of the evidence FitSM-1 asks for is in place and passes the checks.

Levels (in the spirit of FitSM-6's capability levels):

* 0 non-existent: no requirement of the area is satisfied and (for a process) no definition exists;
* 1 initial: some evidence exists;
* 2 repeatable: at least half of the requirements are satisfied and, for a process, it is defined
  and its owner and manager are assigned (the roles are implemented);
* 3 defined: every requirement of the area is satisfied, with the process defined and staffed.

Waived requirements count as not yet satisfied: a recorded deviation is still a deviation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rich.table import Table

from fitsm_kit import __version__
from fitsm_kit.escape import inert_json
from fitsm_kit.findings import Result
from fitsm_kit.model.catalogue import requirements
from fitsm_kit.output.matrix import PROCESS_OF, Row, State
from fitsm_kit.sms.index import Sms

ASSESS_JSON_VERSION = 1
LABELS = ("non-existent", "initial", "repeatable", "defined")
DISCLAIMER = ("Self-assessment aid derived from the SMS's recorded evidence; not a certification "
              "and not a substitute for a FitSM audit.")


@dataclass(frozen=True)
class Capability:
    area: str  # GR1 … GR7, PR1 … PR8
    title: str
    process: str | None
    level: int | None  # None: out of scope
    satisfied: int
    in_scope: int
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"area": self.area, "title": self.title, "process": self.process, "level": self.level,
                "label": "out of scope" if self.level is None else LABELS[self.level],
                "satisfied": self.satisfied, "requirements": self.in_scope, "notes": list(self.notes)}


def assess(matrix: list[Row], sms: Sms) -> list[Capability]:
    """One capability per area, in catalogue order."""
    groups: dict[str, list[Row]] = {}
    for row in matrix:
        groups.setdefault(row.group, []).append(row)
    titles = {r.group: r.group_title for r in requirements().values()}
    return [_capability(group, titles[group], rows, sms) for group, rows in groups.items()]


def _capability(group: str, title: str, rows: list[Row], sms: Sms) -> Capability:
    process = PROCESS_OF.get(group)
    scoped = [r for r in rows if r.state is not State.OUT_OF_SCOPE]
    if not scoped:
        return Capability(group, title, process, None, 0, 0, ("every requirement is out of scope",))
    satisfied = sum(r.state is State.SATISFIED for r in scoped)
    notes = []
    staffed = True
    if process is not None:
        defined = any(d.spec.code is not None and d.spec.code.value == process for d in sms.of_kind("Process"))
        owners, managers = sms.holders("process-owner", process), sms.holders("process-manager", process)
        staffed = defined and bool(owners) and bool(managers)
        if not defined:
            notes.append(f"no definition of {process}")
        if not (owners and managers):
            notes.append(f"{process} owner or manager not assigned")
    else:
        defined = satisfied > 0
    share = satisfied / len(scoped)
    if share == 1 and staffed:
        level = 3
    elif share >= 0.5 and staffed:
        level = 2
    elif satisfied or defined:
        level = 1
    else:
        level = 0
    open_reqs = [r.requirement for r in scoped if r.state is not State.SATISFIED]
    if open_reqs:
        notes.append("open: " + ", ".join(open_reqs))
    return Capability(group, title, process, level, satisfied, len(scoped), tuple(notes))


def as_json(result: Result, capabilities: list[Capability]) -> str:
    payload = {"version": ASSESS_JSON_VERSION, "tool": {"name": "fitsm-kit", "version": __version__},
               "as_of": result.as_of, "disclaimer": DISCLAIMER,
               "areas": [c.to_dict() for c in capabilities]}
    return inert_json(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"


def table(result: Result, capabilities: list[Capability]) -> Table:
    grid = Table(title=f"Capability self-assessment, as of {result.as_of}", caption=DISCLAIMER,
                 title_justify="left", caption_justify="left")
    for name in ("Area", "Process", "Level", "Satisfied", "Notes"):
        grid.add_column(name)
    for c in capabilities:
        level = "out of scope" if c.level is None else f"{c.level} {LABELS[c.level]}"
        grid.add_row(f"{c.area} {c.title}", c.process or "", level, f"{c.satisfied}/{c.in_scope}",
                     "; ".join(c.notes))
    return grid
