"""Variants for the process requirements PR1–PR8."""

from __future__ import annotations

from variants import Variant, drop_document, replace, sub

VARIANTS = [
    Variant(
        "PR1.2",
        "early-service-has-proposal",
        drop_document("services/research-gitlab.yaml", "proposal-research-gitlab"),
    ),
    Variant(
        "PR2.1",
        "catalogue-lists-live-services",
        replace(
            "services/catalogue.yaml",
            "[cloud-compute, object-storage, hpc-batch]",
            "[cloud-compute, object-storage, hpc-batch, legacy-ftp]",
        ),
    ),
    Variant(
        "PR2.2", "live-service-has-sla", replace("agreements/sla-default.yaml", "end: 2027-01-31", "end: 2026-10-31")
    ),
    Variant(
        "PR2.4",
        "supporting-agreement-supplier-type",
        replace("agreements/olas.yaml", "  supplier: network-team", "  supplier: research-net"),
    ),
    Variant(
        "PR3.2",
        "report-agreed",
        replace("reporting/reports.yaml", "  agreed_with: [{party: alice-martin, on: 2026-02-23}]\n", ""),
    ),
    Variant(
        "PR4.4",
        "live-service-monitored",
        replace(
            "services/hpc-batch.yaml",
            "  monitoring:\n    tool: Zabbix\n    metrics: [Slurm controller probe, node availability]\n",
            "",
        ),
    ),
    Variant("PR5.3", "capacity-future-planned", replace("operations/capacity.yaml", "  future:\n", "  x-future:\n")),
    Variant(
        "PR6.3",
        "high-risks-treated",
        sub(
            "operations/security.yaml",
            r"^  status: implemented\n  implemented_on:",
            "  status: planned\n  implemented_on:",
            count=2,
        ),
    ),
    Variant(
        "PR7.4", "service-review-recent", replace("records/customers.yaml", "  date: 2026-03-18", "  date: 2025-03-18")
    ),
    Variant(
        "PR8.2",
        "supplier-contact",
        replace(
            "suppliers/suppliers.yaml", "  contacts: [{name: Key account, email: service@serverhaus.example}]\n", ""
        ),
    ),
]
