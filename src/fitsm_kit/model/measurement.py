"""Measurement data kept in the SMS: outage logs, the raw input of availability evaluation (PR2.3, PR2.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from fitsm_kit.model.base import Envelope, ServiceRef, Strict, Text, evidence
from fitsm_kit.model.dates import AWARE_DATETIME_PATTERN, NAIVE_DATETIME_PATTERN
from fitsm_kit.model.service import TimeZone


class Outage(Strict):
    # Both ends with a UTC offset or both without; that end is after start, JSON Schema cannot say.
    json_rules: ClassVar[dict[str, Any]] = {"anyOf": [
        {"properties": {"start": {"pattern": p}, "end": {"pattern": p}}}
        for p in (NAIVE_DATETIME_PATTERN, AWARE_DATETIME_PATTERN)]}

    service: ServiceRef
    component: Text | None = Field(None, description="The component that failed; omit for the whole service")
    start: dt.datetime
    end: dt.datetime
    planned: bool = False
    description: Text | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Outage:
        if (self.start.tzinfo is None) != (self.end.tzinfo is None):  # not comparable: which zone is meant?
            raise ValueError("write start and end both with a UTC offset or both without one (then they are "
                             "read in the log's timezone)")
        if self.end <= self.start:
            raise ValueError("an outage must end after it starts")
        return self


class OutageLogSpec(Strict):
    timezone: TimeZone = Field("UTC", description="Time zone of start / end values written without an offset")
    outages: list[Outage] | None = evidence("PR2.3", "The outages recorded", min_length=1)


class OutageLog(Envelope):
    record = True
    kind: Literal["OutageLog"]
    spec: OutageLogSpec
