"""Variants for the general requirements GR1–GR7."""

from __future__ import annotations

from variants import Variant, drop_document, replace

VARIANTS = [
    Variant(
        "GR1.1",
        "sms-owner-assigned",
        replace("people/people.yaml", "top_management: true", "top_management: false"),
        "not-top-management",
    ),
    Variant(
        "GR1.1",
        "sms-owner-assigned",
        replace(
            "general/roles.yaml", "{role: sms-owner, person: alice-martin,", "{role: sms-manager, person: alice-martin,"
        ),
        "none",
    ),
    Variant("GR2.2", "process-definitions", drop_document("processes/soc.yaml", "process-csi"), "missing"),
    Variant(
        "GR2.4",
        "review-overdue",
        replace("general/policy.yaml", "last_reviewed: 2026-02-16", "last_reviewed: 2025-02-16"),
    ),
    Variant(
        "GR2.4",
        "approved-has-approval",
        replace("general/policy.yaml", "  approval: {approved_by: alice-martin, approved_on: 2026-02-16}\n", ""),
    ),
    Variant("GR3.2", "scope-statement", drop_document("general/scope.yaml", "sms-scope")),
    Variant(
        "GR4.1",
        "sms-plan-content",
        replace("general/plans.yaml", "  tools:\n    - This Git", "  x-tools:\n    - This Git"),
    ),
    Variant(
        "GR5.1",
        "plan-goals-on-track",
        replace("general/plans.yaml", "due: 2026-06-30, status: done", "due: 2026-06-30, status: in-progress"),
    ),
    Variant(
        "GR6.1",
        "kpi-measured",
        replace(
            "records/management.yaml",
            "    - {period_end: 2026-10-31, value: 97,",
            "    - {period_end: 2026-08-31, value: 97,",
        ),
    ),
    Variant(
        "GR7.1", "nonconformity-overdue", replace("records/management.yaml", "  due: 2026-12-15", "  due: 2026-11-15")
    ),
]
