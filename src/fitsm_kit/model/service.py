"""Kinds for PR1–PR3: portfolio, catalogue, agreements (SLA / OLA / UA), evaluations and reports."""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from fitsm_kit.model.base import (
    AgreementRef,
    CatalogueRef,
    CustomerRef,
    Envelope,
    IsoDuration,
    NonconformityRef,
    NonEmpty,
    PersonRef,
    ReportRef,
    ServiceRef,
    SLARef,
    Strict,
    SupplierRef,
    Text,
)


class Lifecycle(str, enum.Enum):
    PROPOSED = "proposed"
    DESIGN = "design"
    TRANSITION = "transition"
    LIVE = "live"
    RETIRED = "retired"


class Component(Strict):
    id: NonEmpty
    description: Text | None = None
    supplier: SupplierRef | None = Field(None, description="Supplier that provides this component")
    critical: bool = True


class ServiceSupplier(Strict):
    supplier: SupplierRef
    role: NonEmpty
    agreement_required: bool = True
    justification: Text | None = Field(None, description="Why no OLA / UA is needed")


class Monitoring(Strict):
    tool: NonEmpty
    metrics: list[Text] = []


class ServiceSpec(Strict):
    description: NonEmpty
    lifecycle_status: Lifecycle
    customer_facing: bool = True
    value_proposition: Text | None = None
    customers: list[CustomerRef] = []
    components: list[Component] = []
    suppliers: list[ServiceSupplier] = []
    depends_on: list[ServiceRef] = []
    monitoring: Monitoring | None = None


class Service(Envelope):
    kind: Literal["Service"]
    spec: ServiceSpec


class Decision(Strict):
    decision: Literal["approved", "rejected", "pending"]
    decided_by: PersonRef
    decided_on: dt.date


class DesignTransitionPlan(Strict):
    """How a new or changed service is designed and brought into operation (PR1.3)."""

    timescales: list[NonEmpty] = Field([], description="Milestones with dates")
    responsibilities: list[NonEmpty] = []
    technology: list[NonEmpty] = Field([], description="New or changed technology")
    communication: list[NonEmpty] = []
    acceptance_criteria: list[NonEmpty] = Field([], description="Service acceptance criteria")


class ServiceProposalSpec(Strict):
    service: ServiceRef | None = None
    change_type: Literal["new", "change", "retire"]
    predicted_demand: NonEmpty
    required_resources: NonEmpty
    expected_benefits: NonEmpty
    evaluation: Decision | None = None
    plan: DesignTransitionPlan | None = Field(None, description="Design and transition plan once approved")


class ServiceProposal(Envelope):
    record = True
    kind: Literal["ServiceProposal"]
    spec: ServiceProposalSpec


class ServiceCatalogueSpec(Strict):
    audience: NonEmpty
    services: list[ServiceRef] = Field(min_length=1)


class ServiceCatalogue(Envelope):
    kind: Literal["ServiceCatalogue"]
    spec: ServiceCatalogueSpec


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HHMM = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")


class Window(Strict):
    days: list[Weekday] = Field(min_length=1)
    start: str = HHMM
    end: str = HHMM


class Maintenance(Strict):
    start: dt.datetime
    end: dt.datetime
    description: Text | None = None


def _check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone such as Europe/Berlin or UTC") from None
    return value


TimeZone = Annotated[Text, AfterValidator(_check_timezone), Field(examples=["Europe/Berlin"])]


class Hours(Strict):
    """When something is provided: round the clock (``always``) or weekly windows in a time zone."""

    always: bool = False
    timezone: TimeZone = "UTC"
    windows: list[Window] = []
    exceptions: list[Text] = []
    maintenance: list[Maintenance] = []

    @model_validator(mode="after")
    def _always_or_windows(self) -> Hours:
        if self.always == bool(self.windows):
            raise ValueError("set either 'always: true' or at least one entry in 'windows'")
        return self


class Support(Strict):
    contact: NonEmpty
    hours: Hours | None = None
    channels: list[Text] = []


class Target(Strict):
    id: NonEmpty
    metric: Literal["availability", "response-time", "resolution-time", "other"]
    value: float
    unit: Literal["%", "minutes", "hours", "days", "count", "other"]
    priority: Text | None = None
    period: IsoDuration = "P1M"
    description: Text | None = None


class Validity(Strict):
    start: dt.date
    end: dt.date | None = None


