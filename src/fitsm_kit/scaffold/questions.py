"""What ``fitsm new`` asks for each kind: references offered from the documents that exist in the SMS.

A :class:`Question` is data; ``cli.py`` prompts for it on a terminal and ``--no-input`` takes its
default. Candidates come from the loaded SMS, so a new SLA offers the customers and services that
exist, an OLA only internal suppliers and federation members, and a UA only external suppliers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fitsm_kit.model.base import ProcessCode
from fitsm_kit.model.catalogue import requirements
from fitsm_kit.sms.index import Sms

Pick = Callable[[Sms], list[str]]


@dataclass(frozen=True)
class Question:
    """One value ``fitsm new`` needs; its ``name`` is the template variable and the ``--set`` key."""

    name: str
    prompt: str
    choices: tuple[str, ...] = ()  # the allowed answers; empty means free text
    default: tuple[str, ...] = ()  # what --no-input takes; empty means none
    many: bool = False  # a comma-separated list of choices
    required: bool = True
    create: str = ""  # how to create a candidate when there is none
    free: bool = False  # free text (title, name); otherwise the answer must be one of the choices


def _ids(*kinds: str, when: Callable[[object], bool] = lambda spec: True) -> Pick:
    return lambda sms: sorted(d.id for d in sms.of_kind(*kinds) if when(d.spec))


def _internal(spec: object) -> bool:
    return getattr(spec, "type", "") == "internal" or bool(getattr(spec, "federation_member", False))


def _live(spec: object) -> bool:
    status = getattr(spec, "lifecycle_status", None)
    return getattr(status, "value", status) == "live"


def _fixed(*values: str) -> Pick:
    return lambda sms: list(values)


def _undefined_processes(sms: Sms) -> list[str]:
    """Process codes without a definition first, so the default is the next one to write."""
    defined = {getattr(d.spec, "code", None) for d in sms.of_kind("Process")}
    codes = [c.value for c in ProcessCode]
    return [c for c in codes if c not in defined] + [c for c in codes if c in defined]


def _kpi_scopes(sms: Sms) -> list[str]:
    return ["sms", *(c.value for c in ProcessCode), *_ids("Service")(sms)]


PERSONS = _ids("Person", when=lambda spec: bool(getattr(spec, "active", True)))
SERVICES = _ids("Service")
CUSTOMERS = _ids("Customer")


@dataclass(frozen=True)
class Ref:
    """A question whose candidates come from the SMS (or a fixed list)."""

    name: str
    prompt: str
    pick: Pick
    create: str = ""
    many: bool = False
    required: bool = True
    default: str = "first"  # first | all | none


# Per kind, the references (and closed choices) asked after title and owner.
REFS: dict[str, tuple[Ref, ...]] = {
    "RoleAssignment": (Ref("person", "Person who holds the role", PERSONS, "fitsm new person"),),
    "Plan": (Ref("process", "Process this plan is for (empty: the overall SMS plan)",
                 _fixed(*(c.value for c in ProcessCode)), required=False, default="none"),
             Ref("aligned_with", "Service management plan it is aligned with", _ids("Plan"),
                 required=False, default="first")),
    "Process": (Ref("code", "Process", _undefined_processes),),
    "KPI": (Ref("scope", "What the KPI measures: sms, a process code or a service id", _kpi_scopes),),
    "ManagementReview": (Ref("chaired_by", "Chair (the SMS owner)", PERSONS, "fitsm new person"),),
    "Improvement": (Ref("target", "What it improves (a policy, plan, process or service id)",
                        _ids("Policy", "Plan", "Process", "Service"), "fitsm init"),),
    "Nonconformity": (Ref("source", "Where it was found (an audit, review or KPI id)",
                          _ids("Audit", "ManagementReview", "KPI", "AgreementEvaluation", "Complaint",
                               "ServiceReview"), required=False, default="none"),),
    "ServiceProposal": (Ref("service", "Existing service it changes (empty: a new service)", SERVICES,
                            required=False, default="none"),),
    "ServiceCatalogue": (Ref("services", "Live services it lists", _ids("Service", when=_live),
                             "fitsm new service (with lifecycle_status: live)", many=True, default="all"),),
    "SLA": (Ref("customer", "Customer (empty: a default SLA for all customers)", CUSTOMERS,
                required=False, default="none"),
            Ref("services", "Services it covers (empty: every service, as a default SLA)", SERVICES,
                many=True, required=False, default="none")),
    "OLA": (Ref("supplier", "Internal supplier or federation member", _ids("Supplier", when=_internal),
                "fitsm new supplier --set type=internal"),
            Ref("services", "Services it supports", SERVICES, "fitsm new service", many=True)),
    "UA": (Ref("supplier", "External supplier", _ids("Supplier", when=lambda spec: not _internal(spec)),
               "fitsm new supplier --set type=external"),
           Ref("services", "Services it supports", SERVICES, "fitsm new service", many=True)),
    "AgreementEvaluation": (Ref("agreement", "Agreement evaluated", _ids("SLA", "OLA", "UA"), "fitsm new sla"),),
    "ReportDelivery": (Ref("report", "Report delivered", _ids("ReportSpecification"), "fitsm new report"),),
    "AvailabilityContinuityPlan": (Ref("services", "Services it covers", SERVICES, "fitsm new service",
                                       many=True),),
    "CapacityPlan": (Ref("services", "Services it covers", SERVICES, "fitsm new service", many=True),),
    "Asset": (Ref("services", "Services that use it", SERVICES, many=True, required=False, default="none"),),
    "Risk": (Ref("category", "Category", _fixed("security", "availability", "continuity", "capacity", "other")),
             Ref("services", "Services at risk", SERVICES, many=True, required=False, default="none")),
    "SecurityControl": (Ref("mitigates", "Risks it mitigates", _ids("Risk"), "fitsm new risk", many=True),),
    "Customer": (Ref("relationship_manager", "Customer relationship manager", PERSONS, "fitsm new person"),),
    "ServiceReview": (Ref("customer", "Customer", CUSTOMERS, "fitsm new customer"),),
    "Complaint": (Ref("customer", "Customer", CUSTOMERS, "fitsm new customer"),),
    "SatisfactionSurvey": (Ref("customers", "Customers surveyed", CUSTOMERS, "fitsm new customer", many=True,
                               default="all"),),
    "Supplier": (Ref("type", "Supplier type (internal includes federation members)", _fixed("external", "internal")),
                 Ref("relationship_manager", "Supplier relationship manager", PERSONS, "fitsm new person")),
    "SupplierEvaluation": (Ref("supplier", "Supplier", _ids("Supplier"), "fitsm new supplier"),),
    "Scope": (Ref("services", "Services in scope", SERVICES, many=True, required=False, default="all"),),
    "Waiver": (Ref("requirement", "Requirement waived", lambda sms: list(requirements())),
               Ref("approved_by", "Approved by (the SMS owner)", PERSONS, "fitsm new person")),
    "OutageLog": (Ref("service", "Service the outage affected", SERVICES, "fitsm new service"),),
}

SMS_OWNER_REFS = ("chaired_by", "approved_by")  # FitSM-3: the SMS owner chairs reviews and approves waivers

# Free-text questions beyond the title, per kind.
TEXT: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Person": (("name", "Full name", "TODO: the person's full name"),
               ("email", "E-mail (also their Git author e-mail)", "TODO: e-mail address")),
}


def owner_default(sms: Sms) -> str:
    """The SMS manager maintains most documents (FitSM-3); else the SMS owner; else the first person."""
    for role in ("sms-manager", "sms-owner"):
        holders = [p for p in sms.holders(role) if p in sms.by_id]
        if holders:
            return holders[0]
    persons = PERSONS(sms)
    return persons[0] if persons else ""


def text_questions(kind: str) -> list[Question]:
    """The free-text questions, asked first: they suggest the id."""
    title = f"TODO: title of the {kind} document"
    return [*(Question(name, prompt, default=(default,), free=True) for name, prompt, default in TEXT.get(kind, ())),
            Question("title", "Title", default=(title,), free=True)]


def id_question(suggestion: str) -> Question:
    return Question("id", "Id (unique in the SMS; references use it)", default=(suggestion,), free=True)


def reference_questions(kind: str, sms: Sms, new_id: str) -> list[Question]:
    """The owner and the kind's references, with candidates from ``sms``."""
    asked = []
    persons = PERSONS(sms)
    owner = owner_default(sms)
    if kind == "Person" and not persons:
        persons, owner = [new_id], new_id  # the first person owns their own record
    asked.append(Question("owner", "Owner (a Person id: the FitSM-3 case owner)", tuple(persons),
                          (owner,) if owner else (), create="fitsm new person"))
    for ref in REFS.get(kind, ()):
        found = ref.pick(sms)
        default = {"first": tuple(found[:1]), "all": tuple(found), "none": ()}[ref.default]
        if ref.name in SMS_OWNER_REFS and (owners := [p for p in sms.holders("sms-owner") if p in found]):
            default = (owners[0],)
        asked.append(Question(ref.name, ref.prompt, tuple(found), default, ref.many, ref.required, ref.create))
    return asked
