"""What several process (PR) rules share: FitSM-3 case owners, attestations, in-force agreements."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fitsm_kit.model.base import ProcessCode, Status
from fitsm_kit.model.general import Role
from fitsm_kit.rules.base import Context, Doc, Evidence, Problem, rule
from fitsm_kit.rules.general import (
    attestation_problems,
    either,
    holders,
    inactive_holder,
    process_codes_known,
    process_doc,
    roles_intact,
)

AGREED = ("validity", "service_hours", "support", "targets")  # what every SLA, OLA and UA agrees
SUPPORTING = ("supplier", "supports")  # what an OLA or UA agrees besides


def complete(doc: Doc) -> bool:
    """Whether an agreement says everything it agrees; a part left out is reported under its requirement."""
    parts = AGREED + (SUPPORTING if doc.kind in ("OLA", "UA") else ())
    stand_ins = type(doc.spec).alternatives  # an OLA template names its signatories instead of one supplier
    return all(getattr(doc.spec, part) is not None or (part in stand_ins and getattr(doc.spec, stand_ins[part]))
               for part in parts)


def coverage_known(sla: Doc, ctx: Context) -> bool:
    """Whether what an SLA covers can be told: its type (which has no default: left out, it is unknown), its
    services and its catalogue are neither cut out nor left out, and name what is in the SMS (so do its
    catalogue's services). False notes why (:meth:`Context.judged`): a cut type reads as no type, and a default
    SLA would look as if it covered nothing."""
    spec = sla.spec
    return ctx.once(("coverage_known", id(sla)), lambda: all([
        ctx.judged(sla, "spec", "type", left_out=spec.type is None), ctx.judged(sla, "spec", "services"),
        ctx.judged(sla, "spec", "catalogue"),
        # a service or catalogue it names that is none of the SMS (a typo) may be the one meant
        ctx.none_dangling("SLA", "spec", "services", where=lambda s: s is sla),
        ctx.none_dangling("SLA", "spec", "catalogue", where=lambda s: s is sla),
        spec.catalogue is None or ctx.none_dangling("ServiceCatalogue", "spec", "services",
                                                    where=lambda c: c.id == spec.catalogue)]))


def targets_known(agreement: Doc, ctx: Context) -> bool:
    """Whether an agreement's targets are all there to judge (none cut out: a target whose metric, value, unit or
    period is invalid or left out is cut, and a cut period reads as the default P1M); False notes why."""
    return ctx.judged(agreement, "spec", "targets")


def in_force(doc: Doc, ctx: Context) -> bool:
    """An agreement counts once agreed (not a draft, not retired), complete, and while its validity covers today.

    An agreement with a part left out (no validity, no targets) cannot be relied on, so it covers
    nothing and supports nothing: the missing part is the one finding, under the agreement's requirement.
    """
    return ctx.once(("in_force", id(doc)), lambda: _in_force(doc, ctx))  # asked for every service it may cover


def _in_force(doc: Doc, ctx: Context) -> bool:
    if doc.model.metadata.status is not Status.APPROVED:
        return False  # a draft or an SLA still in review is not agreed yet
    if not complete(doc):
        # a part cut out as invalid (a validity that is no date) may be in force: the rule asking holds back
        for part in AGREED + SUPPORTING:
            ctx.judged(doc, "spec", part)
        return False
    validity = doc.spec.validity
    return bool(validity.start <= ctx.as_of and (validity.end is None or ctx.as_of <= validity.end))


def not_in_force(doc: Doc, ctx: Context) -> str:
    """Why an agreement is not in force, in words for a finding ("sla-x: it is a draft, not yet agreed")."""
    return f"{doc.id}: {why_not_in_force(doc, ctx)}"


def why_not_in_force(doc: Doc, ctx: Context) -> str:
    """Why an agreement is not in force ("it is a draft, not yet agreed"); the site shows the same words."""
    status = doc.model.metadata.status
    if status is Status.DRAFT:
        why = "it is a draft, not yet agreed"
    elif status is Status.IN_REVIEW:
        why = "it is in review, not yet agreed"
    elif status is not Status.APPROVED:
        why = f"it is {status.value}"
    elif not complete(doc):
        why = "it leaves out what it agrees (validity, hours, support or targets)"
    elif doc.spec.validity.start > ctx.as_of:
        why = f"its validity starts {doc.spec.validity.start}"
    else:
        why = f"its validity ended {doc.spec.validity.end}"
    return why


def in_force_fix(doc: Doc, ctx: Context) -> str:
    """What to do so that an agreement is in force: the fix that matches why it is not."""
    status = doc.model.metadata.status
    if status in (Status.DRAFT, Status.IN_REVIEW):
        return f"agree and approve {doc.id} (metadata.status: approved, with its approval), or cover the service " \
               "with an agreement in force"
    if status is Status.RETIRED:
        return "agree a new agreement for the service"
    if not complete(doc):
        return f"state what {doc.id} agrees: validity, service hours, support and targets"
    if doc.spec.validity.start > ctx.as_of:
        return "cover the service with an agreement in force until this one starts"
    return f"renew the validity of {doc.id} (spec.validity.end) or agree a new one"


def expired(doc: Doc, ctx: Context) -> bool:
    """An approved, complete agreement whose validity has ended (reported on the agreement itself)."""
    validity = doc.spec.validity
    return (doc.model.metadata.status is Status.APPROVED and complete(doc) and validity.end is not None
            and validity.end < ctx.as_of)


def agreements_in_force(*kinds: str) -> Evidence:
    """Evidence: an agreement of ``kinds`` in force (an SLA that is a draft or has expired is nothing to evaluate)."""

    def present(ctx: Context) -> str | None:
        if any(in_force(d, ctx) for d in ctx.sms.of_kind(*kinds)):
            return None
        return f"no {' or '.join(kinds)} in force"

    return present


def case_owner_rule(requirement: str, name: str, kinds: tuple[str, ...], role: str, what: str, *,
                    field: tuple[str, str] = ("metadata", "owner"), where: Callable[[Doc], bool] | None = None
                    ) -> None:
    """Register rule ``name``: each document of ``kinds`` has one ``role``, an active Person in ``field``.

    The case owner is ``metadata.owner``; relationship managers are in ``spec.relationship_manager``.
    ``where`` narrows the documents (e.g. security risks only). Retired documents need no owner.
    """

    def check(doc: Doc, ctx: Context) -> Iterator[Problem]:
        if doc.model.metadata.status is Status.RETIRED or (where is not None and not where(doc)):
            return
        holder = getattr(getattr(doc.model, field[0]), field[1])
        yield from inactive_holder(doc, ctx, holder, field, role)

    path = ".".join(field)
    check.__name__ = name.replace("-", "_")
    check.__doc__ = (f"Each {what} has one {role}: an active Person in {path}.\n\n"
                     f"FitSM-3 asks for one {role} per {what}. The schema allows exactly one value; this rule "
                     "checks that it names a person who is still active (Person spec.active).")
    rule(requirement, name, kinds=kinds, fix=f"name an active person as {role} in {path}")(check)


# Who may attest for a process can be told (rule(intact=...) of the rules that use ``judged``).
ACCOUNTABLE_KNOWN = roles_intact(Role.PROCESS_OWNER, Role.PROCESS_MANAGER, Role.SMS_OWNER, Role.SMS_MANAGER)


def accountable(ctx: Context, code: ProcessCode) -> set[str] | None:
    """Who may attest for a process: its owner and manager, the SMS owner and the SMS manager."""
    return either(holders(ctx, Role.PROCESS_OWNER, Role.PROCESS_MANAGER, process=code),
                  holders(ctx, Role.SMS_OWNER, Role.SMS_MANAGER))


def judged(ctx: Context, requirement: str, code: ProcessCode, topic: str, what: str) -> Iterator[Problem]:
    """Evidence for a requirement that needs judgement: a written procedure and a recent attestation.

    The definition of process ``code`` has a procedure with ``topic`` and steps, and records in its
    ``metadata.attestations`` a recent attestation of ``requirement`` (with role and date) by the
    process owner or manager, or the SMS owner or manager.
    """
    process = process_doc(ctx, code)
    if process is None:
        # else the definition that could not be read, or one whose code is left or cut out, may be it
        if ctx.all_read("Process") and process_codes_known(ctx):
            yield Problem(None, (), f"no {code.value} process definition records how {what} is done",
                          f"add the {code.value} Process with a procedure of topic {topic}")
        return
    if not any(p.topic == topic and p.steps for p in process.spec.procedures):
        yield Problem(process, ("spec", "procedures"), f"{code.value} has no procedure with topic {topic} and "
                      f"steps for {what}", f"add a procedure with topic: {topic} and its steps under spec.procedures")
    yield from attestation_problems(process, ctx, requirement, accountable(ctx, code),
                                    f"the {code.value} process owner or manager (or the SMS owner or manager)",
                                    f"{what} is done consistently, as the procedure says")
