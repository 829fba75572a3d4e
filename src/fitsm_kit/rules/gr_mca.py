"""GR1 Top management commitment and accountability (MCA): SMS owner, policy, management reviews."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import Status
from fitsm_kit.model.general import ManagementReview, Role
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.documents import last_approved, reviewed_rule
from fitsm_kit.rules.general import (
    attestation_problems,
    exactly_one,
    holders,
    latest_of,
    recent_record,
    roles_intact,
    the_policy,
    top_management,
)


@rule("GR1.1", "sms-owner-assigned",
      fix="assign exactly one active person the role sms-owner in a RoleAssignment")
def sms_owner_assigned(ctx: Context) -> Iterator[Problem]:
    """Exactly one SMS owner is assigned, to an active person.

    FitSM-3 asks for one SMS owner for the overall SMS. The assignment is a ``RoleAssignment`` entry
    with ``role: sms-owner``; its person must be a ``Person`` (checked for every reference) whose
    ``spec.active`` is true.
    """
    yield from exactly_one(ctx, Role.SMS_OWNER, None, "SMS owner")


@rule("GR1.1", "sms-owner-top-management",
      fix="assign a member of top management, or set spec.top_management: true on their Person")
def sms_owner_top_management(ctx: Context) -> Iterator[Problem]:
    """The SMS owner is recorded as a member of top management.

    Evidence: the SMS owner's ``Person`` has ``spec.top_management: true``. Whether that is so in the
    organisation is attested separately (``sms-owner-top-management-attested``).
    """
    for doc, i, a in ctx.sms.assignments():
        person = ctx.sms.get(a.person, "Person")
        if a.role is Role.SMS_OWNER and person is not None and not person.spec.top_management:
            yield Problem(doc, ("spec", "assignments", i, "person"),
                          f"SMS owner {a.person} is not recorded as top management")


@rule("GR1.1", "sms-owner-top-management-attested",
      fix="record in the RoleAssignment's metadata.attestations that the SMS owner belongs to top management")
def sms_owner_top_management_attested(ctx: Context) -> Iterator[Problem]:
    """A member of top management attests that the SMS owner belongs to top management.

    Being "a member of top management of the service provider" is a fact about the organisation that
    fitsm-kit cannot see. It checks recorded evidence, not the truth of it: the ``RoleAssignment``
    that assigns the SMS owner carries an attestation (``metadata.attestations``) with
    ``requirement: GR1.1``, given by a person recorded as top management (``spec.top_management``),
    saying in which role, and dated within the document's review interval (12 months when it has
    none) plus grace.
    """
    docs = {doc.id: doc for doc, _, a in ctx.sms.assignments() if a.role is Role.SMS_OWNER}
    for doc in docs.values():
        # who is top management is not known when a Person could not be read: the attester may be one
        accepted = top_management(ctx) if ctx.all_read("Person") else None
        yield from attestation_problems(doc, ctx, "GR1.1", accepted, "a member of top management",
                                        "the SMS owner is a member of top management")


@rule("GR1.2", "policy-defined", fix="add one Policy document: goals and the three commitments")
def policy_defined(ctx: Context) -> Iterator[Problem]:
    """The SMS has exactly one general service management policy.

    Its content — overall goals and the commitments to continual improvement, to a service-oriented
    and to a process-oriented approach — is required by the ``Policy`` schema (``spec.goals``,
    ``spec.commitments``), so a policy that validates has it.
    """
    policies = ctx.sms.of_kind("Policy")
    if not policies and ctx.all_read("Policy"):  # else the policy that could not be read may be it
        yield Problem(None, (), "no service management policy (kind: Policy)")
    for doc in policies[1:]:
        yield Problem(doc, ("kind",), f"more than one service management policy (also {policies[0].path})",
                      "merge the policies into one")


@rule("GR1.2", "policy-approved-by-sms-owner", intact=roles_intact(Role.SMS_OWNER), history=True,
      fix="have the SMS owner approve the policy: status approved, metadata.approval.approved_by the SMS owner")
def policy_approved_by_sms_owner(ctx: Context) -> Iterator[Problem]:
    """The service management policy is approved, and by the SMS owner.

    Evidence: ``metadata.status: approved`` and ``metadata.approval.approved_by`` naming a person
    assigned the role ``sms-owner`` (an approved document without ``metadata.approval`` is reported by
    ``approved-has-approval``); with Git history also the approvals of its current content in Git
    (``approved-in-git`` reports a policy with none). A policy whose approval is recorded in neither place
    leaves the requirement without evidence: nobody can be seen to have approved it.
    """
    doc = the_policy(ctx)
    if doc is None:
        return
    meta = doc.model.metadata
    if meta.status is not Status.APPROVED:
        yield Problem(doc, ("metadata", "status"), f"the service management policy is {meta.status.value}, "
                      "not approved")
        return
    owners = holders(ctx, Role.SMS_OWNER)
    if owners is None:
        return
    if meta.approval is not None and meta.approval.approved_by not in owners:
        yield Problem(doc, ("metadata", "approval", "approved_by"),
                      f"the policy was approved by {meta.approval.approved_by}, who is not the SMS owner")
        return
    record = ctx.history.as_of(doc.id, ctx.as_of) if ctx.history else None  # Git records who approved it
    current = [e for e in record.approvals if e.content == record.content and record.predates(e) is None] \
        if record is not None else []
    by = sorted({p for e in current for p in e.by})
    if meta.approval is not None and meta.approval.approved_on > ctx.as_of and not current:
        yield Problem(doc, ("metadata", "approval", "approved_on"), f"the policy's approval is dated "
                      f"{meta.approval.approved_on}, after {ctx.as_of}: it is not approved yet")
        return
    if meta.approval is None and not current:
        ctx.judged(doc, "metadata", "approval", left_out=True)  # approved by nobody on record: not judged
    elif current and not owners & set(by):
        last = current[-1]
        yield Problem(doc, ("metadata", "status"), f"the policy was approved in Git by {', '.join(by)} "
                      f"({last.how} in {last.commit.sha[:7]} on {last.date.isoformat()}), who is not the SMS owner")


@rule("GR1.2", "policy-communicated",
      fix="record in metadata.distribution to whom, how and when the approved policy was communicated")
def policy_communicated(ctx: Context) -> Iterator[Problem]:
    """The approved service management policy was communicated to relevant parties.

    Evidence: at least one ``metadata.distribution`` entry (audience, channel, on) dated on or after
    the policy's approval (``metadata.approval.approved_on`` or its newest approval in Git that counts), so
    the version in force is the one communicated. An approved policy whose approval date is recorded nowhere
    cannot be judged when it has dated distributions; with none, it was not communicated whenever approved.
    """
    doc = the_policy(ctx)
    if doc is None:
        return
    meta = doc.model.metadata
    approved = last_approved(doc, ctx)
    dated = [d.on for d in meta.distribution if d.on is not None]
    where = ("metadata", "distribution") if meta.distribution else ("metadata",)
    if approved is None:
        if meta.status is not Status.APPROVED:
            return  # never approved: policy-approved-by-sms-owner says so, and there is no version to communicate
        if dated:
            ctx.judged(doc, "metadata", "approval", left_out=True)  # communicated, but after which approval?
            return
        yield Problem(doc, where, "the approved policy has not been communicated: no dated distribution")
        return
    if not any(on >= approved.on for on in dated):
        yield Problem(doc, where, f"the policy approved on {approved} has not been communicated since: no dated "
                      "distribution on or after that day")


reviewed_rule("GR1.2", "policy-reviewed", ("Policy",), "service management policy",
              why='FitSM-2 asks to "review and update the service management policy at regular intervals".')


@rule("GR1.3", "management-review-planned",
      fix="set spec.management_review_interval on the policy and record each review as a ManagementReview")
def management_review_planned(ctx: Context) -> Iterator[Problem]:
    """Management reviews have a planned interval and the last one is within it.

    The interval is the policy's ``spec.management_review_interval``, else the default for
    ``ManagementReview`` in ``fitsm.yaml`` or the policy's ``default_review_intervals``. The latest
    ``ManagementReview`` record's ``spec.date`` must lie within the interval plus grace as of
    ``--as-of``; an overdue review names the date the next one fell due.
    """
    yield from recent_record(ctx, "ManagementReview", "management review", "management_review_interval")


@rule("GR1.3", "management-review-chaired-by-sms-owner", kinds=("ManagementReview",),
      intact=roles_intact(Role.SMS_OWNER),
      fix="have the SMS owner conduct the management review and record them as spec.chaired_by")
def management_review_chaired_by_sms_owner(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The latest management review was conducted by the SMS owner.

    Evidence: the most recent ``ManagementReview``'s ``spec.chaired_by`` is a person assigned the role
    ``sms-owner``. Earlier reviews may have had an earlier SMS owner.
    """
    assert isinstance(doc.model, ManagementReview)
    if doc is not latest_of(ctx, "ManagementReview"):
        return
    owners = holders(ctx, Role.SMS_OWNER)
    if owners and doc.model.spec.chaired_by not in owners:
        yield Problem(doc, ("spec", "chaired_by"),
                      f"management review chaired by {doc.model.spec.chaired_by}, not the SMS owner "
                      f"({', '.join(sorted(owners))})")


@rule("GR1.3", "management-review-results", kinds=("ManagementReview",),
      fix="record the review's results under spec.results (and follow-up actions under spec.actions)")
def management_review_results(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every management review documents its results.

    FitSM-2's output of a management review is "documented results and follow-up actions". A
    ``ManagementReview`` without ``spec.results`` records that a meeting took place, not a review.
    Follow-up actions need an owner and a due date (required by the schema).
    """
    assert isinstance(doc.model, ManagementReview)
    if not doc.model.spec.results:
        yield Problem(doc, ("spec",), "management review records no results")
