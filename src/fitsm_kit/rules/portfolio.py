"""Rules for service portfolio management (PR1)."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.service import Lifecycle, Service, ServiceProposal
from fitsm_kit.rules.base import Context, Doc, Evidence, Problem, rule
from fitsm_kit.rules.pr_common import case_owner_rule

EARLY = (Lifecycle.PROPOSED, Lifecycle.DESIGN, Lifecycle.TRANSITION)


def _proposed(ctx: Context) -> str | None:
    """Evidence for PR1.2: a service proposal, or a service still proposed, in design or in transition.
    A portfolio of live services only gives the rule nothing to check: no evidence that proposals are
    evaluated, not conformity."""
    if any(d.spec.lifecycle_status in EARLY for d in ctx.sms.of_kind("Service")) or ctx.sms.of_kind("ServiceProposal"):
        return None
    return "no ServiceProposal documents, and no service proposed, in design or in transition"


def in_stage(service: Doc, ctx: Context, *stages: Lifecycle) -> bool:
    """Whether a service's lifecycle status is one of ``stages``. A status cut out as invalid or left out
    (reported under PR1.1) may be one of them: the rule asking then holds back for the service
    (:meth:`Context.judged`) rather than skip it unchecked."""
    status = service.spec.lifecycle_status
    if status in stages:
        return True
    ctx.judged(service, "spec", "lifecycle_status", left_out=status is None)
    return False


def is_live(service: Doc, ctx: Context) -> bool:
    """Whether a service is live (:func:`in_stage`)."""
    return in_stage(service, ctx, Lifecycle.LIVE)


def is_early(service: Doc, ctx: Context) -> bool:
    """Whether a service is proposed, in design or in transition (:func:`in_stage`)."""
    return in_stage(service, ctx, *EARLY)


def live(*, customer_facing: bool = False) -> Evidence:
    """Evidence: a live service (customer-facing, when asked). Rules that judge only live services have
    nothing to check in a portfolio of services proposed, in design or retired: no evidence, not conformity."""
    which = "live customer-facing service" if customer_facing else "live service"

    def present(ctx: Context) -> str | None:
        services = ctx.sms.of_kind("Service")
        if any(d.spec.lifecycle_status is Lifecycle.LIVE and (d.spec.customer_facing or not customer_facing)
               for d in services):
            return None
        return f"no {which}" if services else "no Service documents"

    return present


def suppliers_named(stages: tuple[Lifecycle, ...], which: str) -> Evidence:
    """Evidence: a service in one of ``stages`` (``which`` service, in words) that names a supplier, in
    spec.suppliers or a component. Suppliers simply left out give the supplier rules nothing to check: no
    evidence that they are identified or covered by agreements, not conformity."""

    def present(ctx: Context) -> str | None:
        if not ctx.sms.of_kind("Service"):
            return "no Service documents"
        for doc in ctx.sms.of_kind("Service"):
            spec = doc.spec
            if spec.lifecycle_status in stages and (spec.suppliers or any(c.providers for c in spec.components)):
                return None
        return f"no {which} names a supplier (spec.suppliers)"

    return present


@rule("PR1.1", "service-specified", kinds=("Service",),
      fix="describe the service's value proposition (spec.value_proposition) and components (spec.components)")
def service_specified(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A service in the portfolio states its value proposition; a live one also lists its components.

    Proposed and retired services are exempt from the value proposition: the proposal carries it, and
    a retired service is kept for the record.
    """
    assert isinstance(doc.model, Service)
    spec = doc.model.spec
    if spec.lifecycle_status in (Lifecycle.PROPOSED, Lifecycle.RETIRED):
        return
    if not spec.value_proposition:
        stage = spec.lifecycle_status.value if spec.lifecycle_status else "a"
        yield Problem(doc, ("spec",), f"{stage} service has no value proposition")
    if spec.lifecycle_status is Lifecycle.LIVE and not spec.components:
        yield Problem(doc, ("spec",), "live service lists no components",
                      "list the service's components under spec.components (with their suppliers)")


