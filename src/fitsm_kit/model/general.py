"""Kinds for the general requirements GR1–GR7: people, roles, policy, scope, plans, processes, checks."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Literal

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
from fitsm_kit.model.signing import SigningKey


class PersonSpec(Strict):
    name: PersonName | None = evidence("GR2.4", "The person's name, as in Git commits")
    email: Email | None = evidence("GR2.4", "The person's main Git author e-mail")
    emails: list[Email] = Field([], description="Further Git author emails of this person")
    github: Handle | None = Field(None, description="GitHub user name, used for CODEOWNERS and to match Git commits")
    gitlab: Handle | None = Field(None, description="GitLab user name, used for CODEOWNERS and to match Git commits")
    signing_keys: list[SigningKey] = Field(
        [], description="Public keys whose signatures prove this person's approvals (document_control."
        "require_signed_approvals): SSH public key lines or armoured OpenPGP public keys")
    organisation: Text | None = None
    top_management: bool = Field(
        False, description="true for a member of top management (the SMS owner must be one, GR1.1)")
    active: bool = Field(True, description="false once the person has left; keep the record for history")


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

    @classmethod
    def evidence_requirement(cls, requirement: str, raw: Any, loc: tuple[str | int, ...] = ()) -> str:
        """The SMS owner's assignment evidences GR1.1; process roles and the others GR2.2."""
        if loc[:2] == ("spec", "assignments") and len(loc) > 2 and isinstance(loc[2], int):
            spec = raw.get("spec") if isinstance(raw, dict) else None
            entries = spec.get("assignments") if isinstance(spec, dict) else None
            entry = entries[loc[2]] if isinstance(entries, list) and loc[2] < len(entries) else None
            if isinstance(entry, dict) and entry.get("role") == Role.SMS_OWNER.value:
                return "GR1.1"
        return requirement


class Commitments(Strict):
    continual_improvement: NonEmpty
    service_orientation: NonEmpty
    process_orientation: NonEmpty


class PolicySpec(Strict):
    goals: list[NonEmpty] | None = evidence("GR1.2", "Overall service management goals", min_length=1)
    commitments: Commitments | None = evidence(
        "GR1.2", "The commitments GR1.2 names: continual improvement, service and process orientation")
    statements: list[Text] = Field([], description="Further policy statements")
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
    services: list[ServiceRef] = Field([], description="Service ids in scope")
    processes: list[ProcessCode] = Field(
        list(ProcessCode), description="The FitSM processes in scope (default: all 14)")
    organisations: list[Text] = []
    locations: list[Text] = []
    exclusions: list[Text] = Field([], description="What is explicitly out of scope, and why")
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
    id: NonEmpty = Field(description="An id for the goal, unique in the plan, e.g. G1")
    description: NonEmpty
    due: dt.date = Field(description="When the goal is due")
    status: Literal["planned", "in-progress", "done", "dropped"] = Field(
        "planned", description="planned | in-progress | done | dropped")


class PlanSpec(Strict):
    type: Literal["sms", "process"] = "sms"
    process: ProcessCode | None = None
    aligned_with: PlanRef | None = Field(
        None, description="The service management plan this plan is aligned with (GR4.2)")
    goals: list[Goal] = evidence("GR4.1", "Goals and timing (GR4.1 for the SMS plan)", required=False, default=[])
    roles: list[Text] = Field([], description="Roles and responsibilities for carrying out the plan")
    training: list[Text] = Field([], description="Training and awareness activities")
    tools: list[Text] = Field([], description="Technology (tools) to support the SMS")


