"""Worked numbers for SLA evaluation (FitSM-0 availability, service hours, maintenance, DST)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fitsm_kit.engine.load import read_sms
from fitsm_kit.evaluation.evaluate import TargetResult, business_minutes, evaluate, measure_availability
from fitsm_kit.evaluation.measurements import OutageRecord, Ticket
from fitsm_kit.model.service import Hours, Target
from fitsm_kit.model.timeline import UTC, agreed_time, local_period, minutes
from fitsm_kit.sms.config import load_config

from conftest import EXAMPLES

ALWAYS = Hours(always=True, timezone="UTC")
OFFICE = Hours(timezone="Europe/Berlin", windows=[{"days": ["mon", "tue", "wed", "thu", "fri"],
                                                    "start": "08:00", "end": "18:00"}])
VIENNA = ZoneInfo("Europe/Vienna")
AVAILABILITY = Target(id="availability", metric="availability", value=99.5, unit="%")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def outage(start: dt.datetime, end: dt.datetime) -> OutageRecord:
    return OutageRecord("svc", None, start, end, False, "test")


NOVEMBER = local_period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "UTC")


def test_a_30_day_month_at_24x7_is_43200_agreed_minutes() -> None:
    assert minutes(agreed_time(ALWAYS, NOVEMBER)) == 43_200


def test_90_unplanned_minutes_give_99_79_percent() -> None:
    down = [outage(utc(2026, 11, 3, 10), utc(2026, 11, 3, 11, 30))]
    result = measure_availability(AVAILABILITY, ALWAYS, NOVEMBER, down)
    assert result.measured == pytest.approx(99.7917, abs=1e-4)
    assert f"{result.measured:.2f}" == "99.79"
    assert result.met


def test_the_same_outage_in_a_declared_maintenance_window_gives_100_percent() -> None:
    hours = Hours(always=True, timezone="UTC",
                  maintenance=[{"start": "2026-11-03T09:00:00+00:00", "end": "2026-11-03T12:00:00+00:00"}])
    down = [outage(utc(2026, 11, 3, 10), utc(2026, 11, 3, 11, 30))]
    result = measure_availability(AVAILABILITY, hours, NOVEMBER, down)
    assert result.measured == 100.0
    assert "43,020 agreed minutes" in result.detail  # 3 maintenance hours are not agreed service time


def test_free_text_exceptions_to_the_service_hours_are_said_not_taken_out() -> None:
    """An outage on a public holiday the SLA excepts in words is counted (no date says which day): the result
    says so instead of passing for a measurement that took the holidays out."""
    hours = Hours(always=True, timezone="UTC", exceptions=["public holidays in Austria"])
    down = [outage(utc(2026, 11, 3, 10), utc(2026, 11, 3, 11, 30))]
    result = measure_availability(AVAILABILITY, hours, NOVEMBER, down)
    assert result.measured == measure_availability(AVAILABILITY, ALWAYS, NOVEMBER, down).measured
    assert result.detail == ("43,200 agreed minutes, 90 minutes down; 1 exception to the service hours (free text, "
                             "e.g. public holidays) was not taken out of the agreed time")
    assert "exception" not in measure_availability(AVAILABILITY, ALWAYS, NOVEMBER, down).detail


def test_outage_from_friday_17_to_monday_09_counts_120_minutes_in_office_hours() -> None:
    # 2026-11-06 is a Friday; 17:00 Berlin = 16:00 UTC
    period = local_period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "Europe/Berlin")
    down = outage(dt.datetime(2026, 11, 6, 16, tzinfo=UTC), dt.datetime(2026, 11, 9, 8, tzinfo=UTC))
    agreed = agreed_time(OFFICE, period)
    assert minutes(agreed) == 21 * 10 * 60  # 21 working days in November 2026
    result = measure_availability(AVAILABILITY, OFFICE, period, [down])
    assert "120 minutes down" in result.detail
    assert result.measured == pytest.approx(100 * (12_600 - 120) / 12_600, abs=1e-4)


def test_overlapping_outages_count_once() -> None:
    both = [outage(utc(2026, 11, 3, 10), utc(2026, 11, 3, 11)),
            outage(utc(2026, 11, 3, 10, 30), utc(2026, 11, 3, 11, 30))]
    result = measure_availability(AVAILABILITY, ALWAYS, NOVEMBER, both)
    assert "90 minutes down" in result.detail


def test_daylight_saving_changes_in_the_agreement_time_zone() -> None:
    berlin = Hours(always=True, timezone="Europe/Berlin")
    march = local_period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "Europe/Berlin")  # clocks go forward 29 March
    october = local_period(dt.date(2026, 10, 1), dt.date(2026, 10, 31), "Europe/Berlin")  # back on 25 October
    assert minutes(agreed_time(berlin, march)) == 31 * 1440 - 60
    assert minutes(agreed_time(berlin, october)) == 31 * 1440 + 60
    # office hours stay ten local hours on the day the clocks change (Monday 30 March 2026)
    day = local_period(dt.date(2026, 3, 30), dt.date(2026, 3, 30), "Europe/Berlin")
    assert minutes(agreed_time(OFFICE, day)) == 600


def test_response_time_counts_only_support_hours() -> None:
    # opened Friday 17:30 Berlin, answered Monday 08:30 Berlin: 30 + 30 minutes of support time
    opened = dt.datetime(2026, 11, 6, 16, 30, tzinfo=UTC)
    answered = dt.datetime(2026, 11, 9, 7, 30, tzinfo=UTC)
    assert business_minutes(OFFICE, opened, answered) == 60


def test_overnight_windows_end_the_next_day() -> None:
    night = Hours(timezone="UTC", windows=[{"days": ["mon"], "start": "22:00", "end": "06:00"}])
    week = local_period(dt.date(2026, 11, 2), dt.date(2026, 11, 8), "UTC")  # Monday to Sunday
    assert minutes(agreed_time(night, week)) == 8 * 60


def _corporate_sla_response(responded: dt.datetime) -> tuple[float | None, bool | None]:
    """The first-response result (2 working days, support Mon–Fri 09–17 Vienna) of one ticket opened Friday 16:00."""
    root = EXAMPLES / "federation"
    sms = read_sms(root, load_config(root), dt.date(2026, 11, 15))
    opened = dt.datetime(2026, 10, 23, 16, 0, tzinfo=VIENNA)  # a Friday, 7 of the 8 support hours gone
    ticket = Ticket("T-1", "dc-cloud-compute", "high", opened.astimezone(UTC), responded.astimezone(UTC), None, "t")
    agreement = sms.get("dc-corporate-sla", "SLA")
    assert agreement is not None
    result = evaluate(sms, agreement, dt.date(2026, 10, 1), dt.date(2026, 10, 31), None, [ticket])
    [response] = [r for r in result.results if r.target.id == "first-response"]
    return response.measured, response.met


def _corporate_sla_tickets(*tickets: tuple[str, dt.datetime | None, dt.datetime]) -> TargetResult:
    """The first-response result (2 working days, support Mon–Fri 09–17 Vienna) of tickets (id, first response
    or None when the data shows none yet, opened) in October 2026."""
    root = EXAMPLES / "federation"
    sms = read_sms(root, load_config(root), dt.date(2026, 11, 15))
    data = [Ticket(i, "dc-cloud-compute", "high", opened.astimezone(UTC), responded and responded.astimezone(UTC),
                   None, "t") for i, responded, opened in tickets]
    agreement = sms.get("dc-corporate-sla", "SLA")
    assert agreement is not None
    result = evaluate(sms, agreement, dt.date(2026, 10, 1), dt.date(2026, 10, 31), None, data)
    [response] = [r for r in result.results if r.target.id == "first-response"]
    return response


FRIDAY_4PM = dt.datetime(2026, 10, 23, 16, 0, tzinfo=VIENNA)
NEXT_FRIDAY = dt.datetime(2026, 10, 30, 10, 0, tzinfo=VIENNA)  # five working days later


def test_a_ticket_still_unanswered_past_its_target_is_a_missed_target() -> None:
    # T-1 has no first response in the data; T-2 shows the data reaches the next Friday, by when T-1 was late
    result = _corporate_sla_tickets(("T-1", None, FRIDAY_4PM), ("T-2", NEXT_FRIDAY, NEXT_FRIDAY))
    assert result.met is False and result.measured is not None and result.measured > 2
    assert "slowest T-1 (still open at" in result.detail


def test_an_unanswered_ticket_not_yet_late_leaves_the_target_not_measured() -> None:
    # the only ticket has no first response yet, and the data holds nothing later than its opening
    result = _corporate_sla_tickets(("T-1", None, FRIDAY_4PM))
    assert (result.met, result.measured) == (None, None)
    assert result.detail.startswith("not measured: 1 ticket(s) still open") and "T-1" in result.detail
    # a ticket answered late decides it, whatever the open one does
    monday = dt.datetime(2026, 10, 26, 9, 0, tzinfo=VIENNA)
    late = _corporate_sla_tickets(("T-1", None, NEXT_FRIDAY), ("T-2", NEXT_FRIDAY, monday))
    assert late.met is False and late.measured == 4.13 and "slowest T-2:" in late.detail


def test_two_working_days_from_friday_are_met_by_tuesday_at_the_same_hour() -> None:
    assert _corporate_sla_response(dt.datetime(2026, 10, 27, 16, 0, tzinfo=VIENNA)) == (2.0, True)


def test_a_minute_past_two_working_days_is_missed_and_never_shown_as_2() -> None:
    assert _corporate_sla_response(dt.datetime(2026, 10, 27, 16, 1, tzinfo=VIENNA)) == (2.01, False)


def test_one_working_day_and_a_half() -> None:
    # Friday 16:00 + 1.5 working days: Monday 16:00 is one day, half of Tuesday's 8 hours later is 12:00... the
    # share of the landing day: Tuesday 09:00 + (7 h + 4 h - 8 h) = Tuesday 12:00
    assert _corporate_sla_response(dt.datetime(2026, 10, 27, 12, 0, tzinfo=VIENNA)) == (1.5, True)


def test_targets_evaluate_cannot_measure_are_recorded_as_not_measured() -> None:
    root = EXAMPLES / "federation"
    sms = read_sms(root, load_config(root), dt.date(2026, 11, 15))
    agreement = sms.get("dc-sla-vo-climate", "SLA")
    assert agreement is not None
    result = evaluate(sms, agreement, dt.date(2026, 10, 1), dt.date(2026, 10, 31), [], [])
    by_id = {r.target.id: r for r in result.results}
    assert {t.id for t in agreement.model.spec.targets} == set(by_id)  # one result per target, none dropped
    assert by_id["reliab"].met is None and by_id["reliab"].measured is None
    assert by_id["reliab"].detail.startswith("not measured: no monitoring data")


def test_a_default_sla_without_a_catalogue_is_evaluated_over_every_live_service() -> None:
    # it covers every live customer-facing service (as the rules read it): an outage of one of them counts
    root = EXAMPLES / "federation"
    sms = read_sms(root, load_config(root), dt.date(2026, 11, 15))
    agreement = sms.get("dc-corporate-sla", "SLA")
    assert agreement is not None
    down = OutageRecord("dc-object-storage", None, utc(2026, 10, 5, 0), utc(2026, 10, 5, 12), False, "test")
    result = evaluate(sms, agreement, dt.date(2026, 10, 1), dt.date(2026, 10, 31), [down], [])
    [availability] = [r for r in result.results if r.target.id == "availability"]
    assert availability.measured is not None and availability.measured < 100
    assert "720 minutes down" in availability.detail


def _bio_sla(first: dt.date, last: dt.date, outages: list[OutageRecord], tickets: list[Ticket] | None = None
             ) -> dict[str, TargetResult]:
    """The results of acme's SLA with the bio institute (in force from 2026-05-01, 24x7 Berlin, 99.5 %)."""
    root = EXAMPLES / "acme"
    sms = read_sms(root, load_config(root), dt.date(2026, 11, 15))
    agreement = sms.get("sla-bio-institute", "SLA")
    assert agreement is not None
    return {r.target.id: r for r in evaluate(sms, agreement, first, last, outages, tickets).results}