case_owner_rule("PR1.1", "service-owner", ("Service",), "service owner", "service")


@rule("PR1.2", "early-service-has-proposal", kinds=("Service",), evidence=_proposed,
      fix="add a ServiceProposal for this service with demand, resources and benefits evaluated")
def early_service_has_proposal(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A service that is proposed, in design or in transition was evaluated in a service proposal.

    A proposed service needs a proposal; once design has started, the proposal must be approved.
    """
    assert isinstance(doc.model, Service)
    status = doc.model.spec.lifecycle_status
    if not is_early(doc, ctx) or status is None:
        return
    proposals = [p.spec for p in ctx.sms.referring(doc.id, "ServiceProposal", via="service")]
    if any(p.evaluation and p.evaluation.decision == "approved" for p in proposals) or (
            proposals and status is Lifecycle.PROPOSED):
        return
    if not ctx.all_read("ServiceProposal") or not ctx.none_cut("ServiceProposal", "spec", "service") \
            or not ctx.none_cut("ServiceProposal", "spec", "evaluation", where=lambda p: p.spec.service == doc.id):
        return  # a proposal that could not be read, or whose service or evaluation was cut out, may be the one
    if not proposals:
        yield Problem(doc, ("spec", "lifecycle_status"),
                      f"service is {status.value} but no ServiceProposal evaluates it")
    else:
        yield Problem(doc, ("spec", "lifecycle_status"), f"service is in {status.value} but its proposal "
                      "was not approved", "record the evaluation decision on the proposal (spec.evaluation)")


PLAN_PARTS = ("timescales", "responsibilities", "technology", "communication", "acceptance_criteria")


@rule("PR1.3", "design-transition-planned", kinds=("ServiceProposal",),
      fix="add spec.plan with timescales, responsibilities, technology, communication and acceptance_criteria")
def design_transition_planned(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """An approved proposal for a new or changed service has a complete design and transition plan.

    FitSM-1 PR1.3 asks that plans consider timescales, responsibilities, new or changed technology,
    communication and service acceptance criteria; each is a list under ``spec.plan``. Proposals to
    retire a service are not checked.
    """
    assert isinstance(doc.model, ServiceProposal)
    spec = doc.model.spec
    if spec.change_type == "retire" or spec.evaluation is None or spec.evaluation.decision != "approved":
        return
    if spec.plan is None:
        yield Problem(doc, ("spec", "evaluation"), "approved proposal has no design and transition plan")
        return
    missing = [part for part in PLAN_PARTS if not getattr(spec.plan, part)]
    if missing:
        yield Problem(doc, ("spec", "plan"), f"design and transition plan does not consider {', '.join(missing)}")


@rule("PR1.4", "service-suppliers-identified", kinds=("Service",),
      evidence=suppliers_named(tuple(s for s in Lifecycle if s is not Lifecycle.RETIRED), "service in the portfolio"),
      fix="list every supplier of the service's components under spec.suppliers with its role")
def service_suppliers_identified(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every supplier of a service's components is identified in the service's suppliers, with its role.

    Each entry in ``spec.suppliers`` names a Supplier (whose contact points rule supplier-contact
    checks) and the supplier's role and responsibilities for this service.
    """
    assert isinstance(doc.model, Service)
    spec = doc.model.spec
    if spec.lifecycle_status is Lifecycle.RETIRED or not ctx.judged(doc, "spec", "suppliers"):
        return  # a supplier cut out may be the one a component names
    listed = {s.supplier for s in spec.suppliers}
    for j, component in enumerate(spec.components):
        if component.supplier is not None and component.supplier not in listed:
            yield Problem(doc, ("spec", "components", j, "supplier"), f"{component.supplier} supplies component "
                          f"{component.id} but is not among the service's suppliers")
