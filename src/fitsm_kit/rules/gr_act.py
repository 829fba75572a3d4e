"""GR7 Continually improving (ACT): nonconformities and improvements."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.general import KPI, Audit, Improvement, Nonconformity, Role
from fitsm_kit.rules.base import Context, Doc, Problem, documents, rule
from fitsm_kit.rules.general import attestation_problems, holders, roles_intact, the_policy


@rule("GR7.1", "nonconformity-overdue", kinds=("Nonconformity",),
      fix="carry out the corrective action and close the nonconformity, or set a new due date")
def nonconformity_overdue(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Open nonconformities have an owner-set due date that has not passed.

    GR7.1 asks that actions be taken; an open ``Nonconformity`` without ``spec.due``, or past it as of
    ``--as-of``, shows the action is not under control. Closed ones are checked by
    ``nonconformity-closed-verified``.
    """
    assert isinstance(doc.model, Nonconformity)
    spec = doc.model.spec
    if spec.status == "closed" or not ctx.judged(doc, "spec", "status"):
        return  # cut out, a status reads as open: it may say closed (left out, it means open)
    if spec.due is None:
        yield Problem(doc, ("spec",), "open nonconformity has no due date", "set spec.due")
    elif spec.due < ctx.as_of:
        yield Problem(doc, ("spec", "due"), f"nonconformity was due {spec.due} and is still {spec.status}")


@rule("GR7.1", "audit-findings-raised", kinds=("Audit",),
      fix="raise a Nonconformity for the finding and name it in the finding's nonconformity field")
def audit_findings_raised(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every major or minor audit finding is raised as a nonconformity.

    Nonconformities "shall be identified": an assessment or audit finding of severity ``major`` or
    ``minor`` names the ``Nonconformity`` that tracks it (``nonconformity:``). Observations need none.
    """
    assert isinstance(doc.model, Audit)
    for i, finding in enumerate(doc.model.spec.findings):
        if finding.severity != "observation" and finding.nonconformity is None:
            yield Problem(doc, ("spec", "findings", i), f"{finding.severity} audit finding is not raised as a "
                          "nonconformity")


@rule("GR7.1", "off-target-kpi-raised", kinds=("KPI",),
      fix="raise a Nonconformity for the deviation and name it in the measurement's nonconformity field")
def off_target_kpi_raised(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every KPI measurement that missed its target is raised as a nonconformity.

    Deviations from goals "shall be identified": a measurement with ``on_target: false`` names the
    ``Nonconformity`` that tracks it (``nonconformity:``).
    """
    assert isinstance(doc.model, KPI)
    for i, m in enumerate(doc.model.spec.measurements):
        if not m.on_target and m.nonconformity is None:
            yield Problem(doc, ("spec", "measurements", i), f"measurement for {m.period_end} missed the target "
                          "and is not raised as a nonconformity")


@rule("GR7.1", "nonconformity-closed-verified", kinds=("Nonconformity",),
      fix="record the corrective action, closed_on and verified_on (the check that it did not recur)")
def nonconformity_closed_verified(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A closed nonconformity records its corrective action and the check that it worked.

    GR7.1 asks that actions be taken "to prevent them from recurring". A nonconformity with
    ``status: closed`` records ``corrective_action``, ``closed_on`` and ``verified_on`` (the
    effectiveness check, on or after closing).
    """
    assert isinstance(doc.model, Nonconformity)
    spec = doc.model.spec
    if not ctx.judged(doc, "spec", "status") or spec.status != "closed":  # an invalid status reads as "open"
        return
    missing = [f for f in ("corrective_action", "closed_on", "verified_on") if getattr(spec, f) is None]
    if missing:
        yield Problem(doc, ("spec", "status"), f"closed nonconformity records no {', '.join(missing)}")
    elif spec.verified_on is not None and spec.closed_on is not None and spec.verified_on < spec.closed_on:
        yield Problem(doc, ("spec", "verified_on"), f"verified {spec.verified_on}, before it was closed "
                      f"({spec.closed_on})")


@rule("GR7.2", "improvement-evaluated", kinds=("Improvement",),
      fix="record the evaluation: spec.evaluation with decision, decided_by and decided_on")
def improvement_evaluated(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An improvement is implemented only after it was evaluated and approved.

    GR7.2 asks that improvements be "identified, evaluated and implemented". An ``Improvement`` in
    status ``approved``, ``in-progress`` or ``implemented`` records an ``evaluation`` with decision
    ``approved``; a ``rejected`` one records decision ``rejected``. A ``proposed`` one needs none yet.
    """
    assert isinstance(doc.model, Improvement)
    spec = doc.model.spec
    if not ctx.judged(doc, "spec", "status") or spec.status == "proposed":  # an invalid one reads as "proposed"
        return
    expected = "rejected" if spec.status == "rejected" else "approved"
    if spec.evaluation is None:
        yield Problem(doc, ("spec", "status"), f"improvement is {spec.status} but was never evaluated")
    elif spec.evaluation.decision != expected:
        yield Problem(doc, ("spec", "evaluation", "decision"),
                      f"improvement is {spec.status} but the evaluation decided {spec.evaluation.decision}")


@rule("GR7.2", "continual-improvement-attested", intact=roles_intact(Role.SMS_OWNER),
      evidence=documents("Policy"),
      fix="have the SMS owner attest GR7.2 in the policy's metadata.attestations")
def continual_improvement_attested(ctx: Context) -> Iterator[Problem]:
    """The SMS owner attests that the policy, the plan and all processes are subject to continual improvement.

    Whether the policy, the service management plan and every process are really improved through
    CSI needs judgement. fitsm-kit checks recorded evidence, not the truth of it: the service
    management policy carries an attestation (``metadata.attestations``) with ``requirement: GR7.2``
    by the SMS owner, saying in which role, dated within the policy's review interval (12 months when
    it has none) plus grace. The improvements themselves are checked by ``improvement-evaluated``.
    """
    policy = the_policy(ctx)
    if policy is not None:
        yield from attestation_problems(policy, ctx, "GR7.2", holders(ctx, Role.SMS_OWNER), "the SMS owner",
                                        "the policy, plan and processes are subject to continual improvement")
