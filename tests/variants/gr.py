"""Variants for the general requirements GR1–GR7: each breaks one piece of evidence in the clean example."""

from __future__ import annotations

from variants import Variant, drop_document, replace, sub

ROLES = "general/roles.yaml"
POLICY = "general/policy.yaml"
PLANS = "general/plans.yaml"
SCOPE = "general/scope.yaml"
RECORDS = "records/management.yaml"
SPD = "processes/spd.yaml"

GR1 = [
    Variant("GR1.1", "sms-owner-assigned",
            replace(ROLES, "{role: sms-owner, person: alice-martin,", "{role: sms-manager, person: alice-martin,"),
            "none"),
    Variant("GR1.1", "sms-owner-assigned",
            replace(ROLES, "    - {role: sms-manager,", "    - {role: sms-owner, person: carla-rossi}\n"
                    "    - {role: sms-manager,"), "two"),
    Variant("GR1.1", "sms-owner-assigned",
            replace("people/people.yaml", "  top_management: true", "  top_management: true\n  active: false"),
            "inactive"),
    Variant("GR1.1", "sms-owner-top-management",
            replace("people/people.yaml", "top_management: true", "top_management: false")),
    Variant("GR1.1", "sms-owner-top-management-attested",
            sub(ROLES, r"^  attestations:\n(    .*\n|      .*\n)+", ""), "missing"),
    Variant("GR1.1", "sms-owner-top-management-attested",
            replace(ROLES, "      by: alice-martin\n", "      by: bob-keller\n"), "not-top-management"),
    Variant("GR1.1", "sms-owner-top-management-attested",
            replace(ROLES, "      on: 2026-03-02", "      on: 2025-03-02"), "stale"),
    Variant("GR1.2", "policy-defined", drop_document(POLICY, "sm-policy")),
    Variant("GR1.2", "policy-approved-by-sms-owner",
            replace(POLICY, "approval: {approved_by: alice-martin,", "approval: {approved_by: bob-keller,"),
            "wrong-approver"),
    Variant("GR1.2", "policy-approved-by-sms-owner", replace(POLICY, "  status: approved", "  status: draft"),
            "draft"),
    Variant("GR1.2", "policy-communicated", sub(POLICY, r"on: 2026-02-(18|20)\}", "on: 2026-01-10}", count=2)),
    Variant("GR1.2", "policy-reviewed", replace(POLICY, "last_reviewed: 2026-02-16", "last_reviewed: 2025-02-16")),
    Variant("GR1.3", "management-review-planned", replace(RECORDS, "  date: 2026-06-24", "  date: 2025-06-24"),
            "overdue"),
    Variant("GR1.3", "management-review-planned", replace(POLICY, "  management_review_interval: P12M\n", ""),
            "no-interval"),
    Variant("GR1.3", "management-review-planned", drop_document(RECORDS, "management-review-2026"), "none"),
    Variant("GR1.3", "management-review-chaired-by-sms-owner",
            replace(RECORDS, "  chaired_by: alice-martin", "  chaired_by: bob-keller")),
    Variant("GR1.3", "management-review-results", replace(RECORDS, "  results:\n", "  x-results:\n")),
]

GR2 = [
    Variant("GR2.1", "key-documents", replace(PLANS, "  status: approved", "  status: draft"), "draft-plan"),
    Variant("GR2.1", "key-documents", drop_document(SCOPE, "sms-scope"), "no-scope"),
    Variant("GR2.2", "process-definitions", drop_document("processes/soc.yaml", "process-csi"), "missing"),
    Variant("GR2.2", "process-roles-assigned",
            replace(ROLES, "{role: process-manager, process: SRM,", "{role: process-staff, process: SRM,"),
            "no-manager"),
    Variant("GR2.2", "process-roles-assigned",
            replace(ROLES, "    - {role: process-owner, process: SRM, person: bob-keller}\n",
                    "    - {role: process-owner, process: SRM, person: bob-keller}\n"
                    "    - {role: process-owner, process: SRM, person: greta-lind}\n"), "two-owners"),
    Variant("GR2.2", "process-roles-assigned",
            replace(ROLES, "{role: process-owner, process: SRM, person: bob-keller}",
                    "{role: process-owner, person: bob-keller}"), "no-process"),
    Variant("GR2.3", "process-outputs-documented", drop_document("operations/capacity.yaml", "capacity-plan-2026")),
    Variant("GR2.3", "process-activities-recorded", drop_document(RECORDS, "imp-2026-03")),
    Variant("GR2.4", "review-overdue", replace(ROLES, "last_reviewed: 2026-03-02", "last_reviewed: 2025-03-02")),
    Variant("GR2.4", "approved-has-approval",
            replace(POLICY, "  approval: {approved_by: alice-martin, approved_on: 2026-02-16}\n", "")),
]

