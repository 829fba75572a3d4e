"""The Waiver kind: an accepted, time-limited deviation from a requirement or a rule.

A waiver is reviewable data with a reason, an approver and an expiry, in the SMS like every other
record (GR7.1: deviations are recorded and handled). ``fitsm_kit.engine.waivers`` applies waivers to
findings; this module only defines their shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from fitsm_kit.model.base import AnyRef, Envelope, NonconformityRef, NonEmpty, PersonRef, SchemaKeywords, Strict, Text
from fitsm_kit.model.catalogue import requirements

# Editors offer the 52 IDs; the checker's field validator below says the same.
RequirementId = Annotated[str, Field(pattern=r"^(GR|PR)[0-9]+\.[0-9]+$"),
                          SchemaKeywords(lambda: {"enum": list(requirements())})]


def _set(name: str) -> dict[str, Any]:
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


class WaiverSpec(Strict):
    # _one_target: exactly one of requirement and rule; that expires is not before approved_on, JSON Schema
    # cannot say (it compares no two values).
    json_rules: ClassVar[dict[str, Any]] = {"oneOf": [_set("requirement"), _set("rule")]}

    requirement: RequirementId | None = Field(None, description="The requirement ID waived, e.g. PR2.2 (or set rule)")
    rule: Text | None = Field(None, description="The rule name waived, e.g. supplier-contact (or set requirement)")
    documents: list[AnyRef] = Field(
        [], description="Ids of the documents whose findings are waived; empty: the whole SMS")
    justification: NonEmpty = Field(description="Why the deviation is accepted, and what limits the risk")
    approved_by: PersonRef
    approved_on: dt.date
    expires: dt.date = Field(description="Last day the waiver applies; after it, the waiver is a finding")
    nonconformity: NonconformityRef | None = Field(
        None, description="The nonconformity (GR7.1) this deviation is recorded under")

    @field_validator("requirement")
    @classmethod
    def _known_requirement(cls, value: str | None) -> str | None:
        if value is not None and value not in requirements():
            raise ValueError(f"{value!r} is not a FitSM-1 requirement ID (GR1.1 … PR8.4)")
        return value

    @model_validator(mode="after")
    def _one_target(self) -> WaiverSpec:
        if (self.requirement is None) == (self.rule is None):
            raise ValueError("set exactly one of 'requirement' and 'rule'")
        if self.expires < self.approved_on:
            raise ValueError(f"expires ({self.expires}) is before approved_on ({self.approved_on})")
        return self


class Waiver(Envelope):
    record = True  # its expiry, not a review interval, limits how long it stands
    lenient = False  # a waiver with one bad field waives nothing: it is all or nothing
    kind: Literal["Waiver"]
    spec: WaiverSpec
