"""Worked numbers for SLA evaluation (FitSM-0 availability, service hours, maintenance, DST)."""

from __future__ import annotations

import datetime as dt

import pytest

from fitsm_kit.evaluation.evaluate import business_minutes, measure_availability
from fitsm_kit.evaluation.measurements import OutageRecord
from fitsm_kit.model.service import Hours, Target
from fitsm_kit.model.timeline import UTC, agreed_time, local_period, minutes

ALWAYS = Hours(always=True, timezone="UTC")
OFFICE = Hours(timezone="Europe/Berlin", windows=[{"days": ["mon", "tue", "wed", "thu", "fri"],
                                                    "start": "08:00", "end": "18:00"}])
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
