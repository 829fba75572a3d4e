"""Variants for the placeholder rule: a generated TODO left in a document."""

from __future__ import annotations

from variants import Variant, replace

VARIANTS = [
    Variant(
        "GR2.4",
        "placeholder-text",
        replace("general/scope.yaml", "  organisations: [ACME Research Computing]",
                '  organisations: ["TODO: the organisations in scope"]'),
    ),
]
