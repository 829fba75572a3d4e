"""Kinds for the general requirements GR1–GR7: people, roles, policy, scope, plans, processes, checks."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Literal

from pydantic import Field

from fitsm_kit.model.base import (
    AnyRef,
    Email,
    Envelope,
    Handle,
    NonconformityRef,
    NonEmpty,
    PersonName,
    PersonRef,
    PlanRef,
    ProcessCode,
    ServiceRef,
    Strict,
    Text,
    evidence,
)
from fitsm_kit.model.dates import IsoDuration


class PersonSpec(Strict):
    name: PersonName | None = evidence("GR2.4", "The person's name, as in Git commits")
    email: Email | None = evidence("GR2.4", "The person's main Git author e-mail")
    emails: list[Email] = Field([], description="Further Git author emails of this person")
    github: Handle | None = None
    gitlab: Handle | None = None
    organisation: Text | None = None
    top_management: bool = False
    active: bool = True


class Person(Envelope):
    record = True
    kind: Literal["Person"]
    spec: PersonSpec


class Role(str, enum.Enum):
    SMS_OWNER = "sms-owner"
    SMS_MANAGER = "sms-manager"
    PROCESS_OWNER = "process-owner"
    PROCESS_MANAGER = "process-manager"
    PROCESS_STAFF = "process-staff"
    OTHER = "other"


class Assignment(Strict):
    role: Role
    process: ProcessCode | None = None
    person: PersonRef
    title: Text | None = Field(None, description="Name of the role when role is 'other'")
    since: dt.date | None = None
    nominated_by: PersonRef | None = None
    responsibilities: list[Text] = []


class RoleAssignmentSpec(Strict):
    assignments: list[Assignment] | None = evidence("GR2.2", "FitSM-3 roles and who holds them", min_length=1)


class RoleAssignment(Envelope):
    kind: Literal["RoleAssignment"]
    spec: RoleAssignmentSpec


class Commitments(Strict):
    continual_improvement: NonEmpty
    service_orientation: NonEmpty
    process_orientation: NonEmpty


class PolicySpec(Strict):
    goals: list[NonEmpty] | None = evidence("GR1.2", "Overall service management goals", min_length=1)
    commitments: Commitments | None = evidence(
        "GR1.2", "The commitments GR1.2 names: continual improvement, service and process orientation")
    statements: list[Text] = []
    management_review_interval: IsoDuration | None = Field(
        None, description="Planned interval of management reviews (GR1.3), e.g. P12M")
    audit_interval: IsoDuration | None = Field(
        None, description="Planned interval of SMS assessments or audits (GR6.2), e.g. P12M")
    default_review_intervals: dict[str, IsoDuration] = Field(
        {}, description="Planned review interval per kind, used when a document sets none")


class Policy(Envelope):
    kind: Literal["Policy"]
    spec: PolicySpec


class Stakeholder(Strict):
    name: NonEmpty
    type: Text | None = None
    needs: list[NonEmpty] = []
    expectations: list[NonEmpty] = []


class ExternalRequirement(Strict):
    type: Literal["legal", "regulatory", "contractual"]
    description: NonEmpty
    source: Text | None = None


class ScopeSpec(Strict):
    statement: NonEmpty | None = evidence("GR3.2", "The SMS scope statement")
    services: list[ServiceRef] = []
    processes: list[ProcessCode] = list(ProcessCode)
    organisations: list[Text] = []
    locations: list[Text] = []
    exclusions: list[Text] = []
    stakeholders: list[Stakeholder] = evidence("GR3.1", "Stakeholders and their needs and expectations",
                                               required=False, default=[])
    requirements: list[ExternalRequirement] = evidence(
        "GR3.1", "Legal, regulatory and contractual requirements considered", required=False, default=[])
    stakeholder_analysis_reviewed: dt.date | None = None


class Scope(Envelope):
    kind: Literal["Scope"]
    spec: ScopeSpec


class StakeholderAnalysisSpec(Strict):
    """The stakeholder analysis in its own document, with its own review (GR3.1), beside the scope."""

    stakeholders: list[Stakeholder] | None = evidence("GR3.1", "Stakeholders and their needs and expectations",
                                                      min_length=1)
    requirements: list[ExternalRequirement] = Field(
        [], description="Legal, regulatory and contractual requirements considered")
    scope: AnyRef | None = Field(None, description="The Scope document it informs")


class StakeholderAnalysis(Envelope):
    kind: Literal["StakeholderAnalysis"]
    spec: StakeholderAnalysisSpec


class Goal(Strict):
    id: NonEmpty
    description: NonEmpty
    due: dt.date
    status: Literal["planned", "in-progress", "done", "dropped"] = "planned"


class PlanSpec(Strict):
    type: Literal["sms", "process"] = "sms"
    process: ProcessCode | None = None
    aligned_with: PlanRef | None = None
    goals: list[Goal] = Field([], description="Goals and timing (GR4.1 for the SMS plan)")
    roles: list[Text] = Field([], description="Roles and responsibilities for carrying out the plan")
    training: list[Text] = Field([], description="Training and awareness activities")
    tools: list[Text] = Field([], description="Technology (tools) to support the SMS")


class Plan(Envelope):
    kind: Literal["Plan"]
    spec: PlanSpec


class ProcessRole(Strict):
    role: NonEmpty
    responsibilities: list[Text] = []


class Interface(Strict):
    process: ProcessCode
    direction: Literal["in", "out", "both"] = "both"
    description: NonEmpty


class Procedure(Strict):
    title: NonEmpty
    topic: Text | None = None
    steps: list[Text] = []


class ProcessSpec(Strict):
    code: ProcessCode | None = evidence("GR2.2", "Which of the 14 FitSM processes this defines")
    goals: list[NonEmpty] = []
    inputs: list[NonEmpty] = []
    activities: list[NonEmpty] = []
    outputs: list[NonEmpty] = []
    roles: list[ProcessRole] = []
    interfaces: list[Interface] = []
    policies: list[Text] = []
    procedures: list[Procedure] = []


class Process(Envelope):
    kind: Literal["Process"]
    spec: ProcessSpec


class Measurement(Strict):
    period_end: dt.date
    value: float
    on_target: bool
    nonconformity: NonconformityRef | None = None


class KPISpec(Strict):
    scope: NonEmpty | None = evidence("GR6.1", "'sms', a process code, or a service id")
    description: NonEmpty | None = evidence("GR6.1", "What the KPI measures")
    target: NonEmpty | None = evidence("GR6.1", "The target value that makes the KPI an evaluation, e.g. '>= 99.5 %'")
    measurement_method: NonEmpty | None = evidence("GR6.1", "How the value is measured")
    frequency: IsoDuration | None = evidence("GR6.1", "How often it is measured, e.g. P1M")
    goal: Text | None = None
    measurements: list[Measurement] = evidence("GR6.1", "Measured values, newest last", required=False, default=[])


class KPI(Envelope):
    kind: Literal["KPI"]
    spec: KPISpec


class Action(Strict):
    description: NonEmpty
    owner: PersonRef
    due: dt.date
    done: bool = False


class ManagementReviewSpec(Strict):
    date: dt.date | None = evidence("GR1.3", "When the review took place")
    chaired_by: PersonRef | None = evidence("GR1.3", "Who chaired it: the SMS owner")
    participants: list[PersonRef] = []
    inputs: list[NonEmpty] = []
    results: list[NonEmpty] = []
    actions: list[Action] = []


class ManagementReview(Envelope):
    record = True
    kind: Literal["ManagementReview"]
    spec: ManagementReviewSpec


class AuditFinding(Strict):
    description: NonEmpty
    requirement: Text | None = None
    severity: Literal["major", "minor", "observation"] = "minor"
    nonconformity: NonconformityRef | None = None


class Score(Strict):
    requirement: NonEmpty
    score: int = Field(ge=0, le=4)


class AuditSpec(Strict):
    date: dt.date | None = evidence("GR6.2", "When the assessment or audit took place")
    type: Literal["self-assessment", "internal-audit", "external-audit"] | None = evidence("GR6.2")
    assessors: list[NonEmpty] | None = evidence("GR6.2", "Who assessed", min_length=1)
    scope: list[Text] = []
    findings: list[AuditFinding] = []
    scores: list[Score] = []


class Audit(Envelope):
    record = True
    kind: Literal["Audit"]
    spec: AuditSpec


class NonconformitySpec(Strict):
    source: AnyRef | None = None
    requirement: Text | None = None
    description: NonEmpty | None = evidence("GR7.1", "What deviates from what")
    raised_on: dt.date | None = evidence("GR7.1", "When the nonconformity was identified")
    cause: Text | None = None
    corrective_action: Text | None = None
    due: dt.date | None = None
    status: Literal["open", "in-progress", "closed"] = "open"
    closed_on: dt.date | None = None
    verified_on: dt.date | None = None


class Nonconformity(Envelope):
    record = True
    owner_requirement = "GR7.1"
    kind: Literal["Nonconformity"]
    spec: NonconformitySpec


class Evaluation(Strict):
    decision: Literal["approved", "rejected", "pending"]
    decided_by: PersonRef
    decided_on: dt.date


class ImprovementSpec(Strict):
    target: AnyRef | None = evidence("GR7.2", "What is improved: the policy, the plan or a process definition")
    source: Text | None = None
    description: NonEmpty | None = evidence("GR7.2", "The improvement")
    evaluation: Evaluation | None = evidence("GR7.2", "The improvement's evaluation and approval", required=False)
    status: Literal["proposed", "approved", "in-progress", "implemented", "rejected"] = "proposed"


class Improvement(Envelope):
    record = True
    kind: Literal["Improvement"]
    spec: ImprovementSpec