def test_only_the_days_the_agreement_was_in_force_are_measured() -> None:
    before = OutageRecord("cloud-compute", None, utc(2026, 4, 20, 8), utc(2026, 4, 20, 20), False, "o")
    during = OutageRecord("cloud-compute", None, utc(2026, 5, 4, 8), utc(2026, 5, 4, 9), False, "o")
    late_before = Ticket("T-0", "cloud-compute", "high", utc(2026, 4, 28, 8), utc(2026, 4, 29, 8), None, "t")
    in_may = Ticket("T-1", "cloud-compute", "low", utc(2026, 5, 6, 8), utc(2026, 5, 6, 9), None, "t")
    results = _bio_sla(dt.date(2026, 4, 16), dt.date(2026, 5, 15), [before, during], [late_before, in_may])
    availability = results["availability"]
    # 15 days of 24 h from 2026-05-01 (Berlin), one hour down; the April outage was before the SLA applied
    assert availability.measured == round(100 * (15 * 1440 - 60) / (15 * 1440), 4) and availability.met
    assert availability.detail.endswith("over 2026-05-01..2026-05-15, the part of the period the agreement was "
                                        "in force")
    # a ticket raised before the SLA applied is not held to its 2-hour response
    assert results["response-high"].detail.startswith("nothing to measure: no tickets of priority high")
    assert results["response-high"].met is None


