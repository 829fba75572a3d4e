"""Kinds for PR1–PR3: portfolio, catalogue, agreements (SLA / OLA / UA), evaluations and reports."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import zoneinfo
from importlib import resources
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from fitsm_kit.model.base import (
    AgreementRef,
    CatalogueRef,
    CustomerRef,
    Envelope,
    IsoDuration,
    NonconformityRef,
    NonEmpty,
    PersonRef,
    RecipientRef,
    ReportRef,
    SchemaKeywords,
    ServiceRef,
    SLARef,
    Strict,
    SupplierRef,
    Text,
    evidence,
)
from fitsm_kit.model.dates import as_text


class Lifecycle(str, enum.Enum):
    PROPOSED = "proposed"
    DESIGN = "design"
    TRANSITION = "transition"
    LIVE = "live"
    RETIRED = "retired"


class Component(Strict):
    json_rules: ClassVar[dict[str, Any]] = {"anyOf": [  # the first rule of _one_or_parallel; k of n is left to it
        {"properties": {"supplier": {"type": "null"}}},  # a missing property satisfies its schema
        {"properties": {"suppliers": {"maxItems": 0}}},
    ]}

    id: NonEmpty = Field(description="An id for the component, unique in the service")
    description: Text | None = None
    supplier: SupplierRef | None = Field(None, description="Supplier that provides this component")
    suppliers: list[SupplierRef] = Field(
        [], description="Parallel providers of this component (a federation's resource centres): the component "
        "is available while 'required' of them are; give either supplier or suppliers")
    required: int | None = Field(None, ge=1, description="k of n: how many of the parallel suppliers must be "
                                 "available for the component to be (default 1)")
    critical: bool = Field(True, description="false for a redundant component: left out of the composed availability")

    @model_validator(mode="after")
    def _one_or_parallel(self) -> Component:
        if self.supplier is not None and self.suppliers:
            raise ValueError("give either 'supplier' (one provider) or 'suppliers' (parallel providers), not both")
        if self.required is not None and self.required > max(len(self.suppliers), 1):
            raise ValueError(f"'required: {self.required}' is more than the {len(self.suppliers)} parallel suppliers")
        return self

    @property
    def providers(self) -> list[str]:
        """Who provides the component: its one supplier or its parallel suppliers."""
        return [self.supplier] if self.supplier is not None else list(self.suppliers)

    @property
    def needed(self) -> int:
        """How many of the providers must be available: all of one, ``required`` (default 1) of parallel ones."""
        return 1 if self.supplier is not None or not self.suppliers else (self.required or 1)


class ServiceSupplier(Strict):
    supplier: SupplierRef
    role: NonEmpty
    agreement_required: bool = Field(True, description="false when no OLA / UA is needed (then give a justification)")
    justification: Text | None = Field(None, description="Why no OLA / UA is needed")


class Monitoring(Strict):
    tool: NonEmpty
    metrics: list[Text] = []


class ServiceLinks(Strict):
    """Where users find more: the links real catalogues (EOSC) publish with a service."""

    webpage: Text | None = None
    user_manual: Text | None = None
    terms_of_use: Text | None = None
    privacy_policy: Text | None = None
    helpdesk: Text | None = None
    order: Text | None = Field(None, description="Where the service is ordered or accessed")
    status: Text | None = Field(None, description="Status page")


OrderType = Literal["open-access", "fully-open-access", "order-required", "other"]


class ServiceSpec(Strict):
    description: NonEmpty | None = evidence("PR1.1", "What the service is, in the portfolio")
    lifecycle_status: Lifecycle | None = evidence("PR1.1", "proposed, design, transition, live or retired")
    customer_facing: bool = Field(True, description="false for an internal (supporting) service")
    value_proposition: Text | None = None
    customers: list[CustomerRef] = evidence("PR7.1", "The service's customers", required=False, default=[])
    components: list[Component] = evidence("PR1.1", "Service components and who supplies them", required=False,
                                           default=[])
    suppliers: list[ServiceSupplier] = evidence("PR1.4", "Internal and external suppliers involved",
                                                required=False, default=[])
    depends_on: list[ServiceRef] = Field([], description="Other Service ids this service depends on")
    monitoring: Monitoring | None = evidence("PR4.4", "How availability is monitored", required=False)
    # What service catalogues publish (EOSC, EGI); shown on the catalogue and service pages.
    tagline: Text | None = Field(None, description="One line that says what the service is for (tables show it)")
    categories: list[Text] = Field([], description="Catalogue categories, e.g. 'Compute > Virtual Machine'")
    scientific_domains: list[Text] = Field([], description="Scientific domains it serves, e.g. 'Natural Sciences'")
    target_users: list[Text] = Field([], description="Target user groups, e.g. 'Researchers', 'Research communities'")
    access_modes: list[Text] = Field([], description="How users get access, e.g. 'free', 'peer-reviewed'")
    order_type: OrderType | None = Field(None, description="open-access, fully-open-access, order-required or other")
    trl: int | None = Field(None, ge=1, le=9, description="Technology readiness level, 1–9")
    tags: list[Text] = []
    links: ServiceLinks = ServiceLinks()


class Service(Envelope):
    owner_requirement = "PR1.1"
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
    change_type: Literal["new", "change", "retire"] | None = evidence("PR1.2", "new, change or retire")
    predicted_demand: NonEmpty | None = evidence("PR1.2", "The demand the proposal predicts")
    required_resources: NonEmpty | None = evidence("PR1.2", "The resources it requires")
    expected_benefits: NonEmpty | None = evidence("PR1.2", "The benefits it expects")
    evaluation: Decision | None = evidence("PR1.2", "The proposal's evaluation", required=False)
    plan: DesignTransitionPlan | None = evidence("PR1.3", "Design and transition plan once approved", required=False)


class ServiceProposal(Envelope):
    record = True
    kind: Literal["ServiceProposal"]
    spec: ServiceProposalSpec


class ServiceCatalogueSpec(Strict):
    audience: NonEmpty | None = evidence("PR2.1", "Who the catalogue is for")
    services: list[ServiceRef] | None = evidence("PR2.1", "The live services it lists", min_length=1)


class ServiceCatalogue(Envelope):
    kind: Literal["ServiceCatalogue"]
    spec: ServiceCatalogueSpec


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HHMM = Field(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")  # one "^…$": editors and pydantic agree on it


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


@functools.cache
def time_zones() -> list[str]:
    """The IANA zone names the published schemas list (data/timezones.txt), for editors to offer and check."""
    text = resources.files("fitsm_kit").joinpath("data/timezones.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


TimeZone = Annotated[Text, AfterValidator(_check_timezone), Field(examples=["Europe/Berlin"]),
                     SchemaKeywords(lambda: {"type": "string", "enum": time_zones()})]


class Hours(Strict):
    """When something is provided: round the clock (``always``) or weekly windows in a time zone."""

    json_rules: ClassVar[dict[str, Any]] = {"anyOf": [  # the rule of _always_or_windows
        {"required": ["always"], "properties": {"always": {"const": True}, "windows": {"maxItems": 0}}},
        {"required": ["windows"], "properties": {"always": {"const": False}, "windows": {"minItems": 1}}},
    ]}

    always: bool = Field(False, description="true: round the clock; else list the weekly windows")
    timezone: TimeZone = Field("UTC", description="An IANA time zone, e.g. Europe/Berlin")
    windows: list[Window] = Field(
        [], description="Weekly windows: {days: [mon, ...], start: \"08:00\", end: \"18:00\"}")
    exceptions: list[Text] = Field([], description="Exceptions to these hours, e.g. public holidays")
    maintenance: list[Maintenance] = Field(
        [], description="Maintenance windows: {start: YYYY-MM-DDTHH:MM, end, description}")

    @model_validator(mode="after")
    def _always_or_windows(self) -> Hours:
        if self.always == bool(self.windows):
            raise ValueError("set either 'always: true' or at least one entry in 'windows'")
        return self


class Support(Strict):
    contact: NonEmpty = Field(description="The service desk's e-mail address, phone or portal")
    hours: Hours | None = None
    channels: list[Text] = Field([], description="Support channels, e.g. portal, e-mail, phone")


Direction = Literal["at-least", "at-most"]
AT_LEAST_METRICS = ("availability", "reliability")
AT_MOST_METRICS = ("unknown", "response-time", "resolution-time")  # limits; "other" says nothing without direction


class Target(Strict):
    json_rules: ClassVar[dict[str, Any]] = {"anyOf": [  # the rule of _percent_in_range
        {"properties": {"unit": {"const": "%"}, "value": {"minimum": 0, "maximum": 100}}},
        {"properties": {"unit": {"not": {"const": "%"}}, "value": {"minimum": 0}}},
    ]}

    id: NonEmpty = Field(description="An id for the target, unique in the agreement; evaluations name it")
    metric: Literal["availability", "reliability", "unknown", "response-time", "resolution-time", "other"] = Field(
        description="availability and reliability as EGI defines them (up time over time not unknown, and not in "
        "scheduled downtime either); unknown: share of time the monitoring could not tell")
    value: float
    unit: Literal["%", "minutes", "hours", "days", "working-hours", "working-days", "count", "other"] = Field(
        description="working-hours and working-days count only the agreement's support hours")
    direction: Direction | None = Field(
        None, description="at-least (≥) or at-most (≤); default at-least for availability and reliability, "
        "at-most for unknown status and response and resolution times; give it for metric 'other'")
    priority: Text | None = None
    level: Text | None = Field(None, description="The qualitative level this target stands for, e.g. "
                               "'quality of support: medium'")
    services: list[ServiceRef] = Field([], description="In an SLA for several services: the services this target "
                                       "applies to (empty: all it covers)")
    period: IsoDuration = "P1M"
    consequence: Text | None = Field(None, description="What follows a violation, e.g. 'suspension after three "
                                     "consecutive months below target'")
    description: Text | None = None

    @property
    def sense(self) -> Direction | None:
        """The target's direction: as given, else by its metric; None for 'other' without one."""
        if self.direction is not None:
            return self.direction
        if self.metric in AT_LEAST_METRICS:
            return "at-least"
        return "at-most" if self.metric in AT_MOST_METRICS else None

    def meets(self, measured: float) -> bool | None:
        """Whether ``measured`` (in the target's unit) meets the target in its direction; None if it has none."""
        if self.sense is None:
            return None
        return measured >= self.value - 1e-9 if self.sense == "at-least" else measured <= self.value + 1e-9

    @model_validator(mode="after")
    def _percent_in_range(self) -> Target:
        if self.unit == "%" and not 0 <= self.value <= 100:
            raise ValueError(f"{self.value:g} % is not a percentage between 0 and 100")
        if self.unit != "%" and self.value < 0:
            raise ValueError(f"{self.value:g} {self.unit} is negative")
        return self


