"""GR6 Monitoring and reviewing (CHECK): KPIs, assessments and audits."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.general import KPI
from fitsm_kit.rules.base import Context, Doc, Problem, rule


@rule("GR6.1", "kpi-measured", kinds=("KPI",), fix="record a measurement under spec.measurements")
def kpi_measured(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Every KPI has a measurement within its frequency (plus grace)."""
    assert isinstance(doc.model, KPI)
    spec = doc.model.spec
    if not spec.measurements:
        yield Problem(doc, ("spec",), "KPI has never been measured")
        return
    last = max(m.period_end for m in spec.measurements)
    if (due := ctx.overdue(last, spec.frequency)) is not None:
        yield Problem(doc, ("spec", "measurements"),
                      f"last measurement {last}, frequency {spec.frequency}: a new one fell due {due}")
