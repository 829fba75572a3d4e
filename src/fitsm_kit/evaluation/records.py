"""Evaluation periods, and AgreementEvaluation records written as new files (never over existing ones)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.evaluation.evaluate import Evaluation
from fitsm_kit.sms.index import Sms

_MONTH = re.compile(r"^(\d{4})-(\d{2})\Z")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])\Z")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})\Z")


def parse_period(text: str | None, as_of: dt.date) -> tuple[dt.date, dt.date, str]:
    """``2026-10``, ``2026-Q3`` or ``2026-10-01..2026-10-15``; by default the last full month before as-of.

    Returns the first and last day and a label used in ids and titles.
    """
    try:
        return _period(text, as_of)
    except (ValueError, OverflowError):  # no such day (2026-02-30), or outside years 1 to 9999
        raise FitsmError(f"{text!r} is not a period of real days between the years 1 and 9999; use a month "
                         "(2026-10), a quarter (2026-Q3) or a range (2026-10-01..2026-10-15)") from None


def _period(text: str | None, as_of: dt.date) -> tuple[dt.date, dt.date, str]:
    if text is None:
        last = as_of.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last, last.strftime("%Y-%m")
    if m := _MONTH.match(text):
        first = dt.date(int(m[1]), int(m[2]), 1) if 1 <= int(m[2]) <= 12 else None
        if first is not None:
            return first, _month_end(first), text
    elif m := _QUARTER.match(text):
        first = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return first, _month_end(first.replace(month=first.month + 2)), text.lower()
    elif m := _RANGE.match(text):
        first, last = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        if first <= last:
            return first, last, f"{m[1]}-to-{m[2]}"
    raise FitsmError(f"{text!r} is not a period; use a month (2026-10), a quarter (2026-Q3) "
                     "or a range (2026-10-01..2026-10-15)")


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def render(evaluation: Evaluation, label: str) -> str:
    """The AgreementEvaluation document for ``evaluation``, with the numbers behind each result."""
    agreement = evaluation.agreement
    lines = [
        "# Written by `fitsm evaluate` from outage and ticket data; the comments show the numbers.",
        "apiVersion: fitsm.eu/v1",
        "kind: AgreementEvaluation",
        "metadata:",
        f"  id: {scalar(record_id(agreement.id, label))}",
        f"  title: {scalar(f'Evaluation of {agreement.id}, {label}')}",
        *([f"  owner: {scalar(agreement.owner)}"] if agreement.owner else []),
        "  status: recorded",
        "spec:",
        f"  agreement: {scalar(agreement.id)}",
        f"  period_start: {evaluation.first.isoformat()}",
        f"  period_end: {evaluation.last.isoformat()}",
        "  results:",
    ]
    for r in evaluation.results:
        measured = 0 if r.measured is None else r.measured
        lines.append("    # " + scalar(f"{r.target.id}: target {r.target.value:g} {r.target.unit}; {r.detail}")[1:-1])
        met = "true" if r.met else "false"
        lines.append(f"    - {{target: {scalar(r.target.id)}, measured: {measured:g}, met: {met}}}")
    return "\n".join(lines) + "\n"


def scalar(value: str) -> str:
    """``value`` as a YAML double-quoted scalar: every text from the SMS goes into a record this way, so no
    id, unit or detail can end the scalar, the flow mapping or the comment it is in. JSON strings are valid
    YAML; ``ensure_ascii`` also escapes the line breaks YAML knows beyond JSON's (NEL, LS, PS)."""
    return json.dumps(str(value), ensure_ascii=True)


def record_id(agreement_id: str, label: str) -> str:
    return f"eval-{agreement_id}-{label}"


def destination(root: Path, sms: Sms, agreement_id: str, label: str) -> Path:
    """Next to existing evaluations when there are any, else in ``evaluations/``."""
    existing = sms.of_kind("AgreementEvaluation")
    folder = root / Path(existing[0].path).parent if existing else root / "evaluations"
    return folder / f"{record_id(agreement_id, label)}.yaml"


def write_new(path: Path, text: str) -> bool:
    """Create ``path`` atomically with ``text``; False (and nothing touched) when it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".fitsm-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.link(tmp, path)  # fails if the target exists: an existing record is never replaced
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
