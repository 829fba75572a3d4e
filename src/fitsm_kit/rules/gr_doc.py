"""GR2 Documentation (DOC): key documents, process definitions, process outputs and records."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import ProcessCode, Status
from fitsm_kit.model.general import Process, Role
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.general import (
    exactly_one,
    in_scope_processes,
    process_codes_known,
    process_doc,
    the_policy,
    the_sms_plan,
)

P = ProcessCode
# The kinds that document each process's key outputs (FitSM-2 "outputs") and record its key activities.
# Processes without kinds here (ISRM, PM, CONFM, CHM, RDM) keep their records in their own tools.
OUTPUTS: dict[ProcessCode, tuple[str, ...]] = {
    P.SPM: ("Service",), P.SLM: ("ServiceCatalogue", "SLA"), P.SRM: ("ReportSpecification",),
    P.SACM: ("AvailabilityContinuityPlan",), P.CAPM: ("CapacityPlan",),
    P.ISM: ("SecurityPolicy", "Risk", "SecurityControl"), P.CRM: ("Customer",), P.SUPPM: ("Supplier",),
}
RECORDS: dict[ProcessCode, tuple[str, ...]] = {
    P.SLM: ("AgreementEvaluation",), P.SRM: ("ReportDelivery",), P.CRM: ("ServiceReview",),
    P.SUPPM: ("SupplierEvaluation",), P.CSI: ("Improvement",),
}


@rule("GR2.1", "key-documents", fix="write the missing key document and have it approved")
def key_documents(ctx: Context) -> Iterator[Problem]:
    """The scope statement, the service management policy and the service management plan are documented.

    Documented means present and approved (``metadata.status: approved``): a draft is not yet the
    SMS's documentation. The other rules of GR1.2, GR3.2 and GR4.1 check what each must contain.
    """
    scope = next(iter(ctx.sms.of_kind("Scope")), None)
    for doc, what, kind, written in ((scope, "scope statement", "Scope", "kind: Scope"),
                                     (the_policy(ctx), "service management policy", "Policy", "kind: Policy"),
                                     (the_sms_plan(ctx), "service management plan", "Plan",
                                      "kind: Plan, spec.type: sms")):
        if doc is None:
            # else the document that could not be read may be it; or a plan whose type was cut out (read as sms)
            if ctx.all_read(kind) and not (kind == "Plan" and any(p.spec.type == "sms" for p in ctx.sms.of_kind(kind))):
                yield Problem(None, (), f"key SMS document missing: no {what} ({written})")
        elif doc.model.metadata.status is not Status.APPROVED:
            yield Problem(doc, ("metadata", "status"),
                          f"the {what} is {doc.model.metadata.status.value}, not approved")


@rule("GR2.2", "process-definitions", fix="add a Process document for each process in scope")
def process_definitions(ctx: Context) -> Iterator[Problem]:
    """Each process in scope has exactly one complete definition.

    Complete means goals, inputs, activities, outputs, roles and interfaces are all described. The
    processes in scope are the scope statement's ``spec.processes`` (all 14 by default).
    """
    complete = ctx.all_read("Process")  # else a definition that could not be read is not judged, and may be one
    defined: dict[ProcessCode, list[Doc]] = {}
    for doc in ctx.sms.of_kind("Process"):
        assert isinstance(doc.model, Process)
        if doc.model.spec.code is not None:  # a definition without its code is reported under GR2.2
            defined.setdefault(doc.model.spec.code, []).append(doc)
    for code in in_scope_processes(ctx):
        docs = defined.get(code, [])
        if not docs and complete and process_codes_known(ctx):  # a code left or cut out may be this one
            yield Problem(None, (), f"process {code.value} is in scope but has no Process definition")
        for extra in docs[1:]:
            yield Problem(extra, ("spec", "code"), f"process {code.value} is defined more than once "
                          f"(also in {docs[0].path})", "keep one definition per process")
    for docs in defined.values():
        for doc in docs:
            spec = doc.spec
            for part in ("goals", "inputs", "activities", "outputs", "roles", "interfaces"):
                if not getattr(spec, part):
                    yield Problem(doc, ("spec",), f"process definition has no {part}",
                                  f"describe the process's {part} under spec.{part}")


@rule("GR2.2", "process-roles-assigned",
      fix="assign one process owner and one process manager per process in scope (RoleAssignment, with process:)")
def process_roles_assigned(ctx: Context) -> Iterator[Problem]:
    """Each process in scope has exactly one process owner and one process manager.

    FitSM-3 asks for one owner and one manager per process ("1 in total"); one person may hold both,
    and several processes. Assignments are ``RoleAssignment`` entries with ``role: process-owner`` or
    ``process-manager`` and ``process:`` naming the process; each assignee must be an active Person.
    """
    for doc, i, a in ctx.sms.assignments():
        if a.role in (Role.PROCESS_OWNER, Role.PROCESS_MANAGER) and a.process is None:
            yield Problem(doc, ("spec", "assignments", i), f"{a.role.value} assignment names no process",
                          "add process: with the process code, e.g. SLM")
    for code in in_scope_processes(ctx):
        yield from exactly_one(ctx, Role.PROCESS_OWNER, code, f"{code.value} process owner")
        yield from exactly_one(ctx, Role.PROCESS_MANAGER, code, f"{code.value} process manager")


def _absent(ctx: Context, table: dict[ProcessCode, tuple[str, ...]]) -> Iterator[tuple[ProcessCode, str]]:
    """(process, kind) for every in-scope process without a non-retired document of a kind in ``table``."""
    for code in in_scope_processes(ctx):
        for kind in table.get(code, ()):
            if not any(d.model.metadata.status is not Status.RETIRED for d in ctx.sms.of_kind(kind)):
                yield code, kind


def _missing(ctx: Context, table: dict[ProcessCode, tuple[str, ...]]) -> Iterator[tuple[ProcessCode, str]]:
    """``_absent``, but not a kind a document of which could not be read: it may be the one (the rule holds back
    for that kind only, see :meth:`Context.all_read`)."""
    return ((code, kind) for code, kind in _absent(ctx, table) if ctx.all_read(kind))


@rule("GR2.3", "process-outputs-documented",
      fix="document the process's key output as a document of that kind")
def process_outputs_documented(ctx: Context) -> Iterator[Problem]:
    """Each process in scope has its key outputs documented.

    The key outputs checked per process (FitSM-2): SPM a ``Service`` (the portfolio), SLM a
    ``ServiceCatalogue`` and an ``SLA``, SRM a ``ReportSpecification``, SACM an
    ``AvailabilityContinuityPlan``, CAPM a ``CapacityPlan``, ISM a ``SecurityPolicy``, a ``Risk``
    and a ``SecurityControl``, CRM a ``Customer``, SUPPM a ``Supplier`` — at least one each that is
    not retired. ISRM, PM, CONFM, CHM and RDM keep their outputs in their own tools (ticket system,
    CMDB) and are not checked here.
    """
    for code, kind in _missing(ctx, OUTPUTS):
        yield Problem(process_doc(ctx, code), ("spec", "outputs"),
                      f"process {code.value} is in scope but no {kind} documents its outputs")


@rule("GR2.3", "process-activities-recorded",
      fix="record the activity as a document of that kind")
def process_activities_recorded(ctx: Context) -> Iterator[Problem]:
    """Each process in scope records the execution of its key activities.

    The records checked per process: SLM an ``AgreementEvaluation``, SRM a ``ReportDelivery``, CRM a
    ``ServiceReview``, SUPPM a ``SupplierEvaluation``, CSI an ``Improvement`` — at least one each.
    Whether they are recent is checked by the process requirements (PR2.3, PR3.3, PR7.4, PR8.4).
    """
    for code, kind in _missing(ctx, RECORDS):
        yield Problem(process_doc(ctx, code), ("spec", "activities"),
                      f"process {code.value} is in scope but no {kind} records its activities")
