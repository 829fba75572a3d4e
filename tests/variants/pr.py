"""Variants for the process requirements PR1–PR8: one or more per rule, each breaking one piece of evidence."""

from __future__ import annotations

from variants import Mutation, Variant, drop_document, replace, sub


def inactive(email: str) -> Mutation:
    """Mark the person with ``email`` as no longer active (every case they own loses its owner)."""
    return replace("people/people.yaml", f"  email: {email}\n", f"  email: {email}\n  active: false\n")


DAVID, CARLA, GRETA, FARID = (inactive(f"{n}@acme-rc.example") for n in
                              ("david.chen", "carla.rossi", "greta.lind", "farid.haddad"))
UA = "agreements/ua-research-net.yaml"
EVALUATIONS = "records/evaluations-2026-09.yaml"

FED = "federation"
FED_SLAS, FED_OLAS, FED_RECORDS = "agreements/slas.yaml", "agreements/supporting.yaml", "records/2026.yaml"
SITE_HOURS = ('    hours: {timezone: Europe/Vienna, windows: [{days: [mon, tue, wed, thu, fri], start: "08:00", '
              'end: "18:00"}]}\n')

# The federation example (examples/federation): what federations say, and the rules that check it.
FEDERATION = [
    # 3 of 3 centres at 80 % compose to 51.2 %, x 99 % (Check-in) = 50.69 % < 96 % (1 of 3: 98.21 %)
    Variant("PR2.4", "supporting-availability",
            replace("portfolio.yaml", "      required: 1\n", "      required: 3\n"), "k-of-n", FED),
    # the worked number: "unknown <= 10 %" fails at 12 %
    Variant("PR2.5", "supporting-evaluation-consistent",
            replace(FED_RECORDS, "{target: unknown, supplier: res-ljubljana, measured: 4.2, met: true}",
                    "{target: unknown, supplier: res-ljubljana, measured: 12, met: true}"), "unknown-at-most", FED),
    Variant("PR2.5", "supporting-evaluation-consistent",
            replace(FED_RECORDS, "  evaluated_on: 2026-11-03", "  evaluated_on: 2026-10-20"), "evaluated-early", FED),
    Variant("PR2.3", "sla-evaluation-consistent",
            replace(FED_RECORDS, "{target: reliab, measured: 96.0, met: true}",
                    "{target: reliab, measured: 93.0, met: true}"), "reliability", FED),
    Variant("PR2.2", "sla-customer-can-agree",
            replace(FED_SLAS, "  customer: vo-climate", "  customer: eosc-researchers"), "", FED),
    Variant("PR7.3", "customer-channels",
            replace("relationships.yaml", """channels: {general: "EOSC EU Node helpdesk", complaints: "helpdesk, """
                    """category 'complaint'"}""", """channels: {general: "EOSC EU Node helpdesk"}"""), "segment", FED),
    Variant("PR2.2", "sla-target-services-covered",
            replace(FED_SLAS, "services: [dc-cloud-compute]}", "services: [dc-notebooks]}"), "", FED),
    Variant("PR2.4", "supporting-target-services-covered",
            replace(FED_OLAS, 'value: 80, unit: "%", period: P1M,',
                    'value: 80, unit: "%", period: P1M, services: [dc-object-storage],'), "", FED),
    Variant("PR2.2", "sla-working-time-defined",
            replace(FED_SLAS, '    hours: {timezone: Europe/Vienna, windows: [{days: [mon, tue, wed, thu, fri], start: '
                    '"09:00", end: "17:00"}]}\n', ""), "", FED),
    Variant("PR2.4", "supporting-working-time-defined",
            replace(FED_OLAS, SITE_HOURS + "  targets:\n    - {id: availability, metric: availability, value: 80",
                    "  targets:\n    - {id: availability, metric: availability, value: 80"), "", FED),
    Variant("PR2.4", "supporting-agreement-supplier-type",
            replace(FED_OLAS, "{supplier: res-ljubljana, signed_on", "{supplier: egi-foundation, signed_on"),
            "template-signatory", FED),
    Variant("PR2.4", "service-suppliers-covered",
            replace(FED_OLAS, "    - {supplier: res-ljubljana, signed_on: 2026-01-08, counterpart: ngi-danube}\n", ""),
            "parallel-supplier", FED),
    # 8 working hours last at least 8 clock hours: slower than 4 hours
    Variant("PR2.4", "supporting-response-times",
            replace(FED_SLAS, "value: 1, unit: working-days, priority: high", "value: 4, unit: hours, priority: high"),
            "working-hours", FED),
]

