"""Kinds for PR4–PR8: availability, continuity, capacity, security, customers and suppliers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from fitsm_kit.model.base import (
    AssetRef,
    CustomerRef,
    Envelope,
    EvaluationRef,
    IsoDuration,
    NonEmpty,
    Percent,
    PersonRef,
    RiskRef,
    ServiceRef,
    SLARef,
    Strict,
    SupplierRef,
    Text,
)


class ServiceRequirement(Strict):
    service: ServiceRef
    sla: SLARef | None = Field(None, description="The SLA this requirement is derived from")
    availability: Percent | None = None
    rto: IsoDuration | None = Field(None, description="Recovery time objective, e.g. P1D")
    rpo: IsoDuration | None = None
    description: Text | None = None


class Measure(Strict):
    description: NonEmpty
    mitigates: list[RiskRef] = []
    status: Literal["planned", "implemented"] = "planned"
    due: dt.date | None = None


class ContinuityTest(Strict):
    date: dt.date
    result: NonEmpty


class AvailabilityContinuityPlanSpec(Strict):
    services: list[ServiceRef] = Field(min_length=1)
    requirements: list[ServiceRequirement] = []
    risks: list[RiskRef] = []
    measures: list[Measure] = []
    tests: list[ContinuityTest] = []


class AvailabilityContinuityPlan(Envelope):
    kind: Literal["AvailabilityContinuityPlan"]
    spec: AvailabilityContinuityPlanSpec


class CapacityRequirement(Strict):
    service: ServiceRef
    sla: SLARef | None = None
    description: NonEmpty
    demand_forecast: Text | None = None


class CurrentCapacity(Strict):
    resource: NonEmpty
    capacity: NonEmpty
    utilisation: Percent
    as_of: dt.date
    warning_threshold: Percent | None = None
    exception_threshold: Percent | None = None


class FutureCapacity(Strict):
    horizon: IsoDuration
    human: NonEmpty
    technical: NonEmpty
    financial: NonEmpty
    actions: list[Text] = []


class CapacityPlanSpec(Strict):
    services: list[ServiceRef] = Field(min_length=1)
    requirements: list[CapacityRequirement] = []
    current: list[CurrentCapacity] = []
    future: FutureCapacity | None = None


class CapacityPlan(Envelope):
    kind: Literal["CapacityPlan"]
    spec: CapacityPlanSpec


class SecurityPolicySpec(Strict):
    statement: NonEmpty
    requirements: list[NonEmpty] = []
    topics: list[Text] = Field([], description="e.g. access control, incident handling, acceptable use")


class SecurityPolicy(Envelope):
    kind: Literal["SecurityPolicy"]
    spec: SecurityPolicySpec


Level = Literal["low", "medium", "high"]


class AssetSpec(Strict):
    description: NonEmpty
    services: list[ServiceRef] = []
    confidentiality: Level
    integrity: Level
    availability: Level


class Asset(Envelope):
    kind: Literal["Asset"]
    spec: AssetSpec


class RiskSpec(Strict):
    category: Literal["availability", "continuity", "security", "capacity", "other"]
    description: NonEmpty
    services: list[ServiceRef] = []
    assets: list[AssetRef] = []
    probability: int = Field(ge=1, le=5)
    vulnerability: int = Field(3, ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    assessed_on: dt.date
    treatment: Literal["mitigate", "accept", "transfer", "avoid"] = "mitigate"
    accepted_by: PersonRef | None = None


class Risk(Envelope):
    kind: Literal["Risk"]
    spec: RiskSpec


class Performed(Strict):
    """One execution of a recurring control, e.g. a review of access rights."""

    date: dt.date
    by: PersonRef | None = None
    result: NonEmpty


class SecurityControlSpec(Strict):
    type: Literal["physical", "technical", "organisational"]
    description: NonEmpty
    mitigates: list[RiskRef] = Field(min_length=1)
    status: Literal["planned", "implemented", "retired"] = "planned"
    implemented_on: dt.date | None = None
    topic: Text | None = Field(None, description="e.g. access-control, as in the ISM procedures")
    interval: IsoDuration | None = Field(None, description="How often a recurring control is carried out")
    performed: list[Performed] = Field([], description="Records of the recurring control being carried out")


class SecurityControl(Envelope):
    kind: Literal["SecurityControl"]
    spec: SecurityControlSpec


class Contact(Strict):
    name: NonEmpty
    email: Text | None = None
    phone: Text | None = None
    role: Text | None = None


class CustomerChannels(Strict):
    """PR7.3 asks for ordering, escalation and complaint channels; rule customer-channels checks them."""

    general: Text | None = None
    ordering: NonEmpty | None = None
    escalation: NonEmpty | None = None
    complaints: NonEmpty | None = None


class CustomerSpec(Strict):
    organisation: NonEmpty
    relationship_manager: PersonRef
    contacts: list[Contact] = []
    channels: CustomerChannels = CustomerChannels()
    service_review_interval: IsoDuration | None = None


class Customer(Envelope):
    kind: Literal["Customer"]
    spec: CustomerSpec


class ServiceReviewSpec(Strict):
    customer: CustomerRef
    date: dt.date
    conducted_by: PersonRef
    services: list[ServiceRef] = []
    participants: list[NonEmpty] = []
    outcomes: list[NonEmpty] = Field(min_length=1)
    actions: list[Text] = []


class ServiceReview(Envelope):
    record = True
    kind: Literal["ServiceReview"]
    spec: ServiceReviewSpec


class ComplaintSpec(Strict):
    customer: CustomerRef
    received_on: dt.date
    description: NonEmpty
    status: Literal["open", "in-progress", "closed"] = "open"
    response: Text | None = None
    closed_on: dt.date | None = None


class Complaint(Envelope):
    record = True
    kind: Literal["Complaint"]
    spec: ComplaintSpec


class SatisfactionSurveySpec(Strict):
    date: dt.date
    customers: list[CustomerRef] = Field(min_length=1)
    score: float | None = Field(None, ge=0, le=100, description="Overall score in percent")
    results: list[NonEmpty] = []
    actions: list[Text] = []


class SatisfactionSurvey(Envelope):
    record = True
    kind: Literal["SatisfactionSurvey"]
    spec: SatisfactionSurveySpec


class SupplierChannels(Strict):
    """PR8.3 asks for an escalation channel; rule supplier-escalation-channel checks it."""

    general: Text | None = None
    escalation: NonEmpty | None = None


class SupplierSpec(Strict):
    organisation: NonEmpty
    type: Literal["internal", "external"]
    federation_member: bool = False
    relationship_manager: PersonRef
    contacts: list[Contact] = Field([], description="Contacts on the supplier's side")
    channels: SupplierChannels = SupplierChannels()
    evaluation_interval: IsoDuration | None = None


class Supplier(Envelope):
    kind: Literal["Supplier"]
    spec: SupplierSpec


class SupplierEvaluationSpec(Strict):
    supplier: SupplierRef
    date: dt.date
    basis: list[EvaluationRef] = []
    result: NonEmpty
    actions: list[Text] = []


class SupplierEvaluation(Envelope):
    record = True
    kind: Literal["SupplierEvaluation"]
    spec: SupplierEvaluationSpec
