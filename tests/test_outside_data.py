"""`fitsm evaluate` and `fitsm report` with data as outside tools export it (a trust audit).

The SMS here is its own (Nordlicht Data: mail and vault services, an SLA, a UA and an OLA), in a real Git
repository; the data files are written as Request Tracker, Jira, Zammad, GLPI, OTRS, a status page and ARGO
write them (byte order marks, CRLF, quoted line breaks, time zones, semicolons, text percentages). Every test
states the true record for its input and reads the YAML that `fitsm evaluate` writes, or the exit 2 it gives.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitsms import isolated_env

from conftest import Run

AGREEMENTS = """\
apiVersion: fitsm.eu/v1
kind: SLA
metadata: {id: sla-lab, title: SLA with the lab, owner: ina, status: approved}
spec:
  type: specific
  customer: lab
  services: [nd-mail, nd-vault]
  validity: {start: 2026-01-01, end: 2027-12-31}
  service_hours: {always: true, timezone: Europe/Vienna}
  support:
    contact: desk@nordlicht.example
    hours:
      timezone: Europe/Vienna
      windows: [{days: [mon, tue, wed, thu, fri], start: "08:00", end: "17:00"}]
  targets:
    - {id: avail, metric: availability, value: 99.5, unit: "%", period: P1M}
    - {id: resp-p1, metric: response-time, value: 4, unit: working-hours, priority: P1}
    - {id: fix-p1, metric: resolution-time, value: 2, unit: working-days, priority: P1}
    - {id: resp-p2, metric: response-time, value: 1, unit: days, priority: P2}
    - {id: tickets-count, metric: other, value: 10, unit: count, direction: at-most}
---
apiVersion: fitsm.eu/v1
kind: UA
metadata: {id: ua-fibre, title: UA with Fibre Co, owner: ina, status: approved}
spec:
  supplier: fibre-co
  supports: [{service: nd-mail, component: uplink}]
  validity: {start: 2026-01-01}
  service_hours: {always: true, timezone: UTC}
  support: {contact: noc@fibre.example, hours: {always: true, timezone: UTC}}
  targets:
    - {id: avail, metric: availability, value: 99.9, unit: "%", period: P1M}
    - {id: rel, metric: reliability, value: 99, unit: "%", period: P1M}
    - {id: resp, metric: response-time, value: 30, unit: minutes, priority: P1}
"""

def service(sid: str, title: str, component: str, supplier: str) -> str:
    return (f"apiVersion: fitsm.eu/v1\nkind: Service\n"
            f"metadata: {{id: {sid}, title: {title}, owner: ina, status: approved}}\n"
            f"spec:\n  description: {title} for the lab.\n  lifecycle_status: live\n  customer_facing: true\n"
            f"  components: [{{id: {component}, description: {component}, supplier: {supplier}}}]\n")


SERVICES = service("nd-mail", "Mail", "uplink", "fibre-co") + "---\n" + service("nd-vault", "Vault", "disk", "ops-team")

PARTIES = """\
apiVersion: fitsm.eu/v1
kind: Supplier
metadata: {id: fibre-co, title: Fibre Co, owner: ina, status: approved}
spec: {organisation: Fibre Co, type: external}
---
apiVersion: fitsm.eu/v1
kind: Supplier
metadata: {id: ops-team, title: Operations team, owner: ina, status: approved}
spec: {organisation: Nordlicht operations, type: internal}
---
apiVersion: fitsm.eu/v1
kind: Customer
metadata: {id: lab, title: The lab, owner: ina, status: approved}
spec: {organisation: Lab}
---
apiVersion: fitsm.eu/v1
kind: ReportSpecification
metadata: {id: rep-lab, title: Lab service report, owner: ina, status: approved}
spec:
  purpose: Show the lab how its services did.
  audience: [lab]
  frequency: P1M
  covers: [sla-lab/avail, sla-lab/resp-p1, sla-lab/fix-p1, ua-fibre/avail]
"""


def git(root: Path, *args: str) -> str:
    env = isolated_env(root.parent) | {"GIT_AUTHOR_NAME": "Ina", "GIT_AUTHOR_EMAIL": "ina@nordlicht.example",
                                       "GIT_COMMITTER_NAME": "Ina", "GIT_COMMITTER_EMAIL": "ina@nordlicht.example",
                                       "GIT_AUTHOR_DATE": "2026-12-01T09:00:00+01:00",
                                       "GIT_COMMITTER_DATE": "2026-12-01T09:00:00+01:00"}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    """Nordlicht's SMS, committed in a Git repository; data files go to tmp_path/data."""
    root = tmp_path / "nordlicht"
    files = {"fitsm.yaml": "as_of: 2026-12-05\nmonitoring:\n  names: {FIBRE-CO-AS: fibre-co}\n",
             "services/services.yaml": SERVICES, "agreements/agreements.yaml": AGREEMENTS,
             "parties/parties.yaml": PARTIES}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (tmp_path / "data").mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Nordlicht SMS")
    return root


