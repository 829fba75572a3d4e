"""GR3 Scope and stakeholders (SCS): stakeholder analysis and the SMS scope statement."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.rules.base import Context, Problem, rule


@rule("GR3.2", "scope-statement", fix="add one Scope document with the SMS scope statement")
def scope_statement(ctx: Context) -> Iterator[Problem]:
    """The SMS has exactly one scope statement."""
    scopes = ctx.sms.of_kind("Scope")
    if not scopes:
        yield Problem(None, (), "no scope statement (kind: Scope)")
    for doc in scopes[1:]:
        yield Problem(doc, ("kind",), f"more than one scope statement (also {scopes[0].path})",
                      "merge the scope statements into one")
