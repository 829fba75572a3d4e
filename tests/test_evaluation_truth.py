"""`fitsm evaluate` and `fitsm report` record nothing as measured or met without data.

Each test runs the real command on Nordlicht's SMS (a real Git repository, from :mod:`test_outside_data`)
with data written as a service desk or a status page exports it, and reads the record written, the report
or the exit 2. Each failed before its fix.
"""

from __future__ import annotations

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
    why = "not measured: no tickets of priority P1 in the period in the ticket data, so no {} to measure"
    assert got["resp-p1"] == {"note": why.format("response time")}
    assert got["fix-p1"] == {"note": why.format("resolution time")}
    # the evaluate table shows it as not measured, and the check does not take the record as a measurement
    [row] = [line for line in run.out.splitlines() if "resp-p1" in line]
    assert [cell.strip() for cell in row.split("│")][5:7] == ["-", "not"]  # "not measured", wrapped
    check = fitsm("check", sms, "--as-of", "2026-12-05")
    assert "target resp-p1 has no measurement in the latest evaluation eval-sla-lab-2026-11 (not measured: no " \
           "tickets of priority P1" in check.out
    # the report shows it as not measured and says the period is not covered for it
    assert fitsm("report", "rep-lab", "--sms", sms, "--period", "2026-11").code == 0
    md = (sms / "reports" / "rep-lab" / "rep-lab-2026-11.md").read_text(encoding="utf-8")
    assert "| sla-lab | resp-p1 |  | 4 working-hours | - | not measured | 2026-11-01 – 2026-11-30 |" in md
    assert "sla-lab/resp-p1: data for 0 of 30 days" in md
