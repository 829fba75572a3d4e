"""``fitsm report SPEC``: produce the report a ReportSpecification describes, and record its delivery (PR3.3).

The content comes from the SMS: AgreementEvaluations of the targets the specification covers, KPI
measurements, and nonconformities raised in the period. The same rows are written as Markdown, HTML
(every value escaped) and CSV; a ReportDelivery record is added next to the existing ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit import __version__
from fitsm_kit.atomic import create
from fitsm_kit.errors import FitsmError, did_you_mean
from fitsm_kit.evaluation import records
from fitsm_kit.model.dates import parse_interval
from fitsm_kit.model.service import AgreementEvaluation, Provenance, ReportSpecification
from fitsm_kit.sms.index import Doc, Sms
from fitsm_kit.yamltext import flow_list, scalar

COLUMNS = ("agreement", "target", "for", "agreed", "measured", "met", "period")  # for: the service or supplier measured


@dataclass(frozen=True)
class Report:
    spec: Doc
    label: str
    first: dt.date
    last: dt.date
    targets: tuple[tuple[str, ...], ...]  # rows of COLUMNS
    kpis: tuple[tuple[str, str, str, str], ...]  # kpi, period end, value, on target
    nonconformities: tuple[tuple[str, str, str], ...]  # id, raised on, description
    gaps: tuple[str, ...] = ()  # covered targets without measured data for the whole period
    sources: tuple[str, ...] = ()  # the SMS files of the evaluations used


def default_period(spec: ReportSpecification, as_of: dt.date) -> str:
    """The last full quarter for quarterly reports, else the last full month."""
    interval = parse_interval(spec.spec.frequency or "P1M")
    if interval.months + 12 * interval.years >= 3:
        quarter = (as_of.month - 1) // 3  # the current quarter is not full yet
        year = as_of.year if quarter else as_of.year - 1
        return f"{year}-Q{quarter or 4}"
    return records.parse_period(None, as_of)[2]


def build(sms: Sms, spec_id: str, period: str | None, as_of: dt.date) -> Report:
    doc = sms.get(spec_id, "ReportSpecification")
    if doc is None and (why := sms.maybe_unread(spec_id, "ReportSpecification")):
        raise FitsmError(f"{why} ({', '.join(sorted(sms.unread.get('ReportSpecification', ())))}); fix it "
                         "(fitsm check says what is wrong)")
    if doc is None:
        specs = [d.id for d in sms.of_kind("ReportSpecification")]
        raise FitsmError(f"no ReportSpecification with id {spec_id!r}{did_you_mean(spec_id, specs)}")
    assert isinstance(doc.model, ReportSpecification)
    first, last, label = records.parse_period(period or default_period(doc.model, as_of), as_of)
    records.require_ended(first, last, label, as_of)
    covers = set(doc.model.spec.covers)
    targets = []
    used = []
    days: dict[str, set[dt.date]] = {c: set() for c in covers if "/" in c}
    for ev in sms.of_kind("AgreementEvaluation"):
        assert isinstance(ev.model, AgreementEvaluation)
        e = ev.model.spec
        if e.period_end is None or e.period_start is None or e.agreement is None or not e.results:
            continue  # an incomplete record (reported by check) is no evidence for a report
        if e.period_end < first or e.period_start > last:
            continue
        agreement = sms.get(e.agreement)
        agreed = {t.id: f"{t.value:g} {t.unit}" for t in agreement.spec.targets or ()} if agreement else {}
        unmeasured = {r.target for r in e.results if r.met is None and not r.nothing_to_measure}  # all must be
        for r in e.results:
            if f"{e.agreement}/{r.target}" in covers:
                used.append(ev)
                measured = "-" if r.measured is None else f"{r.measured:g}"
                met = "nothing to measure" if r.nothing_to_measure else "not measured" if r.met is None \
                    else "yes" if r.met else "no"
                targets.append((e.agreement, r.target, r.service or r.supplier or "", agreed.get(r.target, "?"),
                                measured, met, f"{e.period_start} – {e.period_end}"))
                if r.target not in unmeasured:
                    days[f"{e.agreement}/{r.target}"].update(_days(max(first, e.period_start), min(last, e.period_end)))
    period_days = len(_days(first, last))
    gaps = tuple(f"{c}: data for {len(d)} of {period_days} days" for c, d in sorted(days.items())
                 if len(d) < period_days) + _unread(sms)
    kpis = [(k.id, str(m.period_end), f"{m.value:g}", "yes" if m.on_target else "no")
            for k in sms.of_kind("KPI") if k.id in covers
            for m in k.spec.measurements if first <= m.period_end <= last]
    ncs = [(n.id, str(n.spec.raised_on), n.spec.description) for n in sms.of_kind("Nonconformity")
           if first <= n.spec.raised_on <= last]
    return Report(doc, label, first, last, tuple(sorted(targets)), tuple(kpis), tuple(ncs), gaps,
                  tuple(sorted({u.path for u in used})))


# what a report is made of: a file holding one of these that could not be read may hold some of its rows
_READ = ("AgreementEvaluation", "SLA", "OLA", "UA", "KPI", "Nonconformity")


def _unread(sms: Sms) -> tuple[str, ...]:
    """The files the report's rows may be in that could not be read: the report says so rather than leave
    their rows out unsaid."""
    files = sorted({(f, k) for k in _READ for f in sms.unread.get(k, ())})
    return tuple(f"{f} could not be read ({k}): what it holds is not in this report; fix it (fitsm check says "
                 "what is wrong)" for f, k in files)


def _days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


def markdown(report: Report) -> str:
    spec = report.spec.spec
    lines = [f"# {_md(report.spec.title)} — {report.label}", "",
             f"*Period:* {report.first} to {report.last}  ", f"*Purpose:* {_md(spec.purpose)}  ",
             f"*Audience:* {_md(', '.join(spec.audience))}", "", "## Service performance against targets", ""]
    lines += _md_table(COLUMNS, report.targets) if report.targets else ["No evaluation in this period."]
    if report.gaps:
        lines += ["", "**Incomplete data:** the period is not fully covered by measured evaluations for:", ""]
        lines += [f"- {_md(g)}" for g in report.gaps]
    lines += ["", "## KPIs", ""]
    lines += _md_table(("kpi", "period end", "value", "on target"), report.kpis) if report.kpis else ["None."]
    lines += ["", "## Nonconformities raised", ""]
    lines += [f"- {_md(i)} ({d}): {_md(t)}" for i, d, t in report.nonconformities] or ["None."]
    return "\n".join(lines) + "\n"


def html_page(report: Report) -> str:
    spec, esc = report.spec.spec, html.escape
    title = esc(f"{report.spec.title} — {report.label}")
    parts = [f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>",
             f"<h1>{title}</h1>", f"<p>Period: {report.first} to {report.last}<br>Purpose: {esc(spec.purpose)}"
             f"<br>Audience: {esc(', '.join(spec.audience))}</p>", "<h2>Service performance against targets</h2>",
             _html_table(COLUMNS, report.targets),
             *([f"<p><strong>Incomplete data:</strong> {esc('; '.join(report.gaps))}</p>"] if report.gaps else []),
             "<h2>KPIs</h2>",
             _html_table(("kpi", "period end", "value", "on target"), report.kpis), "<h2>Nonconformities raised</h2>",
             "<ul>" + "".join(f"<li>{esc(i)} ({d}): {esc(t)}</li>" for i, d, t in report.nonconformities) + "</ul>",
             "</body></html>"]
    return "\n".join(parts) + "\n"


def csv_text(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([inert_cell(cell) for cell in row] for row in report.targets)
    return buffer.getvalue()


def inert_cell(value: object) -> object:
    """A CSV cell no spreadsheet reads as a formula: text starting with = + - @ (or a tab or CR, which some
    strip first) gets a leading apostrophe, as OWASP advises; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass(frozen=True)