class Validity(Strict):
    start: dt.date
    end: dt.date | None = Field(None, description="Last day of a fixed term; omit for open-ended")

    @model_validator(mode="after")
    def _ends_after_start(self) -> Validity:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"the validity ends ({self.end}) before it starts ({self.start})")
        return self


class AgreementSpec(Strict):
    """What SLAs, OLAs and UAs share (FitSM-4 agreement contents)."""

    validity: Validity | None = evidence("PR2.2", "When the agreement is in force: start and optional end")
    description: Text | None = Field(
        None, description="Scope and description of the service(s), in the customer's words")
    service_hours: Hours | None = evidence("PR2.2", "When the service is provided")
    support: Support | None = evidence("PR2.2", "Support contact and hours")
    targets: list[Target] | None = evidence("PR2.2", "Service level targets", min_length=1)
    limitations: list[Text] = Field([], description="Limitations and constraints, e.g. fair use, quotas")
    communication: Text | None = Field(
        None, description="How the parties communicate, how violations are notified, how to escalate")
    reporting: list[ReportRef] = Field([], description="ReportSpecification ids of the reports on this agreement (PR3)")
    security: Text | None = Field(None, description="Information security and data protection commitments")
    provider_responsibilities: list[Text] = Field(
        [], description="What the provider (for an OLA / UA: the supplier) commits to beyond the targets")
    counterpart_responsibilities: list[Text] = Field(
        [], description="What the other party (the customer; for an OLA / UA: we) must do")
    glossary: dict[str, Text] = Field({}, description="Terms used in the agreement: term: definition")