GR3 = [
    Variant("GR3.1", "stakeholders-identified", replace(SCOPE, "  stakeholders:\n", "  x-stakeholders:\n"), "none"),
    Variant("GR3.1", "stakeholders-identified",
            replace(SCOPE, "      needs: [clear roles, manageable on-call load]\n", ""), "not-analysed"),
    Variant("GR3.1", "external-requirements-considered", replace(SCOPE, "  requirements:\n", "  x-requirements:\n")),
    Variant("GR3.1", "stakeholder-analysis-reviewed",
            replace(SCOPE, "stakeholder_analysis_reviewed: 2026-02-16", "stakeholder_analysis_reviewed: 2025-09-01"),
            "overdue"),
    Variant("GR3.1", "stakeholder-analysis-reviewed",
            replace(SCOPE, "  stakeholder_analysis_reviewed: 2026-02-16\n", ""), "never"),
    Variant("GR3.2", "scope-statement", drop_document(SCOPE, "sms-scope")),
    Variant("GR3.2", "scope-reviewed",
            replace(SCOPE, "review: {interval: P12M, last_reviewed: 2026-02-16}",
                    "review: {interval: P6M, last_reviewed: 2026-02-16}")),
    Variant("GR3.2", "scope-follows-stakeholder-analysis",
            replace(SCOPE, "stakeholder_analysis_reviewed: 2026-02-16", "stakeholder_analysis_reviewed: 2026-05-04")),
]

GR4 = [
    Variant("GR4.1", "sms-plan-content", replace(PLANS, "  tools:\n    - This Git", "  x-tools:\n    - This Git")),
    Variant("GR4.1", "sms-plan-reviewed",
            replace(PLANS, "review: {interval: P6M, last_reviewed: 2026-07-20}",
                    "review: {interval: P6M, last_reviewed: 2026-04-20}")),
    Variant("GR4.1", "sms-manager-assigned",
            replace(ROLES, "{role: sms-manager, person: bob-keller", "{role: process-staff, person: bob-keller")),
    Variant("GR4.1", "sms-plan-owned-by-sms-manager", replace(PLANS, "  owner: bob-keller", "  owner: alice-martin")),
    Variant("GR4.2", "process-plan-aligned", replace(PLANS, "  aligned_with: sm-plan\n", ""), "missing"),
    Variant("GR4.2", "process-plan-aligned",
            replace(PLANS, "  aligned_with: sm-plan\n", "  aligned_with: slm-plan\n"), "not-sms-plan"),
    Variant("GR4.2", "process-plan-current",
            replace(PLANS, "approved_on: 2026-01-26}", "approved_on: 2026-03-01}")),
    Variant("GR4.2", "process-plan-reviewed",
            replace(PLANS, "review: {interval: P12M, last_reviewed: 2026-02-02}",
                    "review: {interval: P6M, last_reviewed: 2026-02-02}")),
]

GR5 = [
    Variant("GR5.1", "plan-goals-on-track",
            replace(PLANS, "due: 2026-06-30, status: done", "due: 2026-06-30, status: in-progress")),
    Variant("GR5.2", "process-followed-attested",
            sub(SPD, r"^  attestations:\n    - requirement: GR5.2\n(      .*\n)+", ""), "missing"),
    Variant("GR5.2", "process-followed-attested",
            replace(SPD, "      by: bob-keller\n      role: SRM process owner\n",
                    "      by: greta-lind\n      role: SRM process owner\n"), "not-the-owner"),
    Variant("GR5.2", "process-followed-attested",
            replace(SPD, "      role: SPM process owner\n      on: 2026-10-12", "      role: SPM process owner\n"
                    "      on: 2025-10-12"), "stale"),
]

