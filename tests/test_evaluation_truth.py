"""`fitsm evaluate` and `fitsm report` record nothing as measured or met without data.

Each test runs the real command on Nordlicht's SMS (a real Git repository, from :mod:`test_outside_data`)
with data written as a service desk or a status page exports it, and reads the record written, the report
or the exit 2. Each failed before its fix, but for the guard of an agreement's partly valid month (the
evaluation already held it not measured; it is kept so it stays so).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from test_outside_data import data, evaluate, record, results, sms  # noqa: F401 - sms is a fixture

from conftest import Run

TICKETS = "id,service,priority,opened,first_response,resolved\n"


# --- 1. no tickets of a priority: nothing to measure, never met -------------------------------------------

def test_a_month_without_p1_tickets_does_not_record_the_p1_targets_as_met(
        sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811 - the fixture
    # Zammad's November: two P2 tickets, no P1 ticket at all
    p2 = data(sms, "zammad-2026-11.csv", TICKETS
              + "Z-1,nd-mail,P2,2026-11-03T09:00:00+01:00,2026-11-03T10:00:00+01:00,2026-11-03T12:00:00+01:00\n"
              + "Z-2,nd-vault,P2,2026-11-18T14:00:00+01:00,2026-11-18T14:20:00+01:00,\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", p2)
    assert run.code == 0, run.err
    got = results(record(sms, "sla-lab"))
    assert got["resp-p2"] == {"measured": 0.04, "met": True}
    why = "nothing to measure: no tickets of priority P1 in the period in the ticket data, so no {} to measure"
    assert got["resp-p1"] == {"note": why.format("response time"), "nothing_to_measure": True}
    assert got["fix-p1"] == {"note": why.format("resolution time"), "nothing_to_measure": True}
    # the evaluate table shows it as nothing to measure, and the check takes it as evaluated, neither met nor
    # missed: a quiet month is no finding (this test first asserted 'not measured' and a finding, 68d392b)
    [row] = [line for line in run.out.splitlines() if "resp-p1" in line]
    assert [cell.strip() for cell in row.split("│")][5:7] == ["-", "nothing"]  # "nothing to measure", wrapped
    check = fitsm("check", sms, "--as-of", "2026-12-05", "--format", "json")
    assert not [f for f in json.loads(check.out)["findings"] if "resp-p1" in f["message"] or "fix-p1" in f["message"]]
    # the report shows it as nothing to measure, and the period as covered for it
    assert fitsm("report", "rep-lab", "--sms", sms, "--period", "2026-11").code == 0
    md = (sms / "reports" / "rep-lab" / "rep-lab-2026-11.md").read_text(encoding="utf-8")
    assert "| sla-lab | resp-p1 |  | 4 working-hours | - | nothing to measure | 2026-11-01 – 2026-11-30 |" in md
    assert "sla-lab/resp-p1: data for" not in md
    # a hand-written record cannot call a met target nothing to measure
    path = sms / "evaluations" / "eval-sla-lab-2026-11.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("nothing_to_measure: true}", "nothing_to_measure: true, met: true}", 1),
                    encoding="utf-8")
    assert "nothing_to_measure: true is a result with nothing measured" in fitsm("check", sms, "--as-of",
                                                                                 "2026-12-05").out


# --- 6. an agreement or evaluation that cannot be read is said, never silently left out --------------------

OLA = """\
apiVersion: fitsm.eu/v1
kind: OLA
metadata: {id: ola-ops, title: OLA with operations, owner: ina, status: approved}
spec:
  supplier: ops-team
  supports: [{service: nd-vault, component: disk}]
  validity: {start: 2026-01-01}
  service_hours: {always: true, timezone: UTC}
  support: {contact: ops@nordlicht.example, hours: {always: true, timezone: UTC}}
  targets:
    - {id: resp, metric: response-time, value: 30, unit: minutes, priority: P1
"""  # the flow mapping is never closed: the file cannot be read


def test_an_agreement_that_cannot_be_read_stops_evaluate(sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    (sms / "agreements" / "ola-ops.yaml").write_text(OLA, encoding="utf-8")
    tickets = data(sms, "rt.csv", TICKETS + "RT-1,nd-vault,P1,2026-11-03T09:00:00+01:00,2026-11-03T09:10:00+01:00,\n")
    run = evaluate(fitsm, sms, "--tickets", tickets)
    # before, sla-lab and ua-fibre were evaluated and the OLA was silently not: its month went unrecorded
    assert run.code == 2
    assert "agreements/ola-ops.yaml: holds an SLA, OLA or UA that could not be read" in run.err
    assert not (sms / "evaluations").exists()
    # the agreements that can be read are evaluated when named
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", tickets)
    assert run.code == 0, run.err
    assert results(record(sms, "sla-lab"))["resp-p1"] == {"measured": 0.17, "met": True}
    # an agreement named that may be the unreadable one is exit 2 naming the file, not "no such agreement"
    run = evaluate(fitsm, sms, "--agreement", "ola-ops", "--tickets", tickets)
    assert run.code == 2
    assert "'ola-ops' could not be read" in run.err and "agreements/ola-ops.yaml" in run.err


def test_an_evaluation_that_cannot_be_read_is_named_in_the_report(sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    tickets = data(sms, "rt.csv", TICKETS + "RT-1,nd-vault,P1,2026-11-03T09:00:00+01:00,2026-11-03T09:10:00+01:00,\n")
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", tickets).code == 0
    # ua-fibre's evaluation, written by hand, with a tab the YAML cannot read
    (sms / "evaluations" / "eval-ua-fibre-2026-11.yaml").write_text(
        "apiVersion: fitsm.eu/v1\nkind: AgreementEvaluation\nmetadata: {id: eval-ua-fibre-2026-11, title: UA, "
        "owner: ina, status: recorded}\nspec:\n  agreement: ua-fibre\n\tperiod_start: 2026-11-01\n", encoding="utf-8")
    run = fitsm("report", "rep-lab", "--sms", sms, "--period", "2026-11")
    assert run.code == 0, run.err
    md = (sms / "reports" / "rep-lab" / "rep-lab-2026-11.md").read_text(encoding="utf-8")
    said = "evaluations/eval-ua-fibre-2026-11.yaml could not be read"
    assert said in md and said in run.err


# --- 4. a time without an offset is never read as UTC unsaid --------------------------------------------

def test_a_time_without_an_offset_needs_the_zone_it_is_in(sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    # GLPI exports the desk's local time (Vienna) without an offset; read as UTC, the P1 ticket opened at 16:30
    # Vienna was read as 17:30, after support hours, and half an hour of its response went uncounted
    glpi = data(sms, "glpi.csv", TICKETS + "G-1,nd-mail,P1,2026-11-03 16:30:00,2026-11-04 09:30:00,\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", glpi)
    assert run.code == 2
    assert "glpi.csv:2: '2026-11-03 16:30:00' has no UTC offset, so which time it is cannot be told; give " \
           "--timezone ZONE" in run.err
    assert not (sms / "evaluations").exists()
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", glpi, "--timezone", "Europe/Vienna")
    assert run.code == 0, run.err
    doc = record(sms, "sla-lab")
    assert results(doc)["resp-p1"] == {"measured": 2.0, "met": True}  # 16:30-17:00 and 08:00-09:30 Vienna
    # the zone is part of the command that gives the same numbers again
    assert "--tickets glpi.csv --timezone Europe/Vienna" in doc["spec"]["source"]["generated_by"]


def test_an_outage_log_without_its_time_zone_is_refused(sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    (sms / "records").mkdir()
    (sms / "records" / "outages.yaml").write_text(
        "apiVersion: fitsm.eu/v1\nkind: OutageLog\nmetadata: {id: outages-nov, title: Outages, owner: ina, "
        "status: recorded}\nspec:\n  outages:\n"
        "    - {service: nd-vault, start: 2026-11-14T06:00:00, end: 2026-11-14T10:00:00}\n", encoding="utf-8")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab")
    assert run.code == 2
    assert "records/outages.yaml: outage 1 (2026-11-14T06:00:00) has no UTC offset and the log declares no " \
           "spec.timezone" in run.err


# --- 2. an outage list is measured only over the period it is declared to cover -------------------------

# a status page's incident history as exported: October's incidents only (the page keeps 30 days)
INCIDENTS = ("service,component,start,end,planned,title\n"
             "nd-mail,,2026-10-06T10:00:00+02:00,2026-10-06T14:00:00+02:00,false,Mail queue stuck\n"
             "nd-vault,disk,2026-10-20T08:00:00+02:00,2026-10-20T09:00:00+02:00,false,Disk failure\n")


def test_an_outage_list_says_nothing_of_months_it_may_not_cover(sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    incidents = data(sms, "incidents.csv", INCIDENTS)
    # before: November and December had no incident in the list, so each was 100 % available, and the
    # quarter's per-month target was met in them although the list ends in October
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--outages", incidents, "--as-of", "2027-01-10",
                   period="2026-Q4")
    assert run.code == 0, run.err
    assert results(record(sms, "sla-lab", "2026-q4"))["avail"] == {
        "note": "not measured: nothing states which period the outage data covers, and a month without "
                "outages in it may be a month it does not cover; give --outages-cover PERIOD to state that it "
                "lists every outage of that period"}
    assert "availability was not measured from --outages: an outage list cannot show which months it covers" \
        in run.err
    (sms / "evaluations" / "eval-sla-lab-2026-q4.yaml").unlink()
    # declared to cover October only: the quarter is not measured from it
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--outages", incidents, "--outages-cover", "2026-10",
                   "--as-of", "2027-01-10", period="2026-Q4")
    assert run.code == 0, run.err
    assert results(record(sms, "sla-lab", "2026-q4"))["avail"] == {
        "note": "not measured: the outage data is stated to cover 2026-10-01..2026-10-31 (--outages-cover), not "
                "all of 2026-10-01..2026-12-31; give the outages of the whole period"}
    # October, declared: measured, and the statement is recorded as the user's
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--outages", incidents, "--outages-cover", "2026-10",
                   period="2026-10")
    assert run.code == 0, run.err
    doc = record(sms, "sla-lab", "2026-10")
    # 44,700 minutes (the clocks go back); 4 hours of mail down, 1 of the vault's disk: 300 minutes
    assert results(doc)["avail"] == {"measured": 99.3289, "met": False}
    source = doc["spec"]["source"]
    assert "--outages incidents.csv --outages-cover 2026-10" in source["generated_by"]
    assert "the outage data lists every outage in 2026-10-01..2026-10-31 (--outages-cover, stated by whoever " \
           "ran the command)" in source["statements"]


def test_an_outage_log_is_measured_only_over_the_period_it_is_declared_to_cover(
        sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    (sms / "records").mkdir()
    (sms / "records" / "outages.yaml").write_text(
        "apiVersion: fitsm.eu/v1\nkind: OutageLog\nmetadata: {id: outages-nov, title: Outages, owner: ina, "
        "status: recorded}\nspec:\n  timezone: Europe/Vienna\n  outages:\n"
        "    - {service: nd-vault, start: 2026-11-14T06:00:00, end: 2026-11-14T10:00:00}\n", encoding="utf-8")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab")
    assert run.code == 0, run.err
    assert results(record(sms, "sla-lab"))["avail"]["note"].startswith(
        "not measured: nothing states which period the outage data covers")
    (sms / "evaluations" / "eval-sla-lab-2026-11.yaml").unlink()
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--outages-cover", "2026-11")
    assert run.code == 0, run.err
    assert results(record(sms, "sla-lab"))["avail"] == {"measured": 99.4444, "met": False}  # 240 of 43,200


def test_a_coverage_statement_needs_outage_data_and_no_contrary_statement(
        sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    run = evaluate(fitsm, sms, "--outages-cover", "2026-11")
    assert run.code == 2 and "--outages-cover states which period the outage data" in run.err
    incidents = data(sms, "incidents.csv", INCIDENTS)
    run = evaluate(fitsm, sms, "--outages", incidents, "--outages-cover", "2026-11", "--no-outages-occurred")
    assert run.code == 2


# --- 5. a month partly outside the agreement is not measured from monthly figures -----------------------

ARGO = "month,site,availability,reliability,unknown\n2026-11,FIBRE-CO-AS,99.95,99.96,0.01\n"


def test_a_month_the_agreement_started_in_is_not_measured_from_its_monthly_figure(
        sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    """A guard: this passed before (the in-force part of the month is not whole months)."""
    agreements = sms / "agreements" / "agreements.yaml"
    # the UA with Fibre Co was signed mid-November: its targets applied from the 16th
    agreements.write_text(agreements.read_text(encoding="utf-8").replace(
        "  supplier: fibre-co\n  supports: [{service: nd-mail, component: uplink}]\n  validity: {start: 2026-01-01}",
        "  supplier: fibre-co\n  supports: [{service: nd-mail, component: uplink}]\n  validity: {start: 2026-11-16}"),
        encoding="utf-8")
    argo = data(sms, "argo.csv", ARGO)
    run = evaluate(fitsm, sms, "--agreement", "ua-fibre", "--monitoring", argo, "--monitoring-columns",
                   "period=month,provider=site")
    assert run.code == 0, run.err
    got = results(record(sms, "ua-fibre"))
    assert "met" not in got["avail"] and "met" not in got["rel"]
    assert got["avail"]["note"].startswith("not measured: monitoring figures are monthly and 2026-11-16..2026-11-30 "
                                           "is not made of whole months")


def test_a_signatory_that_signed_within_the_month_is_not_measured_for_it(
        sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    template = sms / "agreements" / "template.yaml"
    template.write_text("""\
apiVersion: fitsm.eu/v1
kind: OLA
metadata: {id: ola-uplinks, title: Uplink OLA (a template each uplink provider signs), owner: ina, status: approved}
spec:
  signatories:
    - {supplier: fibre-co, signed_on: 2026-11-20}
    - {supplier: ops-team, signed_on: 2026-10-01}
  supports: [{service: nd-mail, component: uplink}]
  validity: {start: 2026-10-01}
  service_hours: {always: true, timezone: UTC}
  support: {contact: noc@nordlicht.example, hours: {always: true, timezone: UTC}}
  targets:
    - {id: avail, metric: availability, value: 99.9, unit: "%", period: P1M}
""", encoding="utf-8")
    argo = data(sms, "argo.csv", ARGO + "2026-11,ops-team,99.99,99.99,0\n")
    run = evaluate(fitsm, sms, "--agreement", "ola-uplinks", "--monitoring", argo, "--monitoring-columns",
                   "period=month,provider=site")
    assert run.code == 0, run.err
    got = results(record(sms, "ola-uplinks"))
    assert got["avail/ops-team"] == {"measured": 99.99, "met": True}
    # Fibre Co's November figure covers 19 days before it signed: it was held to a target it had not agreed
    assert got["avail/fibre-co"] == {"note": "not measured: fibre-co signed on 2026-11-20, within "
                                             "2026-11-01..2026-11-30; monthly monitoring figures cover days before "
                                             "the agreement applied to it"}


def test_a_ticket_passed_to_a_signatory_before_it_signed_is_not_held_to_the_template(
        sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    template = sms / "agreements" / "template.yaml"
    template.write_text("""\
apiVersion: fitsm.eu/v1
kind: OLA
metadata: {id: ola-uplinks, title: Uplink OLA (a template each uplink provider signs), owner: ina, status: approved}
spec:
  signatories:
    - {supplier: fibre-co, signed_on: 2026-11-20}
  supports: [{service: nd-mail, component: uplink}]
  validity: {start: 2026-10-01}
  service_hours: {always: true, timezone: UTC}
  support: {contact: noc@nordlicht.example, hours: {always: true, timezone: UTC}}
  targets:
    - {id: resp, metric: response-time, value: 30, unit: minutes, priority: P1}
""", encoding="utf-8")
    # the escalations to Fibre Co: one before it signed (answered after 2 hours), one after (10 minutes)
    rt = data(sms, "rt.csv", "id,service,priority,opened,first_response,resolved,supplier\n"
                             "E-1,nd-mail,P1,2026-11-05T09:00:00Z,2026-11-05T11:00:00Z,,fibre-co\n"
                             "E-2,nd-mail,P1,2026-11-24T09:00:00Z,2026-11-24T09:10:00Z,,fibre-co\n")
    run = evaluate(fitsm, sms, "--agreement", "ola-uplinks", "--tickets", rt)
    assert run.code == 0, run.err
    doc = record(sms, "ola-uplinks")
    assert results(doc)["resp/fibre-co"] == {"measured": 10.0, "met": True}
    text = (sms / "evaluations" / "eval-ola-uplinks-2026-11.yaml").read_text(encoding="utf-8")
    assert "1 ticket(s); slowest E-2: 10 minutes; from 2026-11-20, the day fibre-co signed" in text


# --- 3. planned work: outside the declared maintenance windows it is downtime -----------------------------

def test_planned_work_counts_outside_the_declared_maintenance_windows_only(
        sms: Path, fitsm: Callable[..., Run]) -> None:  # noqa: F811
    agreements = sms / "agreements" / "agreements.yaml"
    # the SLA declares one maintenance window: the vault's firmware update on Saturday 14 November, 06-10
    agreements.write_text(agreements.read_text(encoding="utf-8").replace(
        "  service_hours: {always: true, timezone: Europe/Vienna}",
        "  service_hours:\n    always: true\n    timezone: Europe/Vienna\n    maintenance:\n"
        "      - {start: 2026-11-14T06:00, end: 2026-11-14T10:00, description: vault firmware update}", 1),
        encoding="utf-8")
    # the status page marks both as planned; the second was announced, but in no window the SLA declares
    status = data(sms, "status.csv", "service,component,start,end,planned,title\n"
                                     "nd-vault,disk,2026-11-14T06:00:00+01:00,2026-11-14T10:00:00+01:00,true,"
                                     "Firmware update\n"
                                     "nd-mail,,2026-11-21T22:00:00+01:00,2026-11-22T01:00:00+01:00,true,"
                                     "Mail server upgrade\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--outages", status, "--outages-cover", "2026-11")
    assert run.code == 0, run.err
    # 43,200 minutes less the 240 of the window: 42,960 agreed; the 180 minutes of the upgrade count
    assert results(record(sms, "sla-lab"))["avail"] == {"measured": 99.581, "met": True}
    text = (sms / "evaluations" / "eval-sla-lab-2026-11.yaml").read_text(encoding="utf-8")
    assert ("# avail: target 99.5 %; 42,960 agreed minutes, 180 minutes down (180 of them planned work outside "
            "the declared maintenance windows, which counts as downtime)") in text