def data(sms: Path, name: str, content: str | bytes) -> Path:
    """A data file next to the SMS, written byte for byte as given (str: UTF-8, line ends as written)."""
    path = sms.parent / "data" / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def record(sms: Path, agreement: str, label: str = "2026-11") -> dict[str, Any]:
    doc = yaml.safe_load((sms / "evaluations" / f"eval-{agreement}-{label}.yaml").read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def results(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """target id (and service / supplier when given) -> the result as written."""
    found = {}
    for r in doc["spec"]["results"]:
        key = "/".join(str(r[k]) for k in ("target", "service", "supplier") if k in r)
        found[key] = {k: v for k, v in r.items() if k not in ("target", "service", "supplier")}
    return found


def evaluate(fitsm: Callable[..., Run], sms: Path, *args: str | Path, period: str = "2026-11") -> Run:
    return fitsm("evaluate", sms, "--period", period, *args)


# --- tickets ---------------------------------------------------------------------------------------------

# Request Tracker's CSV as a saved search exports it: a byte order mark, CRLF, extra columns, a subject with a
# line break inside quotes, times with offsets, a ticket not resolved (empty).
RT = ("\ufeffid,Subject,service,priority,opened,first_response,resolved,Owner\r\n"
      'RT-7,"Disk full\r\non /vault",nd-vault,P1,2026-11-03T09:00:00+01:00,2026-11-03T10:30:00+01:00,'
      "2026-11-04T16:00:00+01:00,ina\r\n"
      "RT-8,Quota,nd-mail,P2,2026-11-10T07:00:00Z,2026-11-10T08:00:00Z,,ina\r\n")


def test_a_request_tracker_export_gives_the_true_times(sms: Path, fitsm: Callable[..., Run]) -> None:
    tickets = data(sms, "rt-2026-11.csv", RT)
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", tickets)
    assert run.code == 0, run.err
    doc = record(sms, "sla-lab")
    got = results(doc)
    # RT-7: Tuesday 09:00 to 10:30 Vienna is 1.5 support hours; resolved Wednesday 16:00 is 9 + 7 = 16 support
    # hours of 9 a day: 1.78 working days (1.777… shown to 2 decimals, not rounded across the target)
    assert got["resp-p1"] == {"measured": 1.5, "met": True}
    assert got["fix-p1"] == {"measured": 1.78, "met": True}
    assert got["resp-p2"] == {"measured": 0.04, "met": True}  # 1 of 24 hours
    assert got["avail"] == {"note": "not measured: no outage data for the period"}
    assert got["tickets-count"]["note"].startswith("not measured: fitsm evaluate does not measure targets of metric")
    assert "met" not in got["avail"] and "met" not in got["tickets-count"]
    source = doc["spec"]["source"]
    assert source["files"] == [{"path": str(tickets.resolve()),
                                "sha256": hashlib.sha256(tickets.read_bytes()).hexdigest()}]
    assert source["as_of"].isoformat() == "2026-12-05"
    assert source["generated_by"].startswith("fitsm evaluate --period 2026-11 --tickets rt-2026-11.csv (fitsm-kit")
    assert (doc["spec"]["period_start"].isoformat(), doc["spec"]["period_end"].isoformat()) == \
        ("2026-11-01", "2026-11-30")


def test_times_without_an_offset_are_read_in_the_time_zone_given(sms: Path, fitsm: Callable[..., Run]) -> None:
    # Zammad's export without offsets, in the desk's local time: 16:00 to 16:30 Vienna is half a support hour
    zammad = data(sms, "zammad.csv", "id,service,priority,opened,first_response,resolved\n"
                                     "Z-1,nd-mail,P1,2026-11-03 16:00:00,2026-11-03 16:30:00,2026-11-03 16:45:00\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", zammad, "--timezone", "Europe/Vienna",
                   "--dry-run")
    assert run.code == 0, run.err
    [row] = [line for line in run.out.splitlines() if "resp-p1" in line]
    assert [cell.strip() for cell in row.split("│")][5:7] == ["0.5", "yes"]
    assert not (sms / "evaluations").exists()
    # without --timezone the times are not read as UTC (17:00 to 17:30 Vienna, after support hours: 0), which
    # was the default: which zone they are in cannot be told, so nothing is measured from them
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", zammad)
    assert run.code == 2 and "zammad.csv:2: '2026-11-03 16:00:00' has no UTC offset" in run.err
    assert not (sms / "evaluations").exists()


def test_a_supplier_target_is_measured_only_from_the_tickets_passed_to_it(
        sms: Path, fitsm: Callable[..., Run]) -> None:
    """The desk answered RT-8 within the hour; that is not Fibre Co's response to the uplink ticket it got."""
    desk = data(sms, "desk.csv", "id,service,priority,opened,first_response,resolved\n"
                                 "D-1,nd-mail,P1,2026-11-03T09:00:00Z,2026-11-03T09:10:00Z,2026-11-03T12:00:00Z\n")
    assert evaluate(fitsm, sms, "--agreement", "ua-fibre", "--tickets", desk).code == 0
    assert results(record(sms, "ua-fibre"))["resp"] == {
        "note": "not measured: the ticket data says of no ticket which supplier it was passed to (a supplier "
                "column): the service desk's times are not fibre-co's"}
    (sms / "evaluations" / "eval-ua-fibre-2026-11.yaml").unlink()

    # the escalation to Fibre Co as its own row, timed from when it was passed to them: 09:15 to 10:05
    both = data(sms, "both.csv", "id,service,priority,opened,first_response,resolved,supplier\n"
                                 "D-1,nd-mail,P1,2026-11-03T09:00:00Z,2026-11-03T09:10:00Z,2026-11-03T12:00:00Z,\n"
                                 "F-77,nd-mail,P1,2026-11-03T09:15:00Z,2026-11-03T10:05:00Z,2026-11-03T11:50:00Z,"
                                 "fibre-co\n")
    assert evaluate(fitsm, sms, "--tickets", both).code == 0
    assert results(record(sms, "ua-fibre"))["resp"] == {"measured": 50.0, "met": False}
    # the SLA is measured on the desk's row only: 10 minutes, not the supplier's 50
    assert results(record(sms, "sla-lab"))["resp-p1"] == {"measured": 0.17, "met": True}

    stranger = data(sms, "stranger.csv", "id,service,priority,opened,first_response,resolved,supplier\n"
                                         "F-1,nd-mail,P1,2026-11-03T09:15:00Z,2026-11-03T10:05:00Z,,Fibre Co\n")
    run = evaluate(fitsm, sms, "--tickets", stranger, "--dry-run")
    assert run.code == 2 and "stranger.csv:2: supplier 'Fibre Co' is no supplier of the SMS" in run.err


@pytest.mark.parametrize(("name", "content", "said"), [
    # Jira's own columns: none of the ones fitsm reads
    ("jira.csv", "Summary,Issue key,Issue id,Priority,Created,Resolved\r\n"
                 '"Mail down",ND-101,10101,Highest,03/Nov/26 9:15 AM,03/Nov/26 11:00 AM\r\n',
     "jira.csv:1: missing column(s) id, service, priority, opened"),
    # GLPI's date format
    ("glpi.csv", "id,service,priority,opened,first_response,resolved\n"
                 "G-1,nd-mail,P1,03-11-2026 09:15,03-11-2026 10:00,\n",
     "glpi.csv:2: '03-11-2026 09:15' is not an ISO 8601 date and time"),
    # a time zone as a name after the time
    ("otrs.csv", "id,service,priority,opened,first_response,resolved\n"
                 "O-1,nd-mail,P1,2026-11-03 09:15:00 CET,,\n",
     "otrs.csv:2: '2026-11-03 09:15:00 CET' is not an ISO 8601 date and time"),
    ("empty.csv", "", "empty.csv: empty; the file needs a header row naming id, service, priority, opened"),
    # OTRS / Excel in a German locale: semicolons
    ("semicolons.csv", "id;service;priority;opened;first_response;resolved\r\n"
                       "1;nd-mail;P1;2026-11-03 09:00;2026-11-03 10:00;\r\n",
     "semicolons.csv:1: the header is one column, 'id;service;priority;opened;first_response;resolved': the file "
     "is separated by ';'; fitsm reads comma-separated CSV, so export it with commas"),
    ("binary.csv", bytes(range(256)) * 4, "binary.csv: not a readable UTF-8 CSV file"),
    ("latin1.csv", "id,service,priority,opened\nä-1,nd-mail,P1,2026-11-03T09:00\n".encode("latin-1"),
     "latin1.csv: not a readable UTF-8 CSV file"),
])
def test_an_export_fitsm_cannot_read_is_exit_2_naming_the_file_and_line(
        sms: Path, fitsm: Callable[..., Run], name: str, content: str | bytes, said: str) -> None:
    path = data(sms, name, content)
    run = evaluate(fitsm, sms, "--tickets", path)
    assert run.code == 2
    assert said in run.err and str(path.parent) in run.err
    assert not (sms / "evaluations").exists()


def test_a_huge_line_is_exit_2_not_a_crash(sms: Path, fitsm: Callable[..., Run]) -> None:
    path = data(sms, "huge.csv", "id,service,priority,opened,first_response,resolved\n"
                                 + "X" * 2_000_000 + ",nd-mail,P1,2026-11-03T09:00:00+01:00,,\n")
    run = evaluate(fitsm, sms, "--tickets", path)
    assert run.code == 2 and "huge.csv:2: a field is longer than" in run.err
    assert not (sms / "evaluations").exists()


def test_a_directory_or_missing_file_is_exit_2(sms: Path, fitsm: Callable[..., Run]) -> None:
    folder = sms.parent / "data" / "tickets.csv"
    folder.mkdir()
    assert evaluate(fitsm, sms, "--tickets", folder).code == 2
    run = evaluate(fitsm, sms, "--outages", sms.parent / "data" / "nowhere.csv")
    assert run.code == 2 and "nowhere.csv: cannot read" in run.err


def test_a_ticket_of_another_month_measures_nothing(sms: Path, fitsm: Callable[..., Run]) -> None:
    october = data(sms, "october.csv", "id,service,priority,opened,first_response,resolved\n"
                                       "J-1,nd-mail,P1,2026-10-03T09:00:00+02:00,2026-10-03T09:10:00+02:00,\n")
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", october).code == 0
    got = results(record(sms, "sla-lab"))
    for target in ("resp-p1", "fix-p1", "resp-p2"):
        assert "met" not in got[target] and "measured" not in got[target]
        assert got[target]["note"].startswith("not measured: the ticket data has no ticket opened in 2026-11-01")


# --- outages ---------------------------------------------------------------------------------------------

# A status page's incident list, re-keyed to fitsm's columns: planned maintenance mixed in, an outage from
# October into November, two overlapping outages of one service, one into December.
STATUS = ("service,component,start,end,planned,title\n"
          "nd-mail,,2026-10-31T22:00:00+01:00,2026-11-01T02:00:00+01:00,false,Mail queue stuck\n"
          "nd-mail,,2026-11-10T10:00:00+01:00,2026-11-10T12:00:00+01:00,false,Spam filter\n"
          "nd-mail,,2026-11-10T11:00:00+01:00,2026-11-10T13:00:00+01:00,false,\"Mail, again\"\n"
          "nd-vault,,2026-11-14T06:00:00+01:00,2026-11-14T10:00:00+01:00,true,Firmware update\n"
          "nd-mail,uplink,2026-11-30T23:00:00+01:00,2026-12-01T03:00:00+01:00,no,Fibre cut\n")


def test_a_status_page_outage_list_gives_the_true_availability(sms: Path, fitsm: Callable[..., Run]) -> None:
    outages = data(sms, "status-2026-11.csv", STATUS)
    run = evaluate(fitsm, sms, "--outages", outages, "--outages-cover", "2026-11")
    assert run.code == 0, run.err
    # SLA (24x7 Vienna, 43,200 minutes): 120 minutes of the outage from October, 10:00-13:00 once (180), the
    # planned firmware update outside any declared maintenance window (240), and 23:00-24:00 of the fibre cut
    # on the last day (60): 600 minutes, 98.6111 %
    sla = results(record(sms, "sla-lab"))
    assert sla["avail"] == {"measured": 98.6111, "met": False}
    text = (sms / "evaluations" / "eval-sla-lab-2026-11.yaml").read_text(encoding="utf-8")
    assert "# avail: target 99.5 %; 43,200 agreed minutes, 600 minutes down" in text
    # UA (uplink only, 24x7 UTC): 22:00-24:00 UTC of the fibre cut
    assert results(record(sms, "ua-fibre"))["avail"] == {"measured": 99.7222, "met": False}


def test_an_outage_without_an_end_is_exit_2(sms: Path, fitsm: Callable[..., Run]) -> None:
    ongoing = data(sms, "ongoing.csv", "service,component,start,end,planned\n"
                                       "nd-mail,,2026-11-10T10:00:00+01:00,,false\n")
    run = evaluate(fitsm, sms, "--outages", ongoing)
    assert run.code == 2 and "ongoing.csv:2: the outage has no end; give the time it ended" in run.err
    assert not (sms / "evaluations").exists()


def test_a_placeholder_end_far_in_the_future_is_refused(sms: Path, fitsm: Callable[..., Run]) -> None:
    placeholder = data(sms, "placeholder.csv", "service,component,start,end,planned\n"
                                               "nd-mail,,2026-11-10T10:00:00+01:00,9999-12-31T00:00:00,false\n")
    run = evaluate(fitsm, sms, "--outages", placeholder, "--timezone", "UTC")  # the end is written without offset
    assert run.code == 2 and "placeholder.csv:2:" in run.err and "after 2026-12-05" in run.err


# --- monitoring ------------------------------------------------------------------------------------------

def test_argo_csv_with_text_percentages_and_a_blank_figure(sms: Path, fitsm: Callable[..., Run]) -> None:
    argo = data(sms, "argo.csv", "month,site,availability,reliability,unknown\n"
                                 "2026-11,FIBRE-CO-AS,99.95%,,0.01\n2026-10,FIBRE-CO-AS,90,90,0\n")
    run = evaluate(fitsm, sms, "--agreement", "ua-fibre", "--monitoring", argo,
                   "--monitoring-columns", "period=month,provider=site")
    assert run.code == 0, run.err
    got = results(record(sms, "ua-fibre"))
    assert got["avail"] == {"measured": 99.95, "met": True}  # October's 90 % is another month
    assert got["rel"] == {"note": f"not measured: no reliability figure for fibre-co in 2026-11 ({argo}:2)"}
    assert got["resp"] == {"note": "not measured: no ticket data for the period"}


def test_argo_unknown_as_text_is_exit_2(sms: Path, fitsm: Callable[..., Run]) -> None:
    argo = data(sms, "argo.csv", "month,site,availability,reliability\n2026-11,FIBRE-CO-AS,UNKNOWN,99\n")
    run = evaluate(fitsm, sms, "--monitoring", argo, "--monitoring-columns", "period=month,provider=site")
    assert run.code == 2 and "argo.csv:2: column 'availability': 'UNKNOWN' is not a number" in run.err


def test_argo_json_missing_a_month_of_the_quarter_is_not_measured(sms: Path, fitsm: Callable[..., Run]) -> None:
    argo = data(sms, "argo.json", """{"results": [{"name": "NGI_X", "type": "NGI", "endpoints": [
        {"name": "FIBRE-CO-AS", "type": "SITES", "results": [
          {"timestamp": "2026-10", "availability": "99.2", "reliability": "99.5", "unknown": "0"},
          {"timestamp": "2026-12", "availability": "99.99", "reliability": "99.99", "unknown": "0"}]}]}]}""")
    run = evaluate(fitsm, sms, "--agreement", "ua-fibre", "--monitoring", argo, "--monitoring-columns",
                   "period=timestamp,provider=SITES", "--as-of", "2027-01-10", period="2026-Q4")
    assert run.code == 0, run.err
    got = results(record(sms, "ua-fibre", "2026-q4"))
    assert got["avail"] == {"note": "not measured: no monitoring row for fibre-co in 2026-11"}
    assert got["rel"] == {"note": "not measured: no monitoring row for fibre-co in 2026-11"}


# --- records ---------------------------------------------------------------------------------------------

def test_a_second_run_for_the_period_keeps_the_first_record(sms: Path, fitsm: Callable[..., Run]) -> None:
    first = data(sms, "rt.csv", RT)
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", first).code == 0
    path = sms / "evaluations" / "eval-sla-lab-2026-11.yaml"
    before = path.read_bytes()
    git(sms, "add", "-A")
    git(sms, "commit", "-q", "-m", "Evaluation of November")
    late = data(sms, "late.csv", "id,service,priority,opened,first_response,resolved\n"
                                 "L-1,nd-mail,P1,2026-11-03T09:00:00+01:00,2026-11-09T09:00:00+01:00,\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", late)
    assert run.code == 0 and f"kept existing {path}" in run.out
    assert path.read_bytes() == before and git(sms, "status", "--porcelain") == ""
    # the table shows this run's results; that they are not what the kept record says is said, not left to guess
    kept = f"{path} was kept: it records other results for sla-lab than the table shows, which were not recorded"
    assert kept in " ".join(run.err.split())
    again = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", first)  # the same data: the same results
    assert again.code == 0 and f"kept existing {path}" in again.out and "was kept" not in again.err
    # a file of the user's at the record's path that is no evaluation is not replaced, and the run does not say
    # it kept a record (exit 0 and "kept existing" before, with no evaluation recorded anywhere)
    for mine in ("my notes, not YAML: [\n", "apiVersion: fitsm.eu/v1\nkind: Note\nmetadata: {id: mine}\n"):
        path.write_text(mine, encoding="utf-8")
        run = evaluate(fitsm, sms, "--tickets", late)
        assert run.code == 2 and "kept existing" not in run.out
        assert (f"{path} exists and is not the evaluation of sla-lab for 2026-11-01..2026-11-30; nothing was "
                "written") in run.err
        assert path.read_text(encoding="utf-8") == mine
        assert not (sms / "evaluations" / "eval-ua-fibre-2026-11.yaml").exists()  # no record of the others either


def test_a_ticket_id_with_control_characters_and_ci_commands(sms: Path, fitsm: Callable[..., Run]) -> None:
    evil = data(sms, "evil.csv", "id,service,priority,opened,first_response,resolved\n"
                                 '"\x1b[31mEVIL\x1b[0m\n::error::pwned\n- {target: x, met: true}",nd-mail,P1,'
                                 "2026-11-03T09:00:00+01:00,2026-11-06T09:00:00+01:00,\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", evil)
    assert run.code == 0, run.err
    assert "\x1b" not in run.out + run.err
    assert not any(line.lstrip().startswith("::") for line in (run.out + run.err).splitlines())
    text = (sms / "evaluations" / "eval-sla-lab-2026-11.yaml").read_text(encoding="utf-8")
    assert "\x1b" not in text
    got = results(yaml.safe_load(text))
    assert set(got) == {"avail", "resp-p1", "fix-p1", "resp-p2", "tickets-count"}  # no result smuggled in
    assert got["resp-p1"] == {"measured": 27.0, "met": False}  # Tuesday 09:00 to Friday 09:00 Vienna


def test_the_real_command_end_to_end(sms: Path) -> None:
    """``python -m fitsm_kit`` as a user runs it: evaluate, then report, in a separate process each."""
    outages = data(sms, "status.csv", STATUS)
    tickets = data(sms, "rt.csv", RT)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("GITHUB_ACTIONS", None)

    def fitsm(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "fitsm_kit", *map(str, args)], cwd=sms, env=env,
                              capture_output=True, text=True, check=False)

    done = fitsm("evaluate", "--period", "2026-11", "--outages", outages, "--outages-cover", "2026-11",
                 "--tickets", tickets)
    assert done.returncode == 0, done.stderr
    assert results(record(sms, "sla-lab"))["avail"] == {"measured": 98.6111, "met": False}
    done = fitsm("report", "rep-lab", "--period", "2026-11")
    assert done.returncode == 0, done.stderr
    md = (sms / "reports" / "rep-lab" / "rep-lab-2026-11.md").read_text(encoding="utf-8")
    assert "| sla-lab | avail |  | 99.5 % | 98.6111 | no | 2026-11-01 – 2026-11-30 |" in md
    assert "| ua-fibre | avail |  | 99.9 % | 99.7222 | no | 2026-11-01 – 2026-11-30 |" in md
    assert "| sla-lab | fix-p1 |  | 2 working-days | 1.78 | yes |" in md
    again = fitsm("report", "rep-lab", "--period", "2026-11")
    assert again.returncode == 2 and "never overwritten" in again.stderr



# --- found in this audit: each test failed before its fix ------------------------------------------------

def test_a_response_before_the_ticket_was_opened_is_exit_2(sms: Path, fitsm: Callable[..., Run]) -> None:
    # an OTRS export whose first_response is the customer's mail before the ticket was created: measured as 0
    # and met before; no true time can be told from it
    backwards = data(sms, "otrs.csv", "id,service,priority,opened,first_response,resolved\n"
                                      "O-1,nd-mail,P1,2026-11-03T09:00:00+01:00,2026-11-02T10:00:00+01:00,"
                                      "2026-11-03T10:00:00+01:00\n")
    run = evaluate(fitsm, sms, "--tickets", backwards)
    assert run.code == 2
    assert "otrs.csv:2: first_response 2026-11-02T09:00:00+00:00 is before opened 2026-11-03T08:00:00+00:00" \
        in run.err
    assert not (sms / "evaluations").exists()
    resolved = data(sms, "resolved.csv", "id,service,priority,opened,first_response,resolved\n"
                                         "O-2,nd-mail,P1,2026-11-03T09:00:00+01:00,,2026-11-01T10:00:00+01:00\n")
    run = evaluate(fitsm, sms, "--tickets", resolved)
    assert run.code == 2 and "resolved.csv:2: resolved 2026-11-01T09:00:00+00:00 is before opened" in run.err


@pytest.mark.parametrize(("option", "name", "content", "said"), [
    # GLPI's category title rather than the SMS id: every ticket target of sla-lab was met, none being its
    ("--tickets", "glpi.csv", "id,service,priority,opened,first_response,resolved\n"
                              "G-1,Mail Service,P1,2026-11-03T09:00:00+01:00,2026-11-09T10:00:00+01:00,\n",
     "glpi.csv:2: service 'Mail Service' is no service of the SMS"),
    # a status page's component name: 100 % availability and met, for an outage of two days
    ("--outages", "status.csv", "service,component,start,end,planned\n"
                                "Mail,,2026-11-10T10:00:00+01:00,2026-11-12T12:00:00+01:00,false\n",
     "status.csv:2: service 'Mail' is no service of the SMS"),
    # a component the service does not have: the UA on the uplink recorded 100 %
    ("--outages", "uplink.csv", "service,component,start,end,planned\n"
                                "nd-mail,uplink-2,2026-11-10T10:00:00+01:00,2026-11-12T12:00:00+01:00,false\n",
     "uplink.csv:2: component 'uplink-2' is no component of service nd-mail; did you mean 'uplink'?"),
])
def test_a_name_the_sms_does_not_know_is_exit_2_not_a_met_target(
        sms: Path, fitsm: Callable[..., Run], option: str, name: str, content: str, said: str) -> None:
    path = data(sms, name, content)
    run = evaluate(fitsm, sms, option, path)
    assert run.code == 2
    assert said in run.err
    assert not (sms / "evaluations").exists()


def test_rows_of_unknown_services_outside_the_period_do_not_matter(sms: Path, fitsm: Callable[..., Run]) -> None:
    # a service retired and deleted from the SMS long ago, in a full export of the desk's history
    tickets = data(sms, "all.csv", RT + "OLD-1,nd-fax,P1,2025-02-03T09:00:00+01:00,2025-02-03T09:30:00+01:00,\n")
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", tickets).code == 0
    assert results(record(sms, "sla-lab"))["resp-p1"] == {"measured": 1.5, "met": True}


def test_a_priority_spelt_otherwise_than_the_agreement_is_exit_2(sms: Path, fitsm: Callable[..., Run]) -> None:
    # Zammad writes 'p1' where the SLA says P1: the late ticket counted for no target, which was met
    zammad = data(sms, "zammad.csv", "id,service,priority,opened,first_response,resolved\n"
                                     "Z-1,nd-mail,p1,2026-11-03T09:00:00+01:00,2026-11-05T10:00:00+01:00,\n"
                                     "Z-2,nd-mail,P2,2026-11-04T09:00:00+01:00,2026-11-04T10:00:00+01:00,\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", zammad)
    assert run.code == 2
    assert "zammad.csv:2: priority 'p1' is not 'P1' as sla-lab's targets spell it" in run.err
    assert not (sms / "evaluations").exists()


def test_priorities_none_of_which_the_agreement_names_measure_nothing(sms: Path, fitsm: Callable[..., Run]) -> None:
    # OTRS's own priority names: the SLA's P1 and P2 targets were recorded as met, no ticket being 'P1'
    otrs = data(sms, "otrs.csv", "id,service,priority,opened,first_response,resolved\n"
                                 "O-1,nd-mail,5 very high,2026-11-03T09:00:00+01:00,2026-11-09T10:00:00+01:00,\n"
                                 "O-2,nd-vault,3 normal,2026-11-04T09:00:00+01:00,2026-11-04T10:00:00+01:00,\n")
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", otrs).code == 0
    got = results(record(sms, "sla-lab"))
    why = ("not measured: no ticket in the ticket data has a priority its targets name (P1, P2); the data has "
           "3 normal, 5 very high: export the priorities as the agreement names them")
    assert got["resp-p1"] == got["fix-p1"] == got["resp-p2"] == {"note": why}
    # a month with P2 tickets only is a month without P1 tickets: none was late, but no P1 time was measured
    p2 = data(sms, "p2.csv", "id,service,priority,opened,first_response,resolved\n"
                             "O-3,nd-mail,P2,2026-11-03T09:00:00+01:00,2026-11-03T10:00:00+01:00,\n")
    (sms / "evaluations" / "eval-sla-lab-2026-11.yaml").unlink()
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", p2).code == 0
    got = results(record(sms, "sla-lab"))
    assert got["resp-p1"] == {"note": "nothing to measure: no tickets of priority P1 in the period in the ticket "
                                      "data, so no response time to measure", "nothing_to_measure": True}


def test_a_month_below_target_is_not_hidden_by_a_quarter(sms: Path, fitsm: Callable[..., Run]) -> None:
    # 4 hours down in October (44,700 minutes with the clocks going back): 99.4631 % in October, below the
    # monthly 99.5 %; over the quarter (132,540 minutes) 99.8189 %, which was recorded as met
    outages = data(sms, "q4.csv", "service,component,start,end,planned\n"
                                  "nd-vault,disk,2026-10-12T10:00:00+02:00,2026-10-12T14:00:00+02:00,false\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--outages", outages, "--outages-cover", "2026-Q4",
                   "--as-of", "2027-01-10",
                   period="2026-Q4")
    assert run.code == 0, run.err
    assert results(record(sms, "sla-lab", "2026-q4"))["avail"] == {"measured": 99.4631, "met": False}
    text = (sms / "evaluations" / "eval-sla-lab-2026-q4.yaml").read_text(encoding="utf-8")
    assert ("# avail: target 99.5 %; least favourable of 3 months: 2026-10 (44,700 agreed minutes, 240 minutes "
            "down); 2026-10 99.4631 %, 2026-11 100 %, 2026-12 100 %") in text


def test_a_target_for_one_service_or_in_hours(sms: Path, fitsm: Callable[..., Run]) -> None:
    agreements = sms / "agreements" / "agreements.yaml"
    agreements.write_text(agreements.read_text(encoding="utf-8").replace(
        "    - {id: tickets-count,",
        "    - {id: vault-avail, metric: availability, value: 99.9, unit: \"%\", services: [nd-vault]}\n"
        "    - {id: vault-resp, metric: response-time, value: 1, unit: hours, priority: P1, services: [nd-vault]}\n"
        "    - {id: avail-hours, metric: availability, value: 700, unit: hours}\n"
        "    - {id: tickets-count,"), encoding="utf-8")
    outages = data(sms, "outages.csv", "service,component,start,end,planned\n"
                                       "nd-mail,,2026-11-10T10:00:00+01:00,2026-11-10T12:00:00+01:00,false\n")
    tickets = data(sms, "tickets.csv", "id,service,priority,opened,first_response,resolved\n"
                                       "M-1,nd-mail,P1,2026-11-03T09:00:00+01:00,2026-11-03T12:00:00+01:00,\n"
                                       "V-1,nd-vault,P1,2026-11-04T09:00:00+01:00,2026-11-04T09:30:00+01:00,\n")
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--outages", outages, "--outages-cover", "2026-11",
                   "--tickets", tickets)
    assert run.code == 0, run.err
    got = results(record(sms, "sla-lab"))
    # the mail outage and the mail ticket are not the vault's (they counted against its targets before)
    assert got["vault-avail"] == {"measured": 100.0, "met": True}
    assert got["vault-resp"] == {"measured": 0.5, "met": True}
    assert got["avail"] == {"measured": 99.7222, "met": True}
    # availability from outages is a percentage: 99.72 was compared with 700 hours and recorded as missed
    assert got["avail-hours"] == {"note": "not measured: availability from outages is a percentage; the target is "
                                          "in hours"}


