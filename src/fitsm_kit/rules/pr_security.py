"""Rules for information security management (PR6): policy, risks, controls, incidents and access control."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import ProcessCode
from fitsm_kit.model.operations import SecurityControl
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.documents import reviewed_rule
from fitsm_kit.rules.general import in_use
from fitsm_kit.rules.pr_common import ACCOUNTABLE_KNOWN, case_owner_rule, judged
from fitsm_kit.rules.pr_operations import assessment_problems, risks, treatment_problems


@rule("PR6.1", "security-policy-defined", fix="add an approved SecurityPolicy listing the security requirements")
def security_policy_defined(ctx: Context) -> Iterator[Problem]:
    """An information security policy is in force and lists the information security requirements.

    Evidence: a ``SecurityPolicy`` that is neither a draft nor retired, with ``spec.requirements``.
    Its review is checked by ``security-policy-reviewed``.
    """
    policies = [d for d in ctx.sms.of_kind("SecurityPolicy") if in_use(d)]
    if not any(d.spec.requirements for d in policies) and not ctx.all_read("SecurityPolicy"):
        return  # the policy that could not be read may be the one in force, with the requirements
    if not policies:
        yield Problem(None, (), "no information security policy is in force (kind: SecurityPolicy)")
    elif not any(d.spec.requirements for d in policies):
        yield Problem(policies[0], ("spec",), "the information security policy identifies no security "
                      "requirements", "list them under spec.requirements")


reviewed_rule("PR6.1", "security-policy-reviewed", ("SecurityPolicy",), "information security policy")


@rule("PR6.2", "security-risks-assessed",
      fix="assess information security risks as Risk documents (category: security)")
def security_risks_assessed(ctx: Context) -> Iterator[Problem]:
    """Information security risks are assessed, and reassessed within their planned interval.

    At least one Risk of category security exists; each was assessed (``spec.assessed_on``) within its
    planned interval (the Risk's review interval, or the default for Risk) plus the grace period.
    """
    complete = ctx.all_read("Risk")  # else a risk that could not be read may be one, and is not judged
    assessed = risks(ctx, "security")
    if not assessed and complete:
        yield Problem(None, (), "no information security risk is assessed (Risk with category: security)")
    for doc in assessed:
        yield from assessment_problems(doc, ctx)


case_owner_rule("PR6.2", "security-risk-owner", ("Risk",), "security risk owner", "security risk",
                where=lambda d: d.spec.category == "security")


@rule("PR6.3", "high-risks-treated", kinds=("Risk",),
      fix="add a SecurityControl that mitigates it, or set treatment: accept with accepted_by")
def high_risks_treated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An information security risk at or above the treatment threshold is mitigated or formally accepted.

    Mitigated means an implemented SecurityControl (or an implemented measure in an availability /
    continuity plan) names the risk. The threshold is probability × impact ≥ 12 on 1–5 scales.
    """
    if doc.spec.category == "security":
        yield from treatment_problems(doc, ctx)


case_owner_rule("PR6.3", "security-control-owner", ("SecurityControl",), "security control owner",
                "security control")


@rule("PR6.4", "security-incidents-consistent", intact=ACCOUNTABLE_KNOWN,
      fix="write the ISM procedure for security events and incidents, and have its owner attest to it")
def security_incidents_consistent(ctx: Context) -> Iterator[Problem]:
    """Information security events and incidents are handled by a written procedure, attested in practice.

    The tool checks evidence, not truth: that the ISM process definition has a procedure with topic
    ``security-incidents`` and steps, and records in ``metadata.attestations`` that its owner or
    manager (or the SMS owner or manager) attests, with role and date, that events and incidents are
    handled that way (``requirement: PR6.4``, within the process definition's review interval plus
    grace). Whether they really are is for the auditor to judge.
    """
    yield from judged(ctx, "PR6.4", ProcessCode.ISM, "security-incidents", "handling security events and incidents")


@rule("PR6.5", "access-control-consistent", intact=ACCOUNTABLE_KNOWN,
      fix="write the ISM access control procedure, and have its owner attest to it")
def access_control_consistent(ctx: Context) -> Iterator[Problem]:
    """Access control and the provisioning of access rights follow a written procedure, attested in practice.

    The tool checks evidence, not truth: an ISM procedure with topic ``access-control`` and steps, and
    in the ISM process definition a recent attestation (``requirement: PR6.5``) by the ISM owner or
    manager or the SMS owner or manager, with role and date.
    """
    yield from judged(ctx, "PR6.5", ProcessCode.ISM, "access-control", "access control")


@rule("PR6.5", "access-review-recent",
      fix="add a SecurityControl with topic: access-control, an interval and records under performed")
def access_review_recent(ctx: Context) -> Iterator[Problem]:
    """Access rights are reviewed at planned intervals, as FitSM-2 asks of access control.

    An implemented SecurityControl with ``topic: access-control`` has an ``interval`` and a record
    under ``performed`` within that interval plus the grace period as of ``--as-of``. When one of them has
    an interval, the others without one (MFA, a bastion host: access control that is no review) are not
    asked for one; when none has, each is reported.
    """
    controls = [d for d in ctx.sms.of_kind("SecurityControl") if isinstance(d.model, SecurityControl)
                and d.model.spec.topic == "access-control" and d.model.spec.status != "retired"]
    implemented = [d for d in controls if d.spec.status == "implemented"]
    known = [ctx.judged(d, "spec", "status") for d in controls]  # cut out, it reads as planned: it may be otherwise
    if not implemented and (not ctx.all_read("SecurityControl")
                            or not ctx.none_cut("SecurityControl", "spec", "topic")):
        return  # the control that could not be read, or whose topic was cut out as invalid, may be the implemented one
    if not controls:
        yield Problem(None, (), "no access control (SecurityControl with topic: access-control) records "
                      "reviews of access rights")
    elif not implemented and all(known):
        for doc in controls:
            yield Problem(doc, ("spec", "status"), "access control is not implemented, so access rights are "
                          "not reviewed", "implement the control and record its reviews under spec.performed")
    reviews = [d for d in implemented if d.spec.interval is not None]
    for doc in implemented:
        assert isinstance(doc.model, SecurityControl)
        spec = doc.model.spec
        if spec.interval is None:
            if not reviews:
                yield Problem(doc, ("spec",), "no planned interval for reviewing access rights", "set spec.interval")
            continue
        last = max((p.date for p in spec.performed), default=None)
        since = spec.implemented_on
        if last is None:
            if since is None or ctx.overdue(since, spec.interval) is not None:
                yield Problem(doc, ("spec",), "no review of access rights recorded under spec.performed")
        elif (due := ctx.overdue(last, spec.interval)) is not None:
            yield Problem(doc, ("spec", "performed"), f"access rights last reviewed {last}, interval "
                          f"{spec.interval}: the next review fell due {due}")
