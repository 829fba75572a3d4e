"""``fitsm evaluate``, ``fitsm report`` and ``fitsm assess``: measure agreements, produce reports, self-assess."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitsm_kit.cli.check import check_at
from fitsm_kit.cli.common import AsOf, SmsPath, TextOrJson, app, complete_ids, notices, open_sms, out, parse_date
from fitsm_kit.errors import FitsmError
from fitsm_kit.escape import safe

if TYPE_CHECKING:
    from fitsm_kit.evaluation.report import Delivery


@app.command("evaluate")
def evaluate_command(
    path: SmsPath = Path("."),
    period: Annotated[str | None, typer.Option(help="2026-10, 2026-Q3 or 2026-10-01..2026-10-15; "
                                                     "default: the last full month.")] = None,
    outages: Annotated[list[Path] | None, typer.Option(help="Outage CSV (service, component, start, end, "
                                                            "planned); repeatable.")] = None,
    outages_cover: Annotated[str | None, typer.Option(
        help="State that the outage data (--outages files and the SMS's OutageLogs) lists every outage of this "
             "period: 2026-10, 2026-Q4 or FROM..TO. Recorded as your statement; availability is measured from "
             "outages only over days it covers (an outage list cannot show which months it covers).")] = None,
    tickets: Annotated[list[Path] | None, typer.Option(help="Ticket CSV (id, service, priority, opened, "
                                                            "first_response, resolved; supplier: the Supplier "
                                                            "a ticket was passed to, for OLA / UA targets); "
                                                            "repeatable.")] = None,
    agreement: Annotated[list[str] | None, typer.Option(help="Only this SLA / OLA / UA; repeatable.",
                                                        autocompletion=complete_ids("SLA", "OLA", "UA"))] = None,
    timezone: Annotated[str | None, typer.Option(
        help="IANA time zone of CSV times written without an offset (e.g. Europe/Berlin); without it such a "
             "time is refused (exit 2), never guessed.")] = None,
    as_of: AsOf = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the results; write no records.")] = False,
    no_outages_occurred: Annotated[bool, typer.Option(
        "--no-outages-occurred", help="State that no outage occurred in the period: availability is measured as "
                                      "100 % of agreed time, and your statement is recorded in each evaluation. "
                                      "Without outage data or this flag, availability is recorded as not "
                                      "measured.")] = False,
    monitoring: Annotated[list[Path] | None, typer.Option(
        help="Monthly availability / reliability report of a monitoring system (ARGO A/R), CSV or JSON: "
             "one row per month and service or provider, with availability, reliability and unknown %; "
             "repeatable. Its figures are recorded over those from outages.")] = None,
    monitoring_format: Annotated[str | None, typer.Option(
        help="csv or json; default: by the file's extension.")] = None,
    monitoring_columns: Annotated[str | None, typer.Option(
        help="Column names of the monitoring data where they differ from the roles period, service, provider, "
             "availability, reliability, unknown: e.g. period=month,provider=site (default: monitoring.columns "
             "in fitsm.yaml, else the role names).")] = None,
    monitoring_fraction: Annotated[list[str] | None, typer.Option(
        help="A metric the monitoring data gives as a fraction of 1, not a percentage (ARGO's unknown); "
             "repeatable.")] = None,
) -> None:
    """Evaluate SLA / OLA / UA targets from outage, ticket and monitoring data and record AgreementEvaluations."""
    from rich.table import Table
    from rich.text import Text

    from fitsm_kit.engine.load import read_sms
    from fitsm_kit.evaluation import monitoring as monitor
    from fitsm_kit.evaluation.run import evaluate_sms, unknown_names

    root, config, today = open_sms(path, as_of)
    if not monitoring and (monitoring_format or monitoring_columns or monitoring_fraction):
        raise FitsmError("--monitoring-format, --monitoring-columns and --monitoring-fraction describe the files "
                         "of --monitoring FILE; give the files too")
    layout = monitor.layout(config.monitoring, monitoring_columns, monitoring_fraction)
    monitored = monitor.read_all(monitoring, layout, monitoring_format) if monitoring else None
    sms = read_sms(root, config, today)
    done = evaluate_sms(root, sms, today, period=period, outage_files=outages or [],
                        ticket_files=tickets or [], agreement_ids=agreement or [], timezone=timezone,
                        write=not dry_run, no_outages=no_outages_occurred, monitored=monitored,
                        outages_cover=outages_cover)
    table = Table("agreement", "target", "for", "agreed", "measured", "met", "how")
    for item in done:
        for r in item.evaluation.results:
            measured = "-" if r.measured is None else f"{r.measured:g}"
            met = Text("nothing to measure") if r.nothing_to_measure else \
                Text("not measured", style="yellow") if r.met is None else Text("yes") if r.met \
                else Text("no", style="bold red")
            # ids and details come from the SMS: plain Text, never read as rich markup
            table.add_row(Text(safe(item.evaluation.agreement.id)), Text(safe(r.target.id)),
                          Text(safe(r.service or r.supplier or "")),
                          Text(safe(f"{r.target.value:g} {r.target.unit}")), measured, met, Text(safe(r.detail)))
    out.print(table)
    for item in done:
        if not dry_run:
            verb = "wrote" if item.created else "kept existing"
            out.print(f"{verb} {safe(str(item.path))}", markup=False)
    said = [f"{safe(str(item.path))} was kept: it records other results for {safe(item.evaluation.agreement.id)} "
            "than the table shows, which were not recorded (to record them, remove or rename that record and "
            "evaluate again)" for item in done if item.differs]
    unmeasured = sum(r.met is None and not r.nothing_to_measure for item in done for r in item.evaluation.results)
    if unmeasured:
        said.append(f"{unmeasured} target(s) not measured for want of data: give the period's outages (--outages "
                    "FILE with --outages-cover PERIOD, or --no-outages-occurred to state that there were none), "
                    "tickets (--tickets FILE) and "
                    "monitoring reports (--monitoring FILE); the notes say what is missing")
    if outages and not outages_cover and unmeasured:
        said.append("availability was not measured from --outages: an outage list cannot show which months it "
                    "covers; if the files list every outage of the period, say so with --outages-cover PERIOD")
    strangers = unknown_names(sms, monitored, period, today) if monitored else []
    if strangers:
        names = ", ".join(safe(s) for s in strangers)  # one line each: a name from the file may hold a line break
        said.append(f"the monitoring data names {names}, which no service or supplier of the SMS is called; their "
                    "rows were not used (map them under monitoring.names in fitsm.yaml)")
    notices(said)


@app.command("report")
def report_command(
    spec: Annotated[str, typer.Argument(help="The id of a ReportSpecification.",
                                        autocompletion=complete_ids("ReportSpecification"))],
    sms: Annotated[Path, typer.Option("--sms", "--path", help="The SMS root, or any directory or file inside it "
                                                              "(--path: the older name).")] = Path("."),
    period: Annotated[str | None, typer.Option(help="2026-10, 2026-Q3 or a date range; default: the last "
                                                     "full month, or quarter for quarterly reports.")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Directory for the report files "
                                                               "(default: reports/SPEC/).")] = None,
    delivered_to: Annotated[list[str] | None, typer.Option(
        "--delivered-to", metavar="WHO",
        help="Who received the report (repeatable): records a ReportDelivery (PR3.3) as your statement. Without "
             "it no delivery is recorded: writing the files delivers nothing.")] = None,
    delivered_on: Annotated[str | None, typer.Option(
        help="When it was delivered (YYYY-MM-DD; default: the day that counts as today).")] = None,
    no_record: Annotated[bool, typer.Option("--no-record", hidden=True,
                                            help="Record no delivery (the default without --delivered-to).")] = False,
    as_of: AsOf = None,
) -> None:
    """Produce the report a ReportSpecification describes (Markdown, HTML, CSV); with --delivered-to, record its
    delivery."""
    from fitsm_kit.engine.load import read_sms
    from fitsm_kit.evaluation import report

    root, config, today = open_sms(sms, as_of)
    delivery = _delivery(delivered_to, delivered_on, no_record, today)
    index = read_sms(root, config, today)
    built = report.build(index, spec, period, today)
    for written in report.write(root, index, built, out_dir, today, delivery=delivery):
        out.print(f"wrote {safe(str(written))}", markup=False)
    notices([f"incomplete data for {built.label}: {gap} (the report says so)" for gap in built.gaps])
    if delivery is None and not no_record:
        notices(["no ReportDelivery recorded: nothing says to whom the report was delivered; once it is, run this "
                 "again with --delivered-to WHO (the files written now are kept), or record it yourself"])


def _delivery(to: list[str] | None, on: str | None, no_record: bool, today: dt.date) -> Delivery | None:
    """What the user stated of the report's delivery; None: nothing (no record is written)."""
    from fitsm_kit.evaluation.report import Delivery

    if not to:
        if on is not None:
            raise typer.BadParameter("say to whom it was delivered as well (--delivered-to)",
                                     param_hint="--delivered-on")
        return None
    if no_record:
        raise typer.BadParameter("--no-record with --delivered-to: choose one", param_hint="--no-record")
    if any(not who.strip() for who in to):
        raise typer.BadParameter("an empty recipient", param_hint="--delivered-to")
    day = parse_date(on) if on is not None else today
    assert day is not None
    if day > today:
        raise typer.BadParameter(f"{day} is after {today} (the day that counts as today): a delivery that has not "
                                 "happened cannot be recorded", param_hint="--delivered-on")
    return Delivery(tuple(dict.fromkeys(who.strip() for who in to)), day)


@app.command("assess")
def assess_command(
    path: SmsPath = Path("."),
    output_format: TextOrJson = "text",
    as_of: AsOf = None,
) -> None:
    """FitSM-6-style capability levels per process and requirement group (a self-assessment aid)."""
    from fitsm_kit.engine import selection
    from fitsm_kit.engine.load import read_sms
    from fitsm_kit.evaluation import assess
    from fitsm_kit.output import matrix

    result, config = check_at(path, as_of, None, None, False)
    rows = matrix.rows(result, config, selection.rule_requirements())
    root, _, _ = open_sms(path)
    capabilities = assess.assess(rows, read_sms(root, config, dt.date.fromisoformat(result.as_of)))
    if output_format == "json":
        out.print(assess.as_json(result, capabilities), end="", markup=False)
    else:
        out.print(assess.table(result, capabilities))