GR6 = [
    Variant("GR6.1", "kpi-measured",
            replace(RECORDS, "    - {period_end: 2026-10-31, value: 97,", "    - {period_end: 2026-08-31, value: 97,")),
    Variant("GR6.1", "kpi-for-sms", replace(RECORDS, "  scope: sms\n", "  scope: SRM\n")),
    Variant("GR6.1", "kpi-scope-known", replace(RECORDS, "  scope: SLM\n", "  scope: billing\n")),
    Variant("GR6.1", "kpi-supports-goal", replace(RECORDS, "  goal: G2\n", "  goal: G9\n"), "unknown-goal"),
    Variant("GR6.1", "kpi-supports-goal", replace(RECORDS, "  goal: G5\n", ""), "no-goal"),
    Variant("GR6.1", "kpi-suitability-attested",
            sub(RECORDS, r"^  attestations:\n    - requirement: GR6.1\n(      .*\n)+", ""), "missing"),
    Variant("GR6.1", "kpi-suitability-attested",
            replace(RECORDS, "      by: bob-keller\n      role: SMS manager\n",
                    "      by: carla-rossi\n      role: SLM process manager\n"), "wrong-role"),
    Variant("GR6.1", "kpi-suitability-attested",
            replace(RECORDS, "      role: SLM process owner\n      on: 2026-02-23",
                    "      role: SLM process owner\n      on: 2025-02-23"), "stale"),
    Variant("GR6.2", "audit-planned", replace(RECORDS, "  date: 2026-09-15", "  date: 2025-09-15"), "overdue"),
    Variant("GR6.2", "audit-planned", replace(POLICY, "  audit_interval: P12M\n", ""), "no-interval"),
    Variant("GR6.2", "audit-evaluates-maturity", replace(RECORDS, "  scores:\n", "  x-scores:\n")),
]

GR7 = [
    Variant("GR7.1", "nonconformity-overdue", replace(RECORDS, "  due: 2026-12-15", "  due: 2026-11-15")),
    Variant("GR7.1", "audit-findings-raised",
            replace(RECORDS, "severity: minor,\n       nonconformity: nc-2026-01}", "severity: minor}")),
    Variant("GR7.1", "off-target-kpi-raised", replace(RECORDS, "on_target: false, nonconformity: nc-2026-02}",
                                                      "on_target: false}")),
    Variant("GR7.1", "nonconformity-closed-verified", replace(RECORDS, "  verified_on: 2026-11-02\n", ""),
            "not-verified"),
    Variant("GR7.1", "nonconformity-closed-verified",
            replace(RECORDS, "  verified_on: 2026-11-02\n", "  verified_on: 2026-10-02\n"), "verified-before-closing"),
    Variant("GR7.2", "improvement-evaluated",
            replace(RECORDS, "  evaluation: {decision: approved, decided_by: alice-martin, decided_on: 2026-06-24}\n",
                    ""), "never"),
    Variant("GR7.2", "improvement-evaluated",
            replace(RECORDS, "evaluation: {decision: approved,", "evaluation: {decision: rejected,"), "rejected"),
    Variant("GR7.2", "continual-improvement-attested",
            sub(POLICY, r"^  attestations:\n    - requirement: GR7.2\n(      .*\n)+", ""), "missing"),
    Variant("GR7.2", "continual-improvement-attested",
            replace(POLICY, "      by: alice-martin\n      role: SMS owner\n",
                    "      by: bob-keller\n      role: SMS manager\n"), "not-sms-owner"),
]

FEDERATION = [
    Variant("GR3.1", "stakeholder-analysis-complete",
            replace("governance.yaml", "    - name: National funding agencies\n      needs: [usage reports per "
                    "country]\n", "    - name: National funding agencies\n"), "", "federation"),
    Variant("GR3.1", "stakeholder-analysis-document-reviewed",
            replace("governance.yaml", "  review: {interval: P1Y, last_reviewed: 2026-01-20}",
                    "  review: {interval: P1Y, last_reviewed: 2024-01-20}"), "", "federation"),
    Variant("GR4.2", "process-plan-aligned-with-sms-plan",
            replace("operations.yaml", "  aligned_with: dc-sm-plan", "  aligned_with: dc-ism-plan"), "", "federation"),
]

# Records dated after as_of (2026-11-26 in acme): a mistyped month is no evidence (rules/dated.py)
DATED_AHEAD = [
    Variant("GR1.3", "management-review-dated-ahead", replace(RECORDS, "  date: 2026-06-24", "  date: 2026-12-24")),
    Variant("GR6.2", "audit-dated-ahead", replace(RECORDS, "  date: 2026-09-15", "  date: 2026-12-15")),
    Variant("GR7.1", "nonconformity-dated-ahead",
            replace(RECORDS, "  raised_on: 2026-11-03", "  raised_on: 2026-12-03")),
    Variant("GR2.4", "approval-dated-ahead",
            replace("general/plans.yaml", "approved_on: 2026-01-26}", "approved_on: 2026-12-26}")),
    Variant("GR3.1", "scope-dated-ahead", replace("general/scope.yaml", "stakeholder_analysis_reviewed: 2026-02-16",
                                                  "stakeholder_analysis_reviewed: 2026-12-16")),
    Variant("GR7.2", "improvement-dated-ahead",
            replace(RECORDS, "decided_on: 2026-06-24}", "decided_on: 2026-12-24}")),
]

VARIANTS = [
    *FEDERATION,*GR1, *GR2, *GR3, *GR4, *GR5, *GR6, *GR7, *DATED_AHEAD]