class Plan(Envelope):
    kind: Literal["Plan"]
    spec: PlanSpec

    @classmethod
    def evidence_requirement(cls, requirement: str, raw: Any, loc: tuple[str | int, ...] = ()) -> str:
        """The goals of the SMS plan evidence GR4.1; a process plan's are no GR4.1 evidence (GR2.4 as before)."""
        spec = raw.get("spec") if isinstance(raw, dict) else None
        plan_type = spec.get("type", "sms") if isinstance(spec, dict) else "sms"
        if requirement == "GR4.1" and plan_type != "sms":
            return "GR2.4"
        return requirement


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
    # GR2.2 lists what a definition includes: an invalid part (a list written as text) is a GR2.2 finding; an
    # empty one is reported by the process-definitions rule (required=False: no second finding for it)
    goals: list[NonEmpty] = evidence("GR2.2", "What this process achieves for you", required=False, default=[])
    inputs: list[NonEmpty] = evidence("GR2.2", "The process inputs (FitSM-2 lists them)", required=False, default=[])
    activities: list[NonEmpty] = evidence("GR2.2", "The activities you carry out, e.g. from FitSM-2", required=False,
                                          default=[])
    outputs: list[NonEmpty] = evidence("GR2.2", "The process outputs (FitSM-2 lists them)", required=False,
                                       default=[])
    roles: list[ProcessRole] = evidence(
        "GR2.2", "Process roles: {role, responsibilities}; who holds them is in the role assignments", required=False,
        default=[])
    interfaces: list[Interface] = evidence(
        "GR2.2", "Interfaces to other processes: {process, direction: in | out | both, description}", required=False,
        default=[])
    policies: list[Text] = Field([], description="Process-specific policies, if any")
    procedures: list[Procedure] = Field([], description="Procedures, if needed: {title, topic, steps}")


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
    goal: Text | None = Field(None, description="The policy or plan goal it supports")
    measurements: list[Measurement] = evidence("GR6.1", "Measured values, newest last", required=False, default=[])


class KPI(Envelope):
    kind: Literal["KPI"]
    spec: KPISpec


class Action(Strict):
    description: NonEmpty
    owner: PersonRef = Field(description="Who carries out the action (a Person id)")
    due: dt.date
    done: bool = False


class ManagementReviewSpec(Strict):
    date: dt.date | None = evidence("GR1.3", "When the review took place")
    chaired_by: PersonRef | None = evidence("GR1.3", "Who chaired it: the SMS owner")
    participants: list[PersonRef] = Field([], description="Person ids of the participants")
    inputs: list[NonEmpty] = []
    results: list[NonEmpty] = []
    actions: list[Action] = Field([], description="Actions decided: {description, owner, due}")


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
    type: Literal["self-assessment", "internal-audit", "external-audit"] | None = evidence(
        "GR6.2", "self-assessment, internal-audit or external-audit")
    assessors: list[NonEmpty] | None = evidence("GR6.2", "Who assessed", min_length=1)
    scope: list[Text] = Field([], description="The requirements or processes assessed")
    findings: list[AuditFinding] = Field(
        [], description="What was found: {description, requirement, severity: major | minor | observation}")
    scores: list[Score] = Field([], description="Capability scores per requirement: {requirement, score: 0-4}")


class Audit(Envelope):
    record = True
    kind: Literal["Audit"]
    spec: AuditSpec


class NonconformitySpec(Strict):
    source: AnyRef | None = Field(None, description="Where it was found: the id of the audit, review or document")
    requirement: Text | None = None
    description: NonEmpty | None = evidence("GR7.1", "What deviates from what")
    raised_on: dt.date | None = evidence("GR7.1", "When the nonconformity was identified")
    cause: Text | None = None
    corrective_action: Text | None = None
    due: dt.date | None = None
    status: Literal["open", "in-progress", "closed"] = Field(
        "open", description="open | in-progress | closed (then set closed_on and verified_on)")
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
    status: Literal["proposed", "approved", "in-progress", "implemented", "rejected"] = Field(
        "proposed", description="proposed | approved | in-progress | implemented | rejected")


class Improvement(Envelope):
    record = True
    kind: Literal["Improvement"]
    spec: ImprovementSpec