class Delivery:
    """What the person who ran ``fitsm report`` stated of the report's delivery: fitsm writes files, it
    delivers nothing, so a ``ReportDelivery`` is recorded only from this."""

    to: tuple[str, ...]
    on: dt.date

    @property
    def statement(self) -> str:
        return (f"delivered to {', '.join(self.to)} on {self.on} (--delivered-to, stated by whoever ran the "
                "command)")


def delivery_record(report: Report, delivery: Delivery, location: str, source: Provenance) -> str:
    spec = report.spec
    lines = ["apiVersion: fitsm.eu/v1", "kind: ReportDelivery", "metadata:",
             f"  id: {scalar(f'delivery-{spec.id}-{report.label}')}",
             f"  title: {scalar(f'{spec.title} {report.label}')}",
             *([f"  owner: {scalar(spec.owner)}"] if spec.owner else []), "  status: recorded", "spec:",
             f"  report: {scalar(spec.id)}", f"  period_start: {report.first}", f"  period_end: {report.last}",
             f"  delivered_on: {delivery.on}", f"  recipients: {flow_list(list(delivery.to))}",
             f"  location: {scalar(location)}", *records.provenance_yaml(source)]
    return "\n".join(lines) + "\n"


def delivery_path(root: Path, sms: Sms, report: Report) -> Path:
    existing = sms.of_kind("ReportDelivery")
    folder = root / Path(existing[0].path).parent if existing else root / "reports"
    return folder / f"delivery-{report.spec.id}-{report.label}.yaml"


