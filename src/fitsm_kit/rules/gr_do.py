"""GR5 Implementing (DO): the plan is implemented and the processes are followed in practice."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.general import Plan
from fitsm_kit.rules.base import Context, Doc, Problem, rule


@rule("GR5.1", "plan-goals-on-track", kinds=("Plan",),
      fix="complete the goal, or re-plan it with a new due date (and say why in the management review)")
def plan_goals_on_track(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """No plan goal is past its due date while still planned or in progress."""
    assert isinstance(doc.model, Plan)
    for i, goal in enumerate(doc.model.spec.goals):
        if goal.status in ("planned", "in-progress") and goal.due < ctx.as_of:
            yield Problem(doc, ("spec", "goals", i, "due"), f"goal {goal.id} was due {goal.due} "
                          f"and is still {goal.status}")