def test_an_agreement_not_in_force_in_the_period_is_not_measured() -> None:
    results = _bio_sla(dt.date(2026, 3, 1), dt.date(2026, 3, 31), [])
    assert {(r.met, r.measured) for r in results.values()} == {(None, None)}
    assert results["availability"].detail == "not measured: the agreement was not in force in 2026-03-01..2026-03-31"


def test_ticket_data_without_a_ticket_in_the_period_measures_nothing() -> None:
    # an export of another month: nothing in it was late, but nothing shows it covers October either
    september = Ticket("T-9", "dc-cloud-compute", "high", utc(2026, 9, 10, 8), utc(2026, 9, 10, 9), None, "t")
    root = EXAMPLES / "federation"
    sms = read_sms(root, load_config(root), dt.date(2026, 11, 15))
    agreement = sms.get("dc-corporate-sla", "SLA")
    assert agreement is not None
    result = evaluate(sms, agreement, dt.date(2026, 10, 1), dt.date(2026, 10, 31), None, [september])
    [response] = [r for r in result.results if r.target.id == "first-response"]
    assert (response.met, response.measured) == (None, None)
    assert response.detail.startswith("not measured: the ticket data has no ticket opened in 2026-10-01..2026-10-31")
    # a ticket of the period, of a service the SLA does not cover, shows the export covers it: none was late,
    # but no response time was measured either
    october = Ticket("T-10", "another-service", "low", utc(2026, 10, 5, 8), utc(2026, 10, 5, 9), None, "t")
    result = evaluate(sms, agreement, dt.date(2026, 10, 1), dt.date(2026, 10, 31), None, [september, october])
    [response] = [r for r in result.results if r.target.id == "first-response"]
    assert response.met is None and response.nothing_to_measure
    assert response.detail == ("nothing to measure: no tickets in the period in the ticket data, so no response "
                               "time to measure")