def test_ticket_data_of_one_month_measures_no_quarter(sms: Path, fitsm: Callable[..., Run]) -> None:
    # November's export, evaluated for the fourth quarter: October's and December's tickets are not in it,
    # and the quarter's ticket targets were recorded as met from November's alone
    tickets = data(sms, "rt-2026-11.csv", RT)
    run = evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", tickets, "--as-of", "2027-01-10",
                   period="2026-Q4")
    assert run.code == 0, run.err
    got = results(record(sms, "sla-lab", "2026-q4"))
    why = ("not measured: the ticket data has no ticket opened in 2026-10, 2026-12, so nothing shows it covers "
           "those months of 2026-10-01..2026-12-31; export the period's tickets")
    assert got["resp-p1"] == got["fix-p1"] == got["resp-p2"] == {"note": why}


def test_a_ticket_twice_with_other_times_is_exit_2_and_twice_the_same_counts_once(
        sms: Path, fitsm: Callable[..., Run]) -> None:
    # a reopened ticket exported once per resolution: which resolution counts cannot be told from the rows
    reopened = data(sms, "reopened.csv", "id,service,priority,opened,first_response,resolved\n"
                                         "R-1,nd-mail,P1,2026-11-03T09:00:00+01:00,2026-11-03T10:00:00+01:00,"
                                         "2026-11-03T12:00:00+01:00\n"
                                         "R-1,nd-mail,P1,2026-11-03T09:00:00+01:00,2026-11-03T10:00:00+01:00,"
                                         "2026-11-12T12:00:00+01:00\n")
    run = evaluate(fitsm, sms, "--tickets", reopened)
    assert run.code == 2
    assert "reopened.csv:3: ticket 'R-1' again, with other fields than at" in run.err and "reopened.csv:2" in run.err
    assert not (sms / "evaluations").exists()
    # the same export given twice (or two overlapping exports): each ticket once
    first, again = data(sms, "a.csv", RT), data(sms, "b.csv", RT)
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", first, "--tickets", again).code == 0
    text = (sms / "evaluations" / "eval-sla-lab-2026-11.yaml").read_text(encoding="utf-8")
    assert "# resp-p1: target 4 working-hours; 1 ticket(s); slowest RT-7: 1.5 working-hours" in text