class SLASpec(AgreementSpec):
    type: Literal["default", "specific"] | None = evidence("PR2.2", "default (for all customers) or specific")
    customer: CustomerRef | None = Field(None, description="Omitted for the default SLA")
    services: list[ServiceRef] = Field(
        [], description="Service ids; empty in a default SLA: it covers every service (or set catalogue)")
    catalogue: CatalogueRef | None = Field(None, description="Default SLA: covers this catalogue's services")


class SLA(Envelope):
    owner_requirement = "PR2.2"
    kind: Literal["SLA"]
    spec: SLASpec


class Covered(Strict):
    service: ServiceRef
    component: Text | None = None


class Signatory(Strict):
    """One supplier that signed an OLA template: every resource centre signs the same OLA."""

    supplier: SupplierRef = Field(description="The supplier that signed this OLA template")
    signed_on: dt.date = Field(description="The day it signed")
    counterpart: SupplierRef | None = Field(
        None, description="The federation member it agreed with, when not this organisation (a resource centre "
        "with its national provider)")
    contract_ref: Text | None = None


class SupportingSpec(AgreementSpec):
    alternatives = {"supplier": "signatories"}

    supplier: SupplierRef | None = evidence("PR2.4", "The supplier this OLA or UA is agreed with (an OLA template "
                                            "signed by many suppliers lists them under signatories instead)")
    signatories: list[Signatory] = Field([], description="An OLA template: the suppliers that signed it")
    counterpart: SupplierRef | None = Field(
        None, description="The federation member that receives the support, when the agreement is between two "
        "members of the federation rather than with this organisation")
    supports: list[Covered] | None = evidence("PR2.4", "The services and components it supports", min_length=1)
    supports_slas: list[SLARef] = Field([], description="The SLA ids this agreement underpins")
    contract_ref: Text | None = None

    @property
    def parties(self) -> list[str]:
        """The suppliers that agreed it: its supplier, or every signatory of a template."""
        return ([self.supplier] if self.supplier else []) + [s.supplier for s in self.signatories]


