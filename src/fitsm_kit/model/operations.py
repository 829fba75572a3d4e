"""Kinds for PR4–PR8: availability, continuity, capacity, security, customers and suppliers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

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
    PlanRef,
    RiskRef,
    ServiceRef,
    SLARef,
    Strict,
    SupplierRef,
    Text,
    evidence,
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
    status: Literal["planned", "implemented"] = Field("planned", description="planned | implemented")
    due: dt.date | None = None


class ContinuityTest(Strict):
    date: dt.date
    result: NonEmpty


class AvailabilityContinuityPlanSpec(Strict):
    aligned_with: PlanRef | None = Field(None, description="The service management plan this plan is aligned with")
    services: list[ServiceRef] | None = evidence("PR4.1", "The services the plan covers", min_length=1)
    requirements: list[ServiceRequirement] = evidence("PR4.1", "Availability and continuity requirements per "
                                                      "service", required=False, default=[])
    risks: list[RiskRef] = Field(
        [], description="Risk ids (category availability or continuity) the plan addresses (PR4.2)")
    measures: list[Measure] = evidence("PR4.3", "Measures against the risks", required=False, default=[])
    tests: list[ContinuityTest] = Field([], description="Continuity tests: {date, result}")


class AvailabilityContinuityPlan(Envelope):
    owner_requirement = "PR4.3"
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
    aligned_with: PlanRef | None = Field(None, description="The service management plan this plan is aligned with")
    services: list[ServiceRef] | None = evidence("PR5.1", "The services the plan covers", min_length=1)
    requirements: list[CapacityRequirement] = evidence("PR5.1", "Capacity and performance requirements",
                                                       required=False, default=[])
    current: list[CurrentCapacity] = evidence("PR5.2", "Current capacity and utilisation", required=False, default=[])
    future: FutureCapacity | None = evidence("PR5.3", "Planned future capacity: human, technical, financial",
                                             required=False)


class CapacityPlan(Envelope):
    owner_requirement = "PR5.3"
    kind: Literal["CapacityPlan"]
    spec: CapacityPlanSpec


class SecurityPolicySpec(Strict):
    statement: NonEmpty | None = evidence("PR6.1", "The information security policy statement")
    requirements: list[NonEmpty] = Field([], description="The information security requirements this policy addresses")
    topics: list[Text] = Field([], description="e.g. access control, incident handling, acceptable use")


class SecurityPolicy(Envelope):
    kind: Literal["SecurityPolicy"]
    spec: SecurityPolicySpec


Level = Literal["low", "medium", "high"]


class AssetSpec(Strict):
    description: NonEmpty | None = evidence("PR6.2", "What the asset is")
    services: list[ServiceRef] = []
    confidentiality: Level | None = evidence("PR6.2", "low, medium or high")
    integrity: Level | None = evidence("PR6.2", "low, medium or high")
    availability: Level | None = evidence("PR6.2", "low, medium or high")


class Asset(Envelope):
    kind: Literal["Asset"]
    spec: AssetSpec


class RiskSpec(Strict):
    category: Literal["availability", "continuity", "security", "capacity", "other"] | None = evidence(
        "PR6.2", "availability or continuity (PR4.2), security (PR6.2), capacity or other")
    description: NonEmpty | None = evidence("PR6.2", "The risk")
    services: list[ServiceRef] = []
    assets: list[AssetRef] = Field([], description="Asset ids the risk concerns")
    probability: int | None = evidence("PR6.2", "1 (rare) to 5 (almost certain)", ge=1, le=5)
    vulnerability: int = Field(3, ge=1, le=5, description="1 (low) to 5 (high)")
    impact: int | None = evidence("PR6.2", "1 (negligible) to 5 (severe)", ge=1, le=5)
    assessed_on: dt.date | None = evidence("PR6.2", "When the risk was last assessed")
    treatment: Literal["mitigate", "accept", "transfer", "avoid"] = Field(
        "mitigate", description="mitigate | accept (then accepted_by) | transfer | avoid")
    accepted_by: PersonRef | None = Field(
        None, description="Who accepted the risk (a Person id), when treatment is accept")


class Risk(Envelope):
    owner_requirement = "PR6.2"
    kind: Literal["Risk"]
    spec: RiskSpec

    @classmethod
    def evidence_requirement(cls, requirement: str, raw: Any, loc: tuple[str | int, ...] = ()) -> str:
        """Availability and continuity risks evidence PR4.2, capacity risks PR5.1; the others PR6.2."""
        spec = raw.get("spec") if isinstance(raw, dict) else None
        category = spec.get("category") if isinstance(spec, dict) else None
        if requirement == "PR6.2" and category in ("availability", "continuity"):
            return "PR4.2"
        if requirement == "PR6.2" and category == "capacity":
            return "PR5.1"
        return requirement


class Performed(Strict):
    """One execution of a recurring control, e.g. a review of access rights."""

    date: dt.date
    by: PersonRef | None = None
    result: NonEmpty


class SecurityControlSpec(Strict):
    type: Literal["physical", "technical", "organisational"] | None = evidence("PR6.3", "physical, technical or "
                                                                                      "organisational")
    description: NonEmpty | None = evidence("PR6.3", "The control")
    mitigates: list[RiskRef] | None = evidence("PR6.3", "The risks it reduces", min_length=1)
    status: Literal["planned", "implemented", "retired"] = Field(
        "planned", description="planned | implemented (then set implemented_on) | retired")
    implemented_on: dt.date | None = None
    topic: Text | None = Field(None, description="e.g. access-control, as in the ISM procedures")
    interval: IsoDuration | None = Field(None, description="How often a recurring control is carried out")
    performed: list[Performed] = Field([], description="Records of the recurring control being carried out")


class SecurityControl(Envelope):
    owner_requirement = "PR6.3"
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
    alternatives = {"organisation": "segment"}

    organisation: NonEmpty | None = evidence("PR7.1", "Who the customer is (a segment names its users instead)")
    segment: NonEmpty | None = Field(
        None, description="A customer segment or user community rather than an organisation with a contract, "
        "e.g. 'researchers of any EU institution'; it has a relationship manager and a complaint channel, "
        "but signs no agreement")
    email: Text | None = None
    address: Text | None = Field(None, description="Postal address")
    relationship_manager: PersonRef | None = evidence("PR7.2", "The designated contact (a Person id) who manages "
                                                      "the relationship")
    contacts: list[Contact] = Field([], description="Contacts on the customer's side")
    channels: CustomerChannels = evidence("PR7.3", "Ordering, escalation and complaint channels", required=False,
                                          default=CustomerChannels())
    service_review_interval: IsoDuration | None = Field(
        None, description="Planned interval of service reviews with this customer (PR7.4), e.g. P6M")


class Customer(Envelope):
    kind: Literal["Customer"]
    spec: CustomerSpec


class ServiceReviewSpec(Strict):
    customer: CustomerRef | None = evidence("PR7.4", "The customer the review was held with")
    date: dt.date | None = evidence("PR7.4", "When it was held")
    conducted_by: PersonRef | None = evidence("PR7.4", "Who conducted it")
    services: list[ServiceRef] = []
    participants: list[NonEmpty] = []
    outcomes: list[NonEmpty] | None = evidence("PR7.4", "What the review found", min_length=1)
    actions: list[Text] = []


class ServiceReview(Envelope):
    record = True
    kind: Literal["ServiceReview"]
    spec: ServiceReviewSpec


class ComplaintSpec(Strict):
    customer: CustomerRef | None = evidence("PR7.5", "Who complained")
    received_on: dt.date | None = evidence("PR7.5", "When the complaint was received")
    description: NonEmpty | None = evidence("PR7.5", "The complaint")
    status: Literal["open", "in-progress", "closed"] = Field(
        "open", description="open | in-progress | closed (then set closed_on)")
    response: Text | None = None
    closed_on: dt.date | None = None


class Complaint(Envelope):
    record = True
    kind: Literal["Complaint"]
    spec: ComplaintSpec


class SatisfactionSurveySpec(Strict):
    date: dt.date | None = evidence("PR7.6", "When the survey was held")
    customers: list[CustomerRef] | None = evidence("PR7.6", "The customers surveyed", min_length=1)
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
    organisation: NonEmpty | None = evidence("PR8.1", "Who the supplier is")
    type: Literal["internal", "external"] | None = evidence("PR8.1", "internal or external")
    federation_member: bool = Field(False, description="true for a member of a federation the provider belongs to")
    relationship_manager: PersonRef | None = evidence("PR8.2", "The designated contact (a Person id) who manages "
                                                      "the relationship")
    contacts: list[Contact] = evidence("PR8.2", "Contacts on the supplier's side", required=False, default=[])
    channels: SupplierChannels = evidence("PR8.3", "Escalation and other channels", required=False,
                                          default=SupplierChannels())
    evaluation_interval: IsoDuration | None = Field(
        None, description="Planned interval of supplier evaluations (PR8.4), e.g. P12M")


class Supplier(Envelope):
    kind: Literal["Supplier"]
    spec: SupplierSpec


class SupplierEvaluationSpec(Strict):
    supplier: SupplierRef | None = evidence("PR8.4", "The supplier evaluated")
    date: dt.date | None = evidence("PR8.4", "When it was evaluated")
    basis: list[EvaluationRef] = Field([], description="AgreementEvaluation ids the evaluation is based on")
    result: NonEmpty | None = evidence("PR8.4", "The result of the evaluation")
    actions: list[Text] = []


class SupplierEvaluation(Envelope):
    record = True
    kind: Literal["SupplierEvaluation"]
    spec: SupplierEvaluationSpec