HOSTILE_TARGET = "x\n| forged | row |\n![t](http://evil.example/t.png) [click](http://evil.example) <script>"


def test_report_cells_from_records_cannot_add_markdown_rows_links_or_formulas(
        sms: Path, fitsm: Callable[..., Run]) -> None:
    # a hand-written evaluation (records are edited by people) with a target name that breaks a Markdown
    # table: before, its line breaks started new rows and paragraphs and the image was fetched by viewers
    spec = sms / "parties" / "parties.yaml"
    formula = "=cmd|' /C calc'!A0"
    covers = f"covers: [{yaml.safe_dump(f'sla-lab/{HOSTILE_TARGET}').strip()}, \"sla-lab/{formula}\", "
    spec.write_text(spec.read_text(encoding="utf-8").replace("covers: [", covers), encoding="utf-8")
    (sms / "evaluations").mkdir()
    (sms / "evaluations" / "eval-by-hand.yaml").write_text(yaml.safe_dump({
        "apiVersion": "fitsm.eu/v1", "kind": "AgreementEvaluation",
        "metadata": {"id": "eval-by-hand", "title": "By hand", "owner": "ina", "status": "recorded"},
        "spec": {"agreement": "sla-lab", "period_start": "2026-11-01", "period_end": "2026-11-30",
                 "results": [{"target": HOSTILE_TARGET, "measured": 1, "met": True},
                             {"target": formula, "measured": 2, "met": True},
                             {"target": "avail", "measured": 99.9, "met": True}]}}), encoding="utf-8")
    run = fitsm("report", "rep-lab", "--sms", sms, "--period", "2026-11")
    assert run.code == 0, run.err
    folder = sms / "reports" / "rep-lab"
    md = (folder / "rep-lab-2026-11.md").read_text(encoding="utf-8")
    table = [line for line in md.splitlines() if line.startswith("| sla-lab")]
    assert len(table) == 3 and all(line.endswith("| 2026-11-01 – 2026-11-30 |") for line in table)
    assert "x \\| forged \\| row \\| \\!\\[t\\](http://evil.example/t.png) \\[click\\](http" in md
    assert "<script>" not in md
    assert "| sla-lab | avail |  | 99.5 % | 99.9 | yes |" in md
    page = (folder / "rep-lab-2026-11.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    rows = (folder / "rep-lab-2026-11.csv").read_text(encoding="utf-8")
    assert f"'{formula}" in rows and f",{formula}" not in rows


def test_availability_given_as_fractions_is_exit_2_unless_said(sms: Path, fitsm: Callable[..., Run]) -> None:
    # a monitoring export writing 0.995 for 99.5 %: recorded as 0.995 % measured and missed before
    argo = data(sms, "argo-fractions.csv", "month,site,availability,reliability\n2026-11,FIBRE-CO-AS,0.9995,0.999\n")
    columns = ("--monitoring", argo, "--monitoring-columns", "period=month,provider=site")
    run = evaluate(fitsm, sms, "--agreement", "ua-fibre", *columns)
    assert run.code == 2
    assert ("argo-fractions.csv: every figure under 'availability' is between 0 and 1 (0.9995 at "
            f"{argo}:2)") in run.err and "--monitoring-fraction availability" in run.err
    assert not (sms / "evaluations").exists()
    run = evaluate(fitsm, sms, "--agreement", "ua-fibre", *columns, "--monitoring-fraction", "availability",
                   "--monitoring-fraction", "reliability")
    assert run.code == 0, run.err
    got = results(record(sms, "ua-fibre"))
    assert got["avail"] == {"measured": 99.95, "met": True} and got["rel"] == {"measured": 99.9, "met": True}


@pytest.mark.parametrize("zone", ["Mars/Base", "../../etc/passwd", "CET "])
def test_a_time_zone_that_is_none_is_exit_2_naming_the_option(sms: Path, fitsm: Callable[..., Run], zone: str) -> None:
    # an internal error (exit 3) before, or an error blaming the data's times
    zammad = data(sms, "zammad.csv", "id,service,priority,opened,first_response,resolved\n"
                                     "Z-1,nd-mail,P1,2026-11-03 16:00:00,2026-11-03 16:30:00,\n")
    run = evaluate(fitsm, sms, "--tickets", zammad, "--timezone", zone)
    assert run.code == 2
    assert f"--timezone {zone!r} is not an IANA time zone such as Europe/Berlin or UTC" in run.err


def test_a_resolved_ticket_without_a_first_response_is_not_called_open(sms: Path, fitsm: Callable[..., Run]) -> None:
    # Zammad leaves first_response empty when an agent closes a ticket without writing to the customer; the
    # record said "still open" of a ticket the data shows resolved
    zammad = data(sms, "zammad.csv", "id,service,priority,opened,first_response,resolved\n"
                                     "X-1,nd-mail,P1,2026-11-03T09:00:00+01:00,,2026-11-03T09:30:00+01:00\n"
                                     "X-2,nd-mail,P1,2026-11-20T09:00:00+01:00,2026-11-20T09:10:00+01:00,"
                                     "2026-11-20T09:30:00+01:00\n")
    assert evaluate(fitsm, sms, "--agreement", "sla-lab", "--tickets", zammad).code == 0
    text = (sms / "evaluations" / "eval-sla-lab-2026-11.yaml").read_text(encoding="utf-8")
    # no response in the data: counted to its newest time (Nov 20 08:30 UTC), 13 days of 9 support hours + 0.5
    assert ("# resp-p1: target 4 working-hours; 2 ticket(s); slowest X-1 (resolved with no first response in the "
            "data, counted at 2026-11-20 08:30 UTC, the newest time in the ticket data: at least this): 117.5 "
            "working-hours") in text
    assert results(record(sms, "sla-lab"))["resp-p1"] == {"measured": 117.5, "met": False}


def test_no_outages_occurred_against_an_outage_log_of_the_period_is_exit_2(
        sms: Path, fitsm: Callable[..., Run]) -> None:
    # the user's statement and the SMS's own log disagree: the record held both, the statement as theirs and
    # the logged outage's downtime in the figure
    (sms / "records").mkdir()
    (sms / "records" / "outages.yaml").write_text(
        "apiVersion: fitsm.eu/v1\nkind: OutageLog\nmetadata: {id: outages-nov, title: Outages, owner: ina, "
        "status: recorded}\nspec:\n  timezone: Europe/Vienna\n  outages:\n"
        "    - {service: nd-vault, start: 2026-11-14T06:00:00, end: 2026-11-14T10:00:00}\n", encoding="utf-8")
    run = evaluate(fitsm, sms, "--no-outages-occurred")
    assert run.code == 2
    assert ("--no-outages-occurred states that no outage occurred in 2026-11-01..2026-11-30, but "
            "records/outages.yaml (outage 1) records one of nd-vault") in run.err
    assert not (sms / "evaluations").exists()