_MD_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MD_MARK = re.compile(r"([\\`*_\[\]!|~])")


def _md(text: str) -> str:
    """``text`` as one line of Markdown that shows as written: Markdown passes HTML through (escaped), a line
    break would end a table row or start a block (a space), and link, image, emphasis and table marks are
    backslash-escaped."""
    return _MD_MARK.sub(r"\\\1", html.escape(_MD_BREAK.sub(" ", text), quote=False))


def _md_table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)]


def _html_table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write(root: Path, sms: Sms, report: Report, out_dir: Path | None, as_of: dt.date, *,
          delivery: Delivery | None) -> list[Path]:
    """Write the report files, and with ``delivery`` its delivery record; existing files are refused, never
    replaced. Report files that exist with exactly the content they would get are kept, when a delivery is
    recorded: the report was written first and delivered later."""
    folder = out_dir or root / "reports" / report.spec.id
    stem = f"{report.spec.id}-{report.label}"
    reports = {folder / f"{stem}.md": markdown(report), folder / f"{stem}.html": html_page(report),
               folder / f"{stem}.csv": csv_text(report)}
    outputs = dict(reports)
    if delivery is not None:
        outputs = {p: text for p, text in reports.items() if not _written(p, text)}
        location = (folder / f"{stem}.html").resolve()
        shown = location.relative_to(root.resolve()).as_posix() if location.is_relative_to(root.resolve()) \
            else str(location)
        files = [records.file_source(root / p, root) for p in report.sources]
        files += [records.file_source_text(p, text, root) for p, text in reports.items()]
        source = Provenance(generated_by=f"fitsm report {report.spec.id} --period {report.label} "
                                         f"(fitsm-kit {__version__})", as_of=as_of, files=files,
                            statements=[delivery.statement])
        outputs[delivery_path(root, sms, report)] = delivery_record(report, delivery, shown, source)
    taken = [p for p in outputs if p.exists()]
    if taken:
        raise FitsmError(f"{taken[0]} already exists; reports and delivery records are never overwritten "
                         "(move it away or choose another --period / --out)")
    for path, text in outputs.items():
        # the default folder and the record are in the SMS: no link may lead a write out of it
        if not create(path, text, within=root if out_dir is None or path not in reports else None):
            raise FitsmError(f"{path} appeared while writing; nothing was overwritten")
    return list(outputs)


def _written(path: Path, text: str) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``text``."""
    try:
        return path.is_file() and not path.is_symlink() and path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False  # then it is refused as existing, or written
