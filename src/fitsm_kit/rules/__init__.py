"""Built-in rules. Importing this package registers every rule in ``REGISTRY``.

A rule is one documented function tied to one FitSM-1 requirement (see :mod:`base`); its docstring is
what ``fitsm explain`` prints. Rules read the SMS index, the configuration and Git evidence through a
:class:`~fitsm_kit.rules.base.Context`, and yield problems; they never print, write or know about
outputs. May import ``gitcontrol``, ``sms``, ``model`` and the top-level modules only.
"""

from fitsm_kit.rules import (
    dated,
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

__all__ = ["REGISTRY", "dated", "doc_control", "documents", "general", "gr_act", "gr_check", "gr_do", "gr_doc",
           "gr_mca", "gr_plan", "gr_scs",
           "placeholders", "portfolio", "pr_agreements", "pr_chain", "pr_operations", "pr_reporting",
           "pr_security", "supply"]
