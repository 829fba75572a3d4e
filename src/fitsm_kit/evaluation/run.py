"""``fitsm evaluate``: evaluate every agreement for a period and record the results.

The caller (the CLI) loads the SMS and passes it in: evaluation works on an index, it never reads one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.evaluation import records
from fitsm_kit.evaluation.evaluate import Evaluation, evaluate
from fitsm_kit.evaluation.measurements import outages_from_sms, read_outages_csv, read_tickets_csv
from fitsm_kit.sms.index import Doc, Sms

AGREEMENT_KINDS = ("SLA", "OLA", "UA")


@dataclass(frozen=True)
class Recorded:
    evaluation: Evaluation
    path: Path
    created: bool  # False: a record for this agreement and period already existed and was kept


def evaluate_sms(root: Path, sms: Sms, as_of: dt.date, *, period: str | None, outage_files: list[Path],
                 ticket_files: list[Path], agreement_ids: list[str], timezone: str, write: bool) -> list[Recorded]:
    first, last, label = records.parse_period(period, as_of)
    outages = outages_from_sms(sms) + [o for f in outage_files for o in read_outages_csv(f, timezone)]
    tickets = [t for f in ticket_files for t in read_tickets_csv(f, timezone)]
    recorded = {(e.spec.agreement, e.spec.period_start, e.spec.period_end): e
                for e in sms.of_kind("AgreementEvaluation")}
    done = []
    for doc in _agreements(sms.of_kind(*AGREEMENT_KINDS), agreement_ids, first, last):
        evaluation = evaluate(sms, doc, first, last, outages, tickets)
        existing = recorded.get((doc.id, first, last))
        if existing is not None:  # already recorded (perhaps by hand): keep it, never a second record
            done.append(Recorded(evaluation, root / existing.path, False))
            continue
        path = records.destination(root, sms, doc.id, label)
        created = records.write_new(path, records.render(evaluation, label), root) if write else False
        done.append(Recorded(evaluation, path, created))
    return done


def _agreements(docs: list[Doc], wanted: list[str], first: dt.date, last: dt.date) -> list[Doc]:
    if wanted:
        by_id = {d.id: d for d in docs}
        unknown = [w for w in wanted if w not in by_id]
        if unknown:
            raise FitsmError(f"no SLA, OLA or UA with id {', '.join(unknown)}")
        return [by_id[w] for w in wanted]
    # every agreement that was valid for at least part of the period
    return [d for d in docs if d.spec.validity.start <= last and (d.spec.validity.end or last) >= first]
