"""GR7 Continually improving (ACT): nonconformities and improvements."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.general import Nonconformity
from fitsm_kit.rules.base import Context, Doc, Problem, rule


@rule("GR7.1", "nonconformity-overdue", kinds=("Nonconformity",),
      fix="carry out the corrective action and close the nonconformity, or set a new due date")
def nonconformity_overdue(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Open nonconformities have an owner-set due date that has not passed."""
    assert isinstance(doc.model, Nonconformity)
    spec = doc.model.spec
    if spec.status == "closed":
        return
    if spec.due is None:
        yield Problem(doc, ("spec",), "open nonconformity has no due date", "set spec.due")
    elif spec.due < ctx.as_of:
        yield Problem(doc, ("spec", "due"), f"nonconformity was due {spec.due} and is still {spec.status}")