VARIANTS = [
    *FEDERATION,
    # PR1 service portfolio management
    Variant("PR1.1", "service-specified",
            replace("services/hpc-batch.yaml", "  value_proposition: Large simulations without own cluster "
                    "administration.\n", "")),
    Variant("PR1.1", "service-owner", DAVID),
    Variant("PR1.2", "early-service-has-proposal",
            drop_document("services/research-gitlab.yaml", "proposal-research-gitlab")),
    Variant("PR1.2", "early-service-has-proposal",
            replace("services/research-gitlab.yaml", "decision: approved", "decision: pending"), "not-approved"),
    Variant("PR1.3", "design-transition-planned",
            sub("services/research-gitlab.yaml", r"^    acceptance_criteria: .*\n", "")),
    Variant("PR1.4", "service-suppliers-identified",
            replace("services/object-storage.yaml", "    - {supplier: nordhalle, role: Hosts the replica}\n", "")),
    # PR2 service level management
    Variant("PR2.1", "catalogue-lists-live-services",
            replace("services/catalogue.yaml", "[cloud-compute, object-storage, hpc-batch]",
                    "[cloud-compute, object-storage, hpc-batch, legacy-ftp]")),
    Variant("PR2.1", "live-service-in-catalogue",
            replace("services/catalogue.yaml", "[cloud-compute, object-storage, hpc-batch]",
                    "[cloud-compute, object-storage]")),
    Variant("PR2.2", "sla-in-force",  # expired: reported on the SLA, not again on each service it covered
            replace("agreements/sla-default.yaml", "end: 2027-01-31", "end: 2026-10-31")),
    Variant("PR2.2", "sla-in-force",
            replace("agreements/sla-bio-institute.yaml", "  status: approved\n", "  status: in-review\n"), "in-review"),
    Variant("PR2.2", "live-service-has-sla",
            replace("agreements/sla-default.yaml", "  status: approved\n", "  status: draft\n"), "draft"),
    Variant("PR2.2", "sla-lists-live-services",
            replace("agreements/sla-bio-institute.yaml", "  services: [cloud-compute, object-storage]",
                    "  services: [cloud-compute, object-storage, legacy-ftp]")),
    Variant("PR2.2", "live-service-has-sla",
            replace("agreements/sla-default.yaml", "  status: approved", "  status: draft"), "draft"),
    Variant("PR2.2", "sla-reviewed",
            replace("agreements/sla-default.yaml", "last_reviewed: 2026-01-19", "last_reviewed: 2025-09-19")),
    Variant("PR2.2", "sla-owner", CARLA),
    Variant("PR2.3", "sla-evaluated", drop_document(EVALUATIONS, "eval-sla-default-2026-09")),
    Variant("PR2.3", "sla-evaluated",
            replace(EVALUATIONS, "    - {target: response-high, measured: 1.5, met: true}\n", ""), "target"),
    Variant("PR2.3", "sla-violation-notified",
            replace(EVALUATIONS, "{target: resolution-high, measured: 0.8, met: true}",
                    "{target: resolution-high, measured: 3.2, met: false}")),
    Variant("PR2.3", "evaluation-after-period",
            replace(EVALUATIONS, "  period_end: 2026-09-30\n", "  period_end: 2026-11-30\n", count=1), "not over"),
    Variant("PR2.3", "sla-evaluated",
            replace(EVALUATIONS, "{target: response-high, measured: 1.5, met: true}",
                    "{target: response-high, note: no ticket data}"), "not-measured"),
    Variant("PR2.4", "supporting-agreement-supplier-type",
            replace("agreements/olas.yaml", "  supplier: network-team", "  supplier: research-net")),
    Variant("PR2.4", "service-suppliers-covered",
            replace("services/cloud-compute.yaml", ", agreement_required: false,\n       justification: Covered by "
                    "the purchase contract's warranty; no service targets are needed.}", "}")),
    Variant("PR2.4", "service-suppliers-covered",
            replace("services/cloud-compute.yaml", "agreement_required: false,\n       justification: Covered by "
                    "the purchase contract's warranty; no service targets are needed.}",
                    "agreement_required: false}"), "no-justification"),
    Variant("PR2.4", "supporting-agreement-reviewed",
            replace(UA, "last_reviewed: 2026-01-05", "last_reviewed: 2024-06-05")),
    Variant("PR2.4", "supporting-agreement-owner", FARID),
    Variant("PR2.4", "supporting-agreement-in-force", replace(UA, "end: 2027-12-31", "end: 2026-10-31")),
    Variant("PR2.4", "supporting-availability",  # 99.9 × 99.95 × 99.5 = 99.35 % < 99.5 % (sla-bio-institute)
            replace(UA, "{id: availability, metric: availability, value: 99.9,",
                    "{id: availability, metric: availability, value: 99.5,")),
    Variant("PR2.4", "supporting-hours",
            replace(UA, "    hours: {always: true, timezone: Europe/Berlin}",
                    '    hours: {timezone: Europe/Berlin, windows: [{days: [mon, tue, wed, thu, fri], start: "09:00", '
                    'end: "17:00"}]}')),
    Variant("PR2.4", "supporting-hours",
            replace(UA, "  service_hours: {always: true, timezone: Europe/Berlin}",
                    '  service_hours: {timezone: UTC, windows: [{days: [mon, tue, wed, thu, fri, sat, sun], '
                    'start: "00:00", end: "23:00"}]}'), "utc-window"),
    Variant("PR2.4", "supporting-response-times", replace(UA, "value: 30, unit: minutes", "value: 5, unit: hours")),
    Variant("PR2.5", "supporting-agreement-evaluated", drop_document(EVALUATIONS, "eval-ola-network-2026-09")),
    Variant("PR2.5", "supporting-violation-escalated",
            replace(EVALUATIONS, "{target: availability, measured: 99.98, met: true}",
                    "{target: availability, measured: 99.82, met: false}")),
    # PR3 service reporting
    Variant("PR3.1", "reporting-topics",
            replace("reporting/reports.yaml", "  topics: [process-performance, nonconformities]\n",
                    "  topics: [process-performance]\n")),
    Variant("PR3.1", "sla-targets-reported",
            replace("reporting/reports.yaml", " sla-default/resolution-high,", "")),
    Variant("PR3.1", "kpis-reported",
            replace("reporting/reports.yaml", "[kpi-sla-met, kpi-review-on-time]", "[kpi-sla-met]")),
    Variant("PR3.1", "report-covers-resolve",
            replace("reporting/reports.yaml", "[kpi-sla-met, kpi-review-on-time]",
                    "[kpi-sla-met, kpi-review-on-time, kpi-uptime]")),
    Variant("PR3.2", "report-agreed",
            replace("reporting/reports.yaml", "  agreed_with: [{party: alice-martin, on: 2026-02-23}]\n", "")),
    Variant("PR3.2", "report-specified",
            replace("reporting/reports.yaml", "  format: Markdown page in the SMS site\n", "")),
    Variant("PR3.2", "report-owner", GRETA),
    Variant("PR3.3", "report-delivered", drop_document("reporting/reports.yaml", "delivery-sms-2026-10")),
    Variant("PR3.3", "report-delivered",
            replace("reporting/reports.yaml", "  period_end: 2026-09-30", "  period_end: 2026-06-30"), "late"),
    Variant("PR3.3", "delivery-after-period",
            replace("reporting/reports.yaml", "  delivered_on: 2026-10-08", "  delivered_on: 2026-09-30")),
    Variant("PR3.3", "report-recipients",
            replace("reporting/reports.yaml", "  recipients: [bio-institute, physics-dept, history-faculty]",
                    "  recipients: [bio-institute, physics-dept]")),
    # PR4 service availability and continuity management
    Variant("PR4.1", "availability-requirements",
            replace("operations/availability.yaml", "sla: sla-bio-institute, availability: 99.5",
                    "sla: sla-bio-institute, availability: 99.0")),
    Variant("PR4.1", "availability-requirements",
            replace("operations/availability.yaml", "    - {service: hpc-batch, sla: sla-default, availability: 99.0, "
                    "rto: P3D}\n", ""), "missing"),
    Variant("PR4.1", "availability-plan-reviewed",
            replace("operations/availability.yaml", "last_reviewed: 2026-05-11", "last_reviewed: 2025-05-11")),
    Variant("PR4.2", "availability-risks-assessed",
            replace("operations/security.yaml", "  assessed_on: 2026-05-11\n  treatment: mitigate",
                    "  assessed_on: 2025-05-11\n  treatment: mitigate")),
    Variant("PR4.3", "availability-risks-treated",
            replace("operations/availability.yaml", "mitigates: [risk-power-outage],\n       status: implemented",
                    "mitigates: [risk-power-outage],\n       status: planned")),
    Variant("PR4.3", "availability-plan-owner", DAVID),
    Variant("PR4.4", "live-service-monitored",
            replace("services/hpc-batch.yaml",
                    "  monitoring:\n    tool: Zabbix\n    metrics: [Slurm controller probe, node availability]\n", "")),
    # PR5 capacity management
    Variant("PR5.1", "capacity-requirements",
            replace("operations/capacity.yaml", ",\n       demand_forecast: Stable demand}", "}")),
    Variant("PR5.1", "capacity-plan-reviewed",
            replace("operations/capacity.yaml", "last_reviewed: 2026-08-31", "last_reviewed: 2026-03-31")),
    Variant("PR5.2", "current-capacity-recent",
            replace("operations/capacity.yaml", "71, as_of: 2026-10-31", "71, as_of: 2026-01-31")),
    Variant("PR5.3", "capacity-future-planned", replace("operations/capacity.yaml", "  future:\n", "  x-future:\n")),
    Variant("PR5.3", "capacity-plan-owner", FARID),
    Variant("PR5.4", "capacity-thresholds", replace("operations/capacity.yaml", ", exception_threshold: 85", "")),
    # PR6 information security management
    Variant("PR6.1", "security-policy-defined",
            replace("operations/security.yaml",
                    "  requirements: [GDPR for personal data, research network acceptable use policy]\n", "")),
    Variant("PR6.1", "security-policy-reviewed",
            replace("operations/security.yaml", "last_reviewed: 2026-03-16", "last_reviewed: 2025-03-16")),
    Variant("PR6.2", "security-risks-assessed",
            replace("operations/security.yaml", "  assessed_on: 2026-03-16", "  assessed_on: 2025-03-16")),
    Variant("PR6.2", "security-risk-owner", DAVID),
    Variant("PR6.3", "high-risks-treated",
            sub("operations/security.yaml", r"^  status: implemented\n  implemented_on:",
                "  status: planned\n  implemented_on:", count=2)),
    Variant("PR6.3", "security-control-owner", DAVID),
    Variant("PR6.4", "security-incidents-consistent",
            replace("processes/spd.yaml", "      topic: security-incidents\n", "      topic: incidents\n")),
    Variant("PR6.4", "security-incidents-consistent",
            sub("processes/spd.yaml", r"(requirement: PR6\.4\n(?:      .*\n)*?      on: )2026-10-12",
                r"\g<1>2025-10-12"),
            "attestation-old"),
    Variant("PR6.5", "access-control-consistent",
            sub("processes/spd.yaml", r"(requirement: PR6\.5\n(?:      .*\n)*?      by: )david-chen",
                r"\g<1>greta-lind")),
    Variant("PR6.5", "access-review-recent",
            replace("operations/security.yaml",
                    "    - {date: 2026-09-28, by: david-chen, result: 2 stale accounts revoked}\n", "")),
    # PR7 customer relationship management
    Variant("PR7.1", "service-customers-identified",
            replace("services/hpc-batch.yaml", "  customers: [physics-dept]\n", "")),
    Variant("PR7.2", "customer-relationship-manager", GRETA),
    Variant("PR7.3", "customer-channels",
            replace("customers/customers.yaml", "    complaints: complaints@acme-rc.example\n", "")),
    Variant("PR7.4", "service-review-recent",
            replace("records/customers.yaml", "  date: 2026-03-18", "  date: 2025-03-18")),
    Variant("PR7.5", "complaints-consistent", replace("processes/spd.yaml", "      topic: complaints\n", "")),
    Variant("PR7.5", "complaint-records", replace("records/customers.yaml", "  closed_on: 2026-07-09\n", "")),
    Variant("PR7.6", "satisfaction-survey-recent",
            replace("records/customers.yaml", "  date: 2026-05-29", "  date: 2025-05-29")),
    Variant("PR7.6", "satisfaction-managed",
            sub("processes/spd.yaml", r"(requirement: PR7\.6\n(?:      .*\n)*?      role: ).*\n", r"\g<1>\n")),
    # PR8 supplier relationship management
    Variant("PR8.1", "federation-member-internal",
            replace("suppliers/suppliers.yaml", "  type: internal\n  federation_member: true",
                    "  type: external\n  federation_member: true")),
    Variant("PR8.2", "supplier-contact",
            replace("suppliers/suppliers.yaml",
                    "  contacts: [{name: Key account, email: service@serverhaus.example}]\n", "")),
    Variant("PR8.2", "supplier-relationship-manager", FARID),
    Variant("PR8.3", "supplier-escalation-channel",
            replace("suppliers/suppliers.yaml", "{general: noc@research-net.example, escalation: +49 69 123 456}",
                    "{general: noc@research-net.example}")),
    Variant("PR8.4", "supplier-evaluated",
            drop_document("records/supplier-evaluations.yaml", "supplier-eval-nordhalle-2026")),
    Variant("PR8.4", "supplier-evaluated",
            replace("records/supplier-evaluations.yaml", "  basis: [eval-ua-research-net-2026-09]\n", ""), "basis"),
]
