"""``fitsm evaluate``: evaluate every agreement for a period and record the results.

The caller (the CLI) loads the SMS and passes it in: evaluation works on an index, it never reads one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fitsm_kit import __version__
from fitsm_kit.errors import FitsmError, did_you_mean
from fitsm_kit.evaluation import monitoring, records
from fitsm_kit.evaluation.evaluate import NO_OUTAGE_DATA, Evaluation, covered, evaluate, in_force
from fitsm_kit.evaluation.measurements import (
    OutageRecord,
    distinct_tickets,
    outages_from_sms,
    read_outages_csv,
    read_tickets_csv,
    refuse_future,
    refuse_strangers,
)
from fitsm_kit.model.service import Provenance
from fitsm_kit.sms.index import Doc, Sms

AGREEMENT_KINDS = ("SLA", "OLA", "UA")


@dataclass(frozen=True)
class Recorded:
    evaluation: Evaluation
    path: Path
    created: bool  # False: a record for this agreement and period already existed and was kept
    differs: bool = False  # the kept record holds other results than ``evaluation`` (which was not recorded)


def evaluate_sms(root: Path, sms: Sms, as_of: dt.date, *, period: str | None, outage_files: list[Path],
                 ticket_files: list[Path], agreement_ids: list[str], timezone: str | None, write: bool,
                 no_outages: bool = False, monitored: monitoring.Input | None = None,
                 outages_cover: str | None = None) -> list[Recorded]:
    """Evaluate the agreements for a period that has ended, from the data given, and record the results.

    A target whose data is missing is recorded as not measured. ``no_outages`` is the user's statement
    that no outage occurred in the period (so availability is 100 % of agreed time); it is recorded in
    each evaluation's ``spec.source`` as theirs. ``monitored`` holds the monthly A/R reports of
    ``--monitoring`` (:func:`monitoring.read_all`). ``outages_cover`` is the user's statement of the period
    the outage data (the files and the SMS's OutageLogs) lists every outage of: an outage list cannot show
    which months it covers, so availability is measured from it only over days it is stated to cover.
    """
    first, last, label = records.parse_period(period, as_of)
    records.require_ended(first, last, label, as_of)
    try:  # the agreements' zones are checked by the model; this one is the command line's
        if timezone is not None:
            ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise FitsmError(f"--timezone {timezone!r} is not an IANA time zone such as Europe/Berlin or UTC") from None
    if no_outages and (outage_files or outages_cover):
        raise FitsmError("--no-outages-occurred states that there were no outages; it cannot go with --outages "
                         "or --outages-cover")
    logged = outages_from_sms(sms)
    cover = records.parse_period(outages_cover, as_of)[:2] if outages_cover else None
    if cover is not None and not outage_files and not sms.of_kind("OutageLog"):
        raise FitsmError("--outages-cover states which period the outage data lists every outage of, and there is "
                         "none: give --outages FILE (or keep OutageLogs in the SMS), or --no-outages-occurred "
                         "if there were no outages")
    if no_outages:  # the statement would be recorded beside the log's downtime in the figure: which is true?
        for o in logged:
            if o.start.date() <= last and o.end.date() >= first:
                raise FitsmError(f"--no-outages-occurred states that no outage occurred in {first}..{last}, but "
                                 f"{o.source} records one of {o.service}; leave out the option (the log is the "
                                 "period's outage data) or correct the log")
    csv_outages = [o for f in outage_files for o in read_outages_csv(f, timezone)]
    tickets = distinct_tickets([t for f in ticket_files for t in read_tickets_csv(f, timezone)]) \
        if ticket_files else None
    refuse_future(csv_outages, tickets or [], as_of)
    refuse_strangers(sms, csv_outages, tickets or [], first, last)
    monitoring_files = list(monitored.files) if monitored else []
    files = [records.file_source(f, root) for f in [*outage_files, *ticket_files, *monitoring_files]]
    statements = ["no outages occurred in the period (--no-outages-occurred, stated by whoever ran the command)"] \
        if no_outages else []
    if cover is not None:
        statements.append(f"the outage data lists every outage in {cover[0]}..{cover[1]} (--outages-cover, stated "
                          "by whoever ran the command)")
    recorded = {(e.spec.agreement, e.spec.period_start, e.spec.period_end): e
                for e in sms.of_kind("AgreementEvaluation")}
    done = []
    _refuse_unread(sms, agreement_ids, write)
    agreements = _agreements(sms.of_kind(*AGREEMENT_KINDS), agreement_ids, first, last)
    if write:
        _refuse_taken(root, sms, [d for d in agreements if (d.id, first, last) not in recorded], first, last, label)
    for doc in agreements:
        in_log = [o for o in logged if o.start.date() <= last and o.end.date() >= first]
        why = _outages_unusable(sms, doc, first, last, bool(outage_files), in_log, cover) if not no_outages else None
        evaluation = evaluate(sms, doc, first, last, None if why else csv_outages + logged, tickets,
                              monitored.data if monitored else None, why or NO_OUTAGE_DATA)
        existing = recorded.get((doc.id, first, last))
        if existing is not None:  # already recorded (perhaps by hand): keep it, never a second record
            done.append(Recorded(evaluation, root / existing.path, False, _differs(existing, evaluation)))
            continue
        path = records.destination(root, sms, doc.id, label)
        logs = sorted({o.source.split(" (")[0] for o in in_log if _covers(sms, doc, [o])})
        source = Provenance(generated_by=_command(period or label, outage_files, ticket_files, no_outages, monitored,
                                                  timezone, outages_cover),
                            as_of=as_of, files=[*(records.file_source(root / p, root) for p in logs), *files],
                            statements=statements)
        created = records.write_new(path, records.render(evaluation, label, source), root) if write else False
        if write and not created:
            raise FitsmError(f"{path} appeared while writing; it was not overwritten. Evaluate again")
        done.append(Recorded(evaluation, path, created))
    return done


def _differs(record: Doc, evaluation: Evaluation) -> bool:
    """Whether a kept record holds other results (met, measured, nothing to measure) than this run's evaluation."""
    def key(target: str, service: str | None, supplier: str | None, met: bool | None, measured: float | None,
            nothing: bool) -> tuple[object, ...]:
        return target, service, supplier, met, None if measured is None else round(measured, 6), nothing

    kept = {key(r.target, r.service, r.supplier, r.met, r.measured, r.nothing_to_measure)
            for r in record.spec.results or ()}
    now = {key(r.target.id, r.service, r.supplier, r.met, r.measured, r.nothing_to_measure)
           for r in evaluation.results}
    return kept != now


def _refuse_taken(root: Path, sms: Sms, docs: list[Doc], first: dt.date, last: dt.date, label: str) -> None:
    """Refuse, before writing anything, when a record's path holds a file that is not that record (the user's
    notes, an evaluation of another period): it is never replaced, and no evaluation would be recorded."""
    for doc in docs:
        path = records.destination(root, sms, doc.id, label)
        if path.exists() or path.is_symlink():
            raise FitsmError(f"{path} exists and is not the evaluation of {doc.id} for {first}..{last}; nothing was "
                             "written. Move the file away and evaluate again")


NO_COVER = ("not measured: nothing states which period the outage data covers, and a month without outages in it "
            "may be a month it does not cover; give --outages-cover PERIOD to state that it lists every outage of "
            "that period")


def _outages_unusable(sms: Sms, doc: Doc, first: dt.date, last: dt.date, files: bool, in_log: list[OutageRecord],
                      cover: tuple[dt.date, dt.date] | None) -> str | None:
    """Why the outage data measures no availability of ``doc`` over the period; None when it does. A list of
    outages shows the outages it has, never the months it covers: without a statement of its period a month
    missing from it would be recorded as 100 % available."""
    if cover is None:
        return NO_COVER if files or _covers(sms, doc, in_log) else NO_OUTAGE_DATA
    start, end = in_force(doc.spec, first, last)  # the days measured
    if start <= end and not cover[0] <= start <= end <= cover[1]:
        return (f"not measured: the outage data is stated to cover {cover[0]}..{cover[1]} (--outages-cover), not "
                f"all of {start}..{end}; give the outages of the whole period")
    return None


def _refuse_unread(sms: Sms, wanted: list[str], write: bool) -> None:
    """Refuse, before anything is written, when an agreement to evaluate may be in a file that could not be
    read: evaluating the others silently would leave its period unrecorded with nothing said. Agreements
    named with --agreement that were read are evaluated; when writing, so is an unreadable evaluation, as it
    may be the record of an agreement and period that would be recorded a second time."""
    unread = sorted({f for kind in AGREEMENT_KINDS for f in sms.unread.get(kind, ())})
    fix = "fix it (fitsm check says what is wrong)"
    if wanted:
        for w in wanted:
            if sms.get(w, *AGREEMENT_KINDS) is None and (why := sms.maybe_unread(w, *AGREEMENT_KINDS)):
                raise FitsmError(f"{why} ({', '.join(unread)}: an SLA, OLA or UA that could not be read); "
                                 f"nothing was evaluated: {fix}")
    elif unread:
        raise FitsmError(f"{', '.join(unread)}: holds an SLA, OLA or UA that could not be read, which would go "
                         f"unevaluated; nothing was evaluated: {fix}, or evaluate the others with --agreement ID")
    records_unread = sorted(sms.unread.get("AgreementEvaluation", ()))
    if write and records_unread:
        raise FitsmError(f"{', '.join(records_unread)}: holds an AgreementEvaluation that could not be read, which "
                         f"may be a record this run would write again; nothing was written: {fix}")


def _covers(sms: Sms, doc: Doc, outages: list[OutageRecord]) -> bool:
    """Whether an outage log of the SMS records an outage of a service ``doc`` covers (its data source)."""
    services = {service for service, _ in covered(sms, doc)}
    return any(o.service in services for o in outages)


def _command(period: str, outage_files: list[Path], ticket_files: list[Path], no_outages: bool,
             monitored: monitoring.Input | None, timezone: str | None, outages_cover: str | None) -> str:
    """The command that wrote the record, as the auditor would run it again."""
    parts = ["fitsm evaluate", f"--period {period}", *(f"--outages {f.name}" for f in outage_files),
             *(f"--tickets {f.name}" for f in ticket_files)]
    if outages_cover is not None:
        parts.append(f"--outages-cover {outages_cover}")
    if timezone is not None:  # the zone local times were read in: the same times again
        parts.append(f"--timezone {timezone}")
    if monitored:  # with the columns in effect, wherever they were set: the same figures again
        parts.append(monitored.option())
    if no_outages:
        parts.append("--no-outages-occurred")
    return f"{' '.join(parts)} (fitsm-kit {__version__})"


def _agreements(docs: list[Doc], wanted: list[str], first: dt.date, last: dt.date) -> list[Doc]:
    if wanted:
        by_id = {d.id: d for d in docs}
        unknown = [w for w in wanted if w not in by_id]
        if unknown:
            raise FitsmError(f"no SLA, OLA or UA with id {unknown[0]!r}{did_you_mean(unknown[0], by_id)}")
        return [by_id[w] for w in wanted]
    # every agreement that was valid for at least part of the period
    return [d for d in docs if d.spec.validity is not None and d.spec.validity.start <= last
            and (d.spec.validity.end or last) >= first]


def unknown_names(sms: Sms, monitored: monitoring.Input, period: str | None, as_of: dt.date) -> list[str]:
    """Services and providers the period's monitoring rows name that are no id in the SMS: their figures
    are used for nothing until monitoring.names in fitsm.yaml maps them."""
    first, last, _ = records.parse_period(period, as_of)
    months = monitoring.months(first.strftime("%Y-%m"), last.strftime("%Y-%m"))
    return monitored.data.strangers({d.id for d in sms.of_kind("Service")}, {d.id for d in sms.of_kind("Supplier")},
                                    months)
