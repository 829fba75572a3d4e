"""Checks the engine makes while reading the SMS, before any rule runs.

They are named like rules, so they can be selected, ignored and explained like rules.
"""

from __future__ import annotations

STRUCTURAL: dict[str, tuple[str, str]] = {
    "yaml-syntax": ("GR2.4", "Every SMS file is readable UTF-8 YAML without duplicate keys or tags."),
    "document-shape": ("GR2.4", "Every YAML document is a mapping with apiVersion, kind, metadata and spec."),
    "unknown-kind": ("GR2.4", "Every document's kind is one of the kinds fitsm-kit knows."),
    "schema": ("GR2.4", "Every document matches the schema of its kind: types, no typos, what no requirement "
                        "claims."),
    "evidence-field": ("GR2.4", "Every field a FitSM-1 requirement asks for is there and valid; reported under "
                                "that requirement (the KPI's target under GR6.1), never as a schema error."),
    "duplicate-id": ("GR2.4", "Document ids are unique across the SMS."),
    "unresolved-reference": ("GR2.4", "Every reference names an existing document of the expected kind."),
    "unsafe-path": ("GR2.4", "SMS files stay inside the SMS: no symlinks out of it, no symlink loops."),
    # made after the rules ran, by fitsm_kit.engine.waivers
    "waiver-expired": ("GR7.1", "No waiver in force has passed its expiry date; its findings count again."),
    "waiver-unused": ("GR7.1", "Every waiver in force matches a finding (a warning: remove or retire it)."),
}
