"""What the general requirement (GR) rules share: the scope, FitSM-3 role holders, planned intervals and
attestations. The rules themselves live in one module per requirement group (``gr_mca`` … ``gr_act``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from fitsm_kit.model.base import ProcessCode, Status
from fitsm_kit.model.general import Role
from fitsm_kit.rules.base import Context, Doc, Evidence, Problem

ATTESTATION_INTERVAL = "P12M"  # how long an attestation holds when its document has no review interval


def in_scope_processes(ctx: Context) -> list[ProcessCode]:
    """The processes the scope statement puts in scope (all 14 when there is no scope statement).

    None when the scope statement could not be read: which processes are in scope is not known, so no rule
    says of one that it lacks something (and the rule holds back, see :meth:`Context.all_read`).
    """
    scopes = ctx.sms.of_kind("Scope")
    if scopes:
        return list(scopes[0].spec.processes)
    return list(ProcessCode) if ctx.all_read("Scope") else []


def process_doc(ctx: Context, code: ProcessCode) -> Doc | None:
    """The definition of process ``code``, if there is one."""
    return next((d for d in ctx.sms.of_kind("Process") if d.spec.code is code), None)


def process_codes_known(ctx: Context) -> bool:
    """Whether every Process says which process it defines: one whose code is left out or cut out as invalid
    may be the definition a rule looks for (noted, so the rule holds back)."""
    return all([ctx.judged(d, "spec", "code", left_out=d.spec.code is None) for d in ctx.sms.of_kind("Process")])


def the_policy(ctx: Context) -> Doc | None:
    """The service management policy (the first, when there are several: GR1.2 reports the others).

    None when there is none, or none that could be read (the rule then holds back: :meth:`Context.all_read`).
    """
    found = next(iter(ctx.sms.of_kind("Policy")), None)
    if found is None:
        ctx.all_read("Policy")
    return found


def the_sms_plan(ctx: Context) -> Doc | None:
    """The service management plan (``Plan`` with ``type: sms``); None as for :func:`the_policy`."""
    read = [d for d in ctx.sms.of_kind("Plan") if d.spec.type == "sms"]
    found = next((d for d in read if not d.incomplete("spec", "type")), None)
    if found is None:
        ctx.all_read("Plan")
        for doc in read:  # a type cut out reads as sms: the plan may be a process plan, or the one
            ctx.judged(doc, "spec", "type")
    return found


def in_use(doc: Doc) -> bool:
    """Agreed and not withdrawn: neither a draft nor retired."""
    return doc.model.metadata.status not in (Status.DRAFT, Status.RETIRED)


def latest(docs: list[Doc], date: str = "date") -> Doc | None:
    """The record with the latest ``spec.<date>``."""
    return max(docs, key=lambda d: getattr(d.spec, date), default=None)


def latest_of(ctx: Context, kind: str) -> Doc | None:
    """The latest record of ``kind`` (by ``spec.date``), found once per check.

    None when there is none, and when a record of ``kind`` could not be read: it may be the latest (the rule
    holds back, see :meth:`Context.all_read`).
    """
    if not ctx.all_read(kind):
        return None
    return ctx.memo(f"latest:{kind}", lambda: latest(ctx.sms.of_kind(kind)))


def recent_record(ctx: Context, kind: str, what: str, policy_field: str | None = None) -> Iterator[Problem]:
    """The latest ``kind`` record (by ``spec.date``) lies within its planned interval plus grace.

    The interval is the policy's ``policy_field`` (e.g. ``management_review_interval``), else the
    default for ``kind``; ``what`` names the activity in the messages. An overdue one names the date
    the next fell due.
    """
    policy = the_policy(ctx)
    own = getattr(policy.spec, policy_field) if policy is not None and policy_field else None
    interval = ctx.planned(kind, own)
    if interval is None:
        # else the policy that could not be read, or its interval cut out as invalid, may plan it
        if ctx.all_read("Policy") and ctx.none_cut("Policy", "spec", "default_review_intervals", kind) \
                and ctx.none_cut("Policy", "spec", policy_field or "default_review_intervals", kind):
            hint = "" if policy_field else f"set default_review_intervals: {{{kind}: P12M}} in fitsm.yaml or the policy"
            yield Problem(policy, ("spec",) if policy else (), f"no planned {what} interval", hint)
        return
    last = latest_of(ctx, kind)  # None too when a record could not be read: it may be the last one
    if last is None:
        if ctx.all_read(kind):
            yield Problem(policy, ("spec", policy_field) if own and policy_field else (),
                          f"no {what} recorded (kind: {kind})")
    elif (due := ctx.overdue(last.spec.date, interval)) is not None:
        yield Problem(last, ("spec", "date"), f"{what} overdue: last held {last.spec.date}, "
                      f"interval {interval}, the next fell due {due}")


def broken_roles(ctx: Context) -> set[str]:
    """The roles (values) of assignments that are broken: cut out as invalid, or naming no Person of the SMS.

    ``"*"`` when a cut-out assignment does not say a valid role, or a RoleAssignment could not be read:
    it could be any of them.
    """

    def build() -> set[str]:
        broken = {a.role.value for _, _, a in ctx.sms.assignments() if ctx.sms.get(a.person, "Person") is None}
        if "RoleAssignment" in ctx.sms.unread:  # a role assignment that could not be read may assign any role
            broken.add("*")
        broken.update(role for _, _, role, _ in cut_assignments(ctx))
        return broken

    return ctx.memo("broken-roles", build)


def cut_assignments(ctx: Context) -> list[tuple[Doc, tuple[str | int, ...], str, str | None]]:
    """Role assignment entries cut out as invalid: the document, the cut, the role the entry names as
    written (``"*"`` when that is no valid role: it could be any) and its process as written."""

    def build() -> list[tuple[Doc, tuple[str | int, ...], str, str | None]]:
        found = []
        valid = {r.value for r in Role}
        for doc in ctx.sms.of_kind("RoleAssignment"):
            for cut in doc.cuts:
                if cut[:2] != ("spec", "assignments"):
                    continue
                entry = _cut_entry(doc, cut)
                role = entry.get("role")  # as written: any YAML value
                process = entry.get("process")
                found.append((doc, cut, role if isinstance(role, str) and role in valid else "*",
                              process if isinstance(process, str) else None))
        return found

    return ctx.memo("cut-assignments", build)


def _cut_entry(doc: Doc, cut: tuple[str | int, ...]) -> dict[str, object]:
    """The role assignment entry (``spec.assignments[i]``) that ``cut`` lies in, as written; {} when it is no
    mapping."""
    spec = doc.raw.get("spec")
    entries = spec.get("assignments") if isinstance(spec, dict) else None
    entry = entries[cut[2]] if len(cut) > 2 and isinstance(cut[2], int) and isinstance(entries, list) \
        and cut[2] < len(entries) else None
    return entry if isinstance(entry, dict) else {}


def _names_a_person(doc: Doc, cut: tuple[str | int, ...]) -> bool:
    """Whether the role assignment entry cut out at ``cut`` names someone (as written): one that names nobody
    assigns the role to nobody, so "no one is assigned" stays true."""
    return isinstance(_cut_entry(doc, cut).get("person"), str)


def holders(ctx: Context, *roles: Role, process: ProcessCode | None = None) -> set[str] | None:
    """Ids of the persons assigned any of ``roles`` (for ``process``): ``Sms.holders`` with the model's enums.

    None when who holds them cannot be told: an assignment of one of them was cut out as invalid, or names
    no Person of the SMS. Both are reported at the assignment; a rule that compares someone with the
    holders then holds back (and says so through ``roles_intact``), so that a mistyped SMS owner is one
    finding, not one per document the owner approved.
    """
    broken = broken_roles(ctx)
    if "*" in broken or broken & {r.value for r in roles}:
        return None
    return {p for role in roles for p in ctx.sms.holders(role.value, process.value if process else None)}


def roles_intact(*roles: Role) -> Evidence:
    """Intact (for ``rule(intact=...)``): who holds ``roles`` can be told."""

    def intact(ctx: Context) -> str | None:
        if holders(ctx, *roles) is not None:
            return None
        return (f"who holds {' or '.join(r.value for r in roles)} cannot be told until the broken role assignment "
                "is fixed")

    return intact


def either(*groups: set[str] | None) -> set[str] | None:
    """The union of some holders, or None when any of them cannot be told."""
    union: set[str] = set()
    for group in groups:
        if group is None:
            return None
        union |= group
    return union


def top_management(ctx: Context) -> set[str]:
    """Ids of the persons recorded as members of top management."""
    return {d.id for d in ctx.sms.of_kind("Person") if d.spec.top_management}


def exactly_one(ctx: Context, role: Role, process: ProcessCode | None, what: str) -> Iterator[Problem]:
    """FitSM-3 cardinality: exactly one assignment of ``role`` (for ``process``), to an active person.

    That the assignee is a Person at all is checked for every reference (``unresolved-reference``).
    """
    complete = ctx.all_read("RoleAssignment")  # one that could not be read may assign the role (once more)
    found = [(doc, i, a) for doc, i, a in ctx.sms.assignments() if a.role is role and a.process is process]
    if len(found) < 2:  # an entry cut out as invalid may be the (second) one: how many there are is not known
        for doc, cut, named, for_process in cut_assignments(ctx):
            if named in (role.value, "*") and (process is None or for_process in (process.value, None)) \
                    and _names_a_person(doc, cut):
                complete = ctx.judged(doc, *cut) and complete
    if not found and not complete:
        return  # the assignment may be in one that could not be read or was cut out (reported there)
    if not found:
        anchor = next(iter(ctx.sms.of_kind("RoleAssignment")), None)
        later = ", ".join(f"{a.person} from {a.since}" for _, _, a in ctx.sms.assignments(upcoming=True)
                          if a.role is role and a.process is process)
        yield Problem(anchor, ("spec", "assignments") if anchor else (),
                      f"no {what} is assigned" + (f" as of {ctx.as_of} (only {later})" if later else ""))
        return
    for doc, i, _ in found[1:]:
        yield Problem(doc, ("spec", "assignments", i), f"{len(found)} {what}s assigned; FitSM-3 asks for one")
    for doc, i, a in found:
        yield from inactive_holder(doc, ctx, a.person, ("spec", "assignments", i, "person"), what)


def inactive_holder(doc: Doc, ctx: Context, person_id: str, loc: tuple[str | int, ...], role: str
                    ) -> Iterator[Problem]:
    """A FitSM-3 role holder must be an active Person; a missing one is an unresolved reference already. An
    ``active`` cut out as invalid (``active: no`` is a string in YAML 1.2) reads as its default, true: whether
    the holder has left is not known, so the rule holds back rather than count them as active."""
    person = ctx.sms.get(person_id, "Person")
    if person is not None and ctx.judged(person, "spec", "active", unknown=f"whether {role} {person_id} is still "
                                         "active") and not person.spec.active:
        yield Problem(doc, loc, f"{role} {person_id} is no longer active", f"give the {role} role to an active person")


def attestation_problems(doc: Doc, ctx: Context, requirement: str, accepted: Collection[str] | None, who: str,
                         what: str) -> Iterator[Problem]:
    """``doc`` records a recent attestation of ``requirement`` by one of ``accepted`` (described as ``who``).

    An attestation (``metadata.attestations``: requirement, statement, by, role, on) is a person's
    recorded statement that a requirement needing judgement is met. The latest attestation by an
    accepted person counts; it must say in which role it is given, and it holds for the document's
    review interval (12 months when it has none) plus the grace period. ``what`` is what it attests.
    ``accepted`` None: who may attest cannot be told (see :func:`holders`); only that one is recorded is
    checked. An attestation of ``requirement`` cut out as invalid (a date that is none) may be the one that
    counts: then nothing is said of them.
    """
    if not ctx.none_cut(doc.kind, "metadata", "attestations", where=lambda d: d is doc, naming=requirement,
                        key="requirement"):
        return
    found = [(i, a) for i, a in enumerate(doc.model.metadata.attestations) if a.requirement == requirement]
    entry = f"requirement: {requirement}, statement, by, role, on"
    if not found:
        yield Problem(doc, ("metadata",), f"no attestation of {requirement} recorded: {what}",
                      f"have {who} attest it: add to metadata.attestations {{{entry}}}")
        return
    if accepted is None:
        return  # who may attest is unknown: the broken assignment is reported, not every attestation
    valid = [(i, a) for i, a in found if a.by in accepted]
    if not valid:
        i, a = max(found, key=lambda f: f[1].on)
        yield Problem(doc, ("metadata", "attestations", i, "by"),
                      f"{a.by} attests {requirement} but is not {who}", f"have {who} attest it")
        return
    i, a = max(valid, key=lambda f: f[1].on)
    loc = ("metadata", "attestations", i)
    if not a.role:
        yield Problem(doc, loc, f"the attestation of {requirement} does not say in which role {a.by} gives it",
                      "add role to the attestation, e.g. 'SMS owner'")
    interval = ctx.interval(doc)
    if interval is None and (not ctx.all_read("Policy")
                             or not ctx.none_cut("Policy", "spec", "default_review_intervals", doc.kind)):
        return  # the policy that could not be read, or its default cut out as invalid, may plan the interval
    interval = interval or ATTESTATION_INTERVAL
    if a.on > ctx.as_of:
        yield Problem(doc, (*loc, "on"), f"attestation of {requirement} is dated {a.on}, after {ctx.as_of}",
                      "date the attestation on the day it was given")
    elif (due := ctx.overdue(a.on, interval)) is not None:
        yield Problem(doc, (*loc, "on"), f"attestation of {requirement} from {a.on} is out of date: "
                      f"interval {interval}, renewal fell due {due}",
                      f"have {who} check again and record a new attestation")

