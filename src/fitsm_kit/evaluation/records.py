"""Evaluation periods, and AgreementEvaluation records written as new files (never over existing ones)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from fitsm_kit.atomic import create
from fitsm_kit.errors import FitsmError, io_error
from fitsm_kit.evaluation.evaluate import Evaluation
from fitsm_kit.model.service import Provenance, SourceFile
from fitsm_kit.sms.index import Sms
from fitsm_kit.yamltext import scalar

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


def require_ended(first: dt.date, last: dt.date, label: str, as_of: dt.date) -> None:
    """Refuse a period that has not ended as of ``as_of``: numbers for days to come are not data."""
    if last >= as_of:
        raise FitsmError(f"the period {label} ({first} to {last}) ends on {last}; as of {as_of} it has not ended. "
                         f"Evaluate or report it from {last + dt.timedelta(days=1)} on")


def file_source(path: Path, root: Path) -> SourceFile:
    """A file the numbers came from, with its SHA-256: root-relative when in the SMS, else absolute."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as e:
        raise io_error("read", path, e) from None
    real = path.resolve()
    shown = real.relative_to(root.resolve()).as_posix() if real.is_relative_to(root.resolve()) else str(real)
    return SourceFile(path=shown, sha256=digest)


def file_source_text(path: Path, text: str, root: Path) -> SourceFile:
    """A file about to be written with ``text``, with the SHA-256 it will have."""
    real = path.absolute()
    shown = real.relative_to(root.absolute()).as_posix() if real.is_relative_to(root.absolute()) else str(real)
    return SourceFile(path=shown, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def provenance_yaml(source: Provenance, indent: str = "  ") -> list[str]:
    """The ``source:`` entry of a generated record, as YAML lines."""
    lines = [f"{indent}source:", f"{indent}  generated_by: {scalar(source.generated_by)}",
             f"{indent}  as_of: {source.as_of.isoformat()}"]
    if source.files:
        lines.append(f"{indent}  files:")
        lines += [f"{indent}    - {{path: {scalar(f.path)}, sha256: {f.sha256}}}" for f in source.files]
    if source.statements:
        lines.append(f"{indent}  statements:")
        lines += [f"{indent}    - {scalar(s)}" for s in source.statements]
    return lines


def render(evaluation: Evaluation, label: str, source: Provenance) -> str:
    """The AgreementEvaluation document for ``evaluation``, with the numbers behind each result."""
    agreement = evaluation.agreement
    lines = [
        "# Written by `fitsm evaluate` from the data under spec.source; the comments show the numbers.",
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
        lines.append(_comment(f"    # {r.target.id}: target {r.target.value:g} {r.target.unit}; {r.detail}"))
        entry = [f"target: {scalar(r.target.id)}"]
        entry += [f"{k}: {scalar(v)}" for k, v in (("service", r.service), ("supplier", r.supplier)) if v]
        if r.measured is not None:
            entry.append(f"measured: {scalar(r.measured)}")
        if r.met is not None:
            entry.append(f"met: {scalar(r.met)}")
        if r.met is None or r.measured is None:
            entry.append(f"note: {scalar(r.detail)}")
        elif r.note:
            entry.append(f"note: {scalar(r.note)}")
        if r.nothing_to_measure:
            entry.append("nothing_to_measure: true")
        lines.append("    - {" + ", ".join(entry) + "}")
    lines += provenance_yaml(source)
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """A comment line: anything YAML could read as a line break or refuses becomes a space."""
    return re.sub(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]", " ", text)


def record_id(agreement_id: str, label: str) -> str:
    return f"eval-{agreement_id}-{label}"


def destination(root: Path, sms: Sms, agreement_id: str, label: str) -> Path:
    """Next to existing evaluations when there are any, else in ``evaluations/``."""
    existing = sms.of_kind("AgreementEvaluation")
    folder = root / Path(existing[0].path).parent if existing else root / "evaluations"
    return folder / f"{record_id(agreement_id, label)}.yaml"


def write_new(path: Path, text: str, root: Path) -> bool:
    """Create ``path`` (inside the SMS at ``root``) atomically; False, nothing touched, when it exists."""
    return create(path, text, within=root)