class OLA(Envelope):
    owner_requirement = "PR2.4"
    requirement_map = {"PR2.2": "PR2.4"}  # the agreement fields an OLA shares with SLAs evidence PR2.4
    kind: Literal["OLA"]
    spec: SupportingSpec


class UA(Envelope):
    owner_requirement = "PR2.4"
    requirement_map = {"PR2.2": "PR2.4"}
    kind: Literal["UA"]
    spec: SupportingSpec


class Result(Strict):
    """One target's result. Without ``met`` the target was not measured (``note`` says why): absence of
    data is recorded as such, never as a met target. ``nothing_to_measure`` says the data covered the period
    and held nothing the target counts (no ticket of its priority): evaluated, neither met nor missed."""

    json_rules: ClassVar[dict[str, Any]] = {"anyOf": [  # the rule of _says_why
        {"required": ["met"], "properties": {"met": {"type": "boolean"}, "nothing_to_measure": {"const": False}}},
        {"required": ["note"], "properties": {"met": {"type": "null"}, "measured": {"type": "null"},
                                              "note": {"type": ["string", "number"], "minLength": 1}}},
    ]}

    target: NonEmpty
    measured: float | None = None
    met: bool | None = Field(None, description="Omitted: not measured (no data); note says why")
    note: Text | None = None
    nothing_to_measure: bool = Field(False, description="True: the data covered the period and held nothing "
                                                        "the target counts (no ticket of its priority)")

    service: ServiceRef | None = Field(None, description="For a target of several services: the one measured")
    supplier: SupplierRef | None = Field(None, description="For an OLA template: the signatory measured")

    @model_validator(mode="after")
    def _says_why(self) -> Result:
        if self.met is None and self.measured is not None:
            raise ValueError("a measured value needs met: true or false")
        if self.met is None and not self.note:
            raise ValueError("a result without met (not measured) needs a note saying why")
        if self.nothing_to_measure and self.met is not None:
            raise ValueError("nothing_to_measure: true is a result with nothing measured: leave out met")
        return self


class SourceFile(Strict):
    path: NonEmpty
    # a hash of digits and one e (…00e0) is a number to YAML 1.2 when unquoted: read back as written
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$"), BeforeValidator(as_text)]


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
    agreement: AgreementRef | None = evidence("PR2.3", "The SLA, OLA or UA evaluated")
    period_start: dt.date | None = evidence("PR2.3", "First day of the evaluated period")
    period_end: dt.date | None = evidence("PR2.3", "Last day of the evaluated period")
    evaluated_on: dt.date | None = Field(None, description="When the evaluation was made")
    results: list[Result] | None = evidence("PR2.3", "One result per target", min_length=1)
    notifications: list[Notification] = Field([], description="Who was notified of a violation, and when: {to, on}")
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
    recipients: list[RecipientRef] = Field([], description="The customers and people who receive it (ids)")
    frequency: IsoDuration | None = None
    content: list[NonEmpty] = []
    format: NonEmpty | None = None
    delivery: NonEmpty | None = Field(None, description="Method of delivery")
    agreed_with: list[Agreed] = Field([], description="The recipients' agreement to the specification: {party, on}")
    topics: list[ReportTopic] = Field([], description="What the report covers, for PR3.1")
    covers: list[Text] = Field([], description="Agreement targets (agreement/target) and KPI ids reported")


class ReportSpecification(Envelope):
    owner_requirement = "PR3.2"
    kind: Literal["ReportSpecification"]
    spec: ReportSpecificationSpec


class ReportDeliverySpec(Strict):
    report: ReportRef | None = evidence("PR3.3", "The ReportSpecification delivered")
    period_end: dt.date | None = evidence("PR3.3", "Last day of the reported period")
    delivered_on: dt.date | None = evidence("PR3.3", "When it was delivered")
    recipients: list[NonEmpty] | None = evidence("PR3.3", "Who received it", min_length=1)
    delivered_to: list[RecipientRef] = Field([], description="The customers and people it was delivered to (ids)")
    location: Text | None = None
    period_start: dt.date | None = None
    source: Provenance | None = None


class ReportDelivery(Envelope):
    record = True
    kind: Literal["ReportDelivery"]
    spec: ReportDeliverySpec

