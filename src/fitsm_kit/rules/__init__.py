"""Built-in rules. Importing this package registers every rule in ``REGISTRY``."""

from fitsm_kit.rules import documents, general, portfolio, pr_agreements, pr_operations, pr_reporting, supply
from fitsm_kit.rules.base import REGISTRY

__all__ = ["REGISTRY", "documents", "general", "portfolio", "pr_agreements", "pr_operations", "pr_reporting", "supply"]
