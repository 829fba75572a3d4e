"""Worked numbers for the agreement chain: composed availability, hours coverage, response times."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fitsm_kit.model.chain import compose, coverage, describe, percent, slower, to_minutes
from fitsm_kit.model.service import Hours, Target

THURSDAY = dt.date(2026, 11, 26)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def hours(timezone: str, *windows: tuple[list[str], str, str], always: bool = False) -> Hours:
    data: dict[str, Any] = {"timezone": timezone, "always": always}
    data["windows"] = [{"days": days, "start": start, "end": end} for days, start, end in windows]
    return Hours.model_validate(data)


def target(metric: str, value: float, unit: str, priority: str | None = "high") -> Target:
    return Target.model_validate({"id": f"{metric}-{priority}", "metric": metric, "value": value, "unit": unit,
                                  "priority": priority})


# --- composed availability -------------------------------------------------------------------------


def test_serial_components_multiply() -> None:
    # ola-storage 99.5 % × ua-network 99.95 % = 99.45025 %: below an SLA promise of 99.9 %.
    composed = compose([99.5, 99.95])
    assert composed == pytest.approx(99.45025)
    assert composed < 99.9
    assert percent(composed, below=99.9) == "99.45"


def test_acme_cloud_compute_carries_its_sla() -> None:
    # openstack 99.9 % × campus network 99.95 % × uplink 99.9 % = 99.7502 % >= 99.5 % (sla-bio-institute).
    assert compose([99.9, 99.95, 99.9]) == pytest.approx(99.75019995)
    assert compose([99.9, 99.95, 99.9]) >= 99.5


def test_no_components_compose_to_full_availability() -> None:
    assert compose([]) == 100


def test_a_shortfall_never_reads_as_the_target() -> None:
    # 99.4999… would round to 99.5; truncated it shows below the target it misses.
    assert percent(compose([99.99999, 99.5]), below=99.5) == "99.49"
    assert percent(99.95) == "99.95"
    assert percent(99.0) == "99"


# --- response and resolution times -----------------------------------------------------------------


def test_units_convert_to_minutes() -> None:
    assert to_minutes(30, "minutes") == 30
    assert to_minutes(1.5, "hours") == 90
    assert to_minutes(2, "days") == 2880
    assert to_minutes(99, "%") is None


def test_supporting_response_longer_than_the_sla_is_found() -> None:
    sla = target("response-time", 4, "hours")
    assert slower(sla, [target("response-time", 300, "minutes")]) == [target("response-time", 300, "minutes")]
    assert slower(sla, [target("response-time", 240, "minutes")]) == []  # equal is enough
    assert slower(sla, [target("response-time", 0.5, "days")]) == [target("response-time", 0.5, "days")]


def test_resolution_in_days_against_hours() -> None:
    sla = target("resolution-time", 2, "days")
    assert slower(sla, [target("resolution-time", 47, "hours")]) == []
    assert slower(sla, [target("resolution-time", 49, "hours")]) == [target("resolution-time", 49, "hours")]


def test_only_the_same_metric_and_priority_are_compared() -> None:
    sla = target("response-time", 1, "hours", "high")
    other_priority = target("response-time", 8, "hours", "low")
    other_metric = target("resolution-time", 8, "hours", "high")
    any_priority = target("response-time", 2, "hours", None)
    assert slower(sla, [other_priority, other_metric]) == []
    assert slower(sla, [any_priority]) == [any_priority]
    assert slower(target("availability", 99, "%"), [any_priority]) == []


# --- hours coverage --------------------------------------------------------------------------------


def test_wider_support_hours_cover_narrower_ones() -> None:
    sla = hours("Europe/Berlin", (WEEKDAYS, "08:00", "18:00"))
    ola = hours("Europe/Berlin", (WEEKDAYS, "07:00", "19:00"))
    assert coverage(sla, ola, THURSDAY).gaps == []


def test_narrower_hours_leave_two_hours_a_day() -> None:
    sla = hours("Europe/Berlin", (WEEKDAYS, "08:00", "18:00"))
    ola = hours("Europe/Berlin", (WEEKDAYS, "09:00", "17:00"))
    result = coverage(sla, ola, THURSDAY)
    assert result.hours_per_week == 10  # 08–09 and 17–18 on five days
    assert result.first_gap() == "Mon 2026-11-23 08:00–09:00 Europe/Berlin"


def test_round_the_clock_against_weekdays_misses_the_weekend() -> None:
    sla = hours("Europe/Berlin", always=True)
    ola = hours("Europe/Berlin", (WEEKDAYS, "00:00", "24:00"))
    result = coverage(sla, ola, THURSDAY)
    assert result.hours_per_week == 48
    assert result.first_gap() == "Sat 2026-11-28 00:00–Mon 2026-11-30 00:00 Europe/Berlin"


def test_round_the_clock_covers_anything() -> None:
    sla = hours("Asia/Tokyo", (["sat", "sun"], "00:00", "24:00"))
    assert coverage(sla, hours("UTC", always=True), THURSDAY).gaps == []


def test_overnight_windows_run_past_midnight() -> None:
    sla = hours("UTC", (["mon"], "23:00", "05:00"))
    ola = hours("UTC", (["mon"], "22:00", "06:00"))
    assert coverage(sla, ola, THURSDAY).gaps == []
    assert coverage(ola, sla, THURSDAY).hours_per_week == 2


def test_same_hours_in_another_zone_differ_when_summer_time_starts_on_other_days() -> None:
    # New York 03:00–11:00 is Berlin 09:00–17:00 most of the year. The US moves its clocks two weeks
    # before the EU in March (2027-03-14 against 2027-03-28) and one week after it in autumn
    # (2027-11-07 against 2027-10-31): 15 weekdays on which Berlin's 16:00–17:00 is not covered.
    sla = hours("Europe/Berlin", (WEEKDAYS, "09:00", "17:00"))
    ola = hours("America/New_York", (WEEKDAYS, "03:00", "11:00"))
    result = coverage(sla, ola, THURSDAY)
    assert len(result.gaps) == 15
    assert result.hours_per_week * 53 == pytest.approx(15)
    assert result.first_gap() == "Mon 2027-03-15 16:00–17:00 Europe/Berlin"
    wider = hours("America/New_York", (WEEKDAYS, "02:00", "12:00"))
    assert coverage(sla, wider, THURSDAY).gaps == []


def test_utc_hours_against_local_hours_fail_all_summer() -> None:
    # Berlin 09:00–17:00 is UTC 08:00–16:00 in winter but UTC 07:00–15:00 in summer time.
    sla = hours("Europe/Berlin", (WEEKDAYS, "09:00", "17:00"))
    ola = hours("UTC", (WEEKDAYS, "08:00", "16:00"))
    result = coverage(sla, ola, THURSDAY)
    assert result.first_gap() == "Mon 2027-03-29 09:00–10:00 Europe/Berlin"
    assert len(result.gaps) == 31 * 5  # every weekday from 2027-03-29 to 2027-10-29


def test_a_window_the_evening_before_in_another_zone_counts() -> None:
    # Tokyo Monday 08:00–10:00 is UTC Sunday 23:00 – Monday 01:00.
    sla = hours("Asia/Tokyo", (["mon"], "08:00", "10:00"))
    ola = hours("UTC", (["sun"], "22:00", "24:00"), (["mon"], "00:00", "02:00"))
    assert coverage(sla, ola, THURSDAY).gaps == []


def test_hours_describe_themselves() -> None:
    assert describe(hours("Europe/Berlin", (WEEKDAYS, "07:00", "19:00"))) == "mon–fri 07:00–19:00 Europe/Berlin"
    assert describe(hours("UTC", always=True)) == "always (UTC)"
    assert describe(hours("UTC", (["sat", "mon"], "10:00", "12:00"))) == "mon,sat 10:00–12:00 UTC"


def test_unknown_time_zones_are_schema_errors() -> None:
    with pytest.raises(ValueError, match="not an IANA time zone"):
        hours("Europe/Berlinn", always=True)