class AgreementSpec(Strict):
    """What SLAs, OLAs and UAs share (FitSM-4 agreement contents)."""

    validity: Validity
    description: Text | None = None
    service_hours: Hours
    support: Support
    targets: list[Target] = Field(min_length=1)
    limitations: list[Text] = []
    communication: Text | None = None
    reporting: list[ReportRef] = []
    security: Text | None = None
    provider_responsibilities: list[Text] = []
    counterpart_responsibilities: list[Text] = []
    glossary: dict[str, Text] = {}


class SLASpec(AgreementSpec):
    type: Literal["default", "specific"]
    customer: CustomerRef | None = Field(None, description="Omitted for the default SLA")
    services: list[ServiceRef] = []
    catalogue: CatalogueRef | None = Field(None, description="Default SLA: covers this catalogue's services")


class SLA(Envelope):
    kind: Literal["SLA"]
    spec: SLASpec


class Covered(Strict):
    service: ServiceRef
    component: Text | None = None


class SupportingSpec(AgreementSpec):
    supplier: SupplierRef
    supports: list[Covered] = Field(min_length=1)
    supports_slas: list[SLARef] = []
    contract_ref: Text | None = None


class OLA(Envelope):
    kind: Literal["OLA"]
    spec: SupportingSpec


class UA(Envelope):
    kind: Literal["UA"]
    spec: SupportingSpec


class Result(Strict):
    """One target's result. Without ``met`` the target was not measured (``note`` says why): absence of
    data is recorded as such, never as a met target."""

    target: NonEmpty
    measured: float | None = None
    met: bool | None = Field(None, description="Omitted: not measured (no data); note says why")
    note: Text | None = None

    @model_validator(mode="after")
    def _says_why(self) -> Result:
        if self.met is None and self.measured is not None:
            raise ValueError("a measured value needs met: true or false")
        if self.met is None and not self.note:
            raise ValueError("a result without met (not measured) needs a note saying why")
        return self


class SourceFile(Strict):
    path: NonEmpty
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Provenance(Strict):
    """Where a generated record's numbers came from, so that an auditor can produce them again."""

    generated_by: NonEmpty = Field(description="The command and fitsm-kit version that wrote the record")
    as_of: dt.date = Field(description="The date that counted as today when the record was written")
    files: list[SourceFile] = Field([], description="The input files, with their SHA-256")
    statements: list[Text] = Field([], description="What the user stated instead of data (e.g. no outages)")


class Notification(Strict):
    to: NonEmpty
    on: dt.date


class AgreementEvaluationSpec(Strict):
    agreement: AgreementRef
    period_start: dt.date
    period_end: dt.date
    results: list[Result] = Field(min_length=1)
    notifications: list[Notification] = []
    nonconformity: NonconformityRef | None = None
    source: Provenance | None = None


class AgreementEvaluation(Envelope):
    record = True
    kind: Literal["AgreementEvaluation"]
    spec: AgreementEvaluationSpec


class Agreed(Strict):
    party: NonEmpty
    on: dt.date


ReportTopic = Literal["service-performance", "process-performance", "significant-events", "nonconformities"]


class ReportSpecificationSpec(Strict):
    """The seven PR3.2 fields: identity (metadata), purpose, audience, frequency, content, format, delivery.

    They are optional here so that a missing one is reported against PR3.2 (rule report-specified)
    rather than as a schema error.
    """

    purpose: NonEmpty | None = None
    audience: list[NonEmpty] = []
    frequency: IsoDuration | None = None
    content: list[NonEmpty] = []
    format: NonEmpty | None = None
    delivery: NonEmpty | None = Field(None, description="Method of delivery")
    agreed_with: list[Agreed] = []
    topics: list[ReportTopic] = Field([], description="What the report covers, for PR3.1")
    covers: list[Text] = Field([], description="Agreement targets (agreement/target) and KPI ids reported")


class ReportSpecification(Envelope):
    kind: Literal["ReportSpecification"]
    spec: ReportSpecificationSpec


class ReportDeliverySpec(Strict):
    report: ReportRef
    period_end: dt.date
    delivered_on: dt.date
    recipients: list[NonEmpty] = Field(min_length=1)
    location: Text | None = None
    period_start: dt.date | None = None
    source: Provenance | None = None


class ReportDelivery(Envelope):
    record = True
    kind: Literal["ReportDelivery"]
    spec: ReportDeliverySpec

