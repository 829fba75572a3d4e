"""GR4 Planning (PLAN): the service management plan and process-specific plans."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.general import Plan
from fitsm_kit.rules.base import Context, Problem, rule


@rule("GR4.1", "sms-plan-content", fix="add a Plan with type: sms")
def sms_plan_content(ctx: Context) -> Iterator[Problem]:
    """A service management plan exists with goals and timing, roles, training and awareness, and tools."""
    plans = [d for d in ctx.sms.of_kind("Plan") if d.spec.type == "sms"]
    if not plans:
        yield Problem(None, (), "no service management plan (kind: Plan, spec.type: sms)")
    for doc in plans:
        assert isinstance(doc.model, Plan)
        for part, what in (("goals", "goals with due dates"), ("roles", "roles and responsibilities"),
                           ("training", "training and awareness activities"), ("tools", "tools")):
            if not getattr(doc.model.spec, part):
                yield Problem(doc, ("spec",), f"service management plan lists no {what}",
                              f"add spec.{part}")
