"""Built-in rules. Importing this package registers every rule in ``REGISTRY``."""

from fitsm_kit.rules import (
    doc_control,
    documents,
    general,
    gr_act,
    gr_check,
    gr_do,
    gr_doc,
    gr_mca,
    gr_plan,
    gr_scs,
    placeholders,
    portfolio,
    pr_agreements,
    pr_chain,
    pr_operations,
    pr_reporting,
    pr_security,
    supply,
)
from fitsm_kit.rules.base import REGISTRY

__all__ = ["REGISTRY", "doc_control", "documents", "general", "gr_act", "gr_check", "gr_do", "gr_doc", "gr_mca",
           "gr_plan", "gr_scs",
           "placeholders", "portfolio", "pr_agreements", "pr_chain", "pr_operations", "pr_reporting",
           "pr_security", "supply"]
