"""GR3 Scope and stakeholders (SCS): stakeholder analysis and the SMS scope statement."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.general import Scope
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.documents import reviewed_rule, settled_on
from fitsm_kit.rules.general import in_use


def analyses(ctx: Context) -> list[Doc]:
    """The stakeholder analyses kept in their own documents (kind StakeholderAnalysis), in use."""
    return [d for d in ctx.sms.of_kind("StakeholderAnalysis") if in_use(d)]


@rule("GR3.2", "scope-statement", fix="add one Scope document with the SMS scope statement")
def scope_statement(ctx: Context) -> Iterator[Problem]:
    """The SMS has exactly one scope statement.

    GR3.2 asks that the scope of the SMS be defined. Evidence: one ``Scope`` document (its
    ``spec.statement`` is required by the schema); two would leave the scope ambiguous.
    """
    scopes = ctx.sms.of_kind("Scope")
    if not scopes and ctx.all_read("Scope"):  # else the scope statement that could not be read may be it
        yield Problem(None, (), "no scope statement (kind: Scope)")
    for doc in scopes[1:]:
        yield Problem(doc, ("kind",), f"more than one scope statement (also {scopes[0].path})",
                      "merge the scope statements into one")


@rule("GR3.1", "stakeholders-identified", kinds=("Scope",),
      fix="list the stakeholders under spec.stakeholders, each with its needs and expectations")
def stakeholders_identified(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The stakeholders of the services and the SMS are identified, each with analysed needs or expectations.

    Evidence: the scope statement's ``spec.stakeholders`` (the stakeholder analysis) lists at least one
    stakeholder, and each has ``needs`` or ``expectations``: a name alone is identified, not analysed.
    The analysis may live in its own ``StakeholderAnalysis`` document (with its own review) instead.
    """
    assert isinstance(doc.model, Scope)
    stakeholders = doc.model.spec.stakeholders
    if not stakeholders and any(a.spec.stakeholders for a in analyses(ctx)):
        return  # the analysis is kept in its own document (rule stakeholder-analysis-complete)
    if not stakeholders and ctx.all_read("StakeholderAnalysis"):  # else the unread one may be the analysis
        yield Problem(doc, ("spec",), "no stakeholders identified (spec.stakeholders)")
    for i, s in enumerate(stakeholders):
        if not s.needs and not s.expectations:
            yield Problem(doc, ("spec", "stakeholders", i), f"stakeholder {s.name!r} has no needs or expectations")


@rule("GR3.1", "external-requirements-considered", kinds=("Scope",),
      fix="list the legal, regulatory and contractual requirements under spec.requirements")
def external_requirements_considered(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Relevant legal, regulatory and contractual requirements are recorded as considered.

    Evidence: the scope statement's ``spec.requirements`` lists at least one requirement (type legal,
    regulatory or contractual, with a description), or a ``StakeholderAnalysis`` document does (the
    analysis kept in its own document records the requirements beside the stakeholders). Every provider
    is bound by some (data protection, contracts with customers); no list at all means they were not
    considered.
    """
    assert isinstance(doc.model, Scope)
    if not doc.model.spec.requirements and not any(a.spec.requirements for a in analyses(ctx)):
        yield Problem(doc, ("spec",), "no legal, regulatory or contractual requirements recorded (spec.requirements)")


@rule("GR3.1", "stakeholder-analysis-reviewed", kinds=("Scope",),
      fix="update the stakeholder analysis, then set spec.stakeholder_analysis_reviewed to that date")
def stakeholder_analysis_reviewed(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The stakeholder analysis is updated at its planned interval.

    FitSM-2 asks to "update the stakeholder analysis at regular intervals". The analysis is part of
    the scope document; its planned interval is the scope document's review interval (its own, or the
    default for ``Scope`` in ``fitsm.yaml`` or the policy). ``spec.stakeholder_analysis_reviewed``
    must lie within the interval plus grace as of ``--as-of``; an overdue one names the date it fell due.
    """
    assert isinstance(doc.model, Scope)
    if not doc.model.spec.stakeholders and (analyses(ctx) or not ctx.all_read("StakeholderAnalysis")):
        return  # the analysis in its own document is reviewed as a document (stakeholder-analysis-document-reviewed)
    interval = ctx.interval(doc)
    last = doc.model.spec.stakeholder_analysis_reviewed
    if interval is None:
        return  # scope-reviewed reports the missing interval
    if last is None:
        yield Problem(doc, ("spec",), "the stakeholder analysis has no review date "
                      "(spec.stakeholder_analysis_reviewed)")
    elif (due := ctx.overdue(last, interval)) is not None:
        yield Problem(doc, ("spec", "stakeholder_analysis_reviewed"),
                      f"stakeholder analysis update overdue: last {last}, interval {interval}, fell due {due}")


@rule("GR3.1", "stakeholder-analysis-complete", kinds=("StakeholderAnalysis",),
      fix="give each stakeholder its needs or expectations")
def stakeholder_analysis_complete(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A stakeholder analysis in its own document analyses each stakeholder it identifies.

    Evidence: each entry of a ``StakeholderAnalysis``'s ``spec.stakeholders`` has ``needs`` or
    ``expectations`` (a missing list is reported under GR3.1 as a missing field).
    """
    for i, s in enumerate(doc.spec.stakeholders or ()):
        if not s.needs and not s.expectations:
            yield Problem(doc, ("spec", "stakeholders", i), f"stakeholder {s.name!r} has no needs or expectations")


reviewed_rule("GR3.1", "stakeholder-analysis-document-reviewed", ("StakeholderAnalysis",), "stakeholder analysis",
              why='FitSM-2 asks to "update the stakeholder analysis at regular intervals".')

reviewed_rule("GR3.2", "scope-reviewed", ("Scope",), "scope statement",
              why='FitSM-2 asks to "review the scope statement at regular intervals".')


@rule("GR3.2", "scope-follows-stakeholder-analysis", kinds=("Scope",), history=True,
      fix="review the scope against the updated stakeholder analysis and record the review date")
def scope_follows_stakeholder_analysis(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The scope was last settled no earlier than the stakeholder analysis was last updated.

    GR3.2 asks for a scope defined "taking into consideration results from the stakeholder analysis".
    When ``spec.stakeholder_analysis_reviewed`` is later than the scope's last review or approval,
    the current analysis has not yet been considered in the scope. Reviews and approvals recorded in Git
    count as for ``scope-reviewed``.
    """
    assert isinstance(doc.model, Scope)
    analysed = doc.model.spec.stakeholder_analysis_reviewed
    settled = settled_on(doc, ctx)
    if analysed is not None and settled is not None and analysed > settled.on:
        yield Problem(doc, ("spec", "stakeholder_analysis_reviewed"),
                      f"stakeholder analysis updated {analysed}, after the scope was last reviewed or "
                      f"approved ({settled})")
