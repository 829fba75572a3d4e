"""Selection: which rules and findings ``--select`` / ``--ignore`` and the config keep.

A selector is a requirement ID (``PR2.2``), a prefix of one matched by dotted parts (``PR2``, ``GR``,
``PR``) or a rule name. An unknown selector is a usage error: a typo would otherwise select nothing
and a check would pass without checking.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable

from fitsm_kit.model.catalogue import matches, requirements
from fitsm_kit.rules import REGISTRY
from fitsm_kit.rules.structural import STRUCTURAL
from fitsm_kit.sms.config import Config


def selected(name: str, requirement: str, select: list[str], ignore: list[str]) -> bool:
    """Whether a rule (by name or dotted requirement prefix) passes ``--select`` / ``--ignore``."""
    def hit(patterns: list[str]) -> bool:
        return any(p == name or matches(requirement, p) for p in patterns)
    return (not select or hit(select)) and not hit(ignore)


def rule_requirements() -> dict[str, str]:
    """Every check by name (structural checks first, then rules) with the requirement it is tied to."""
    return {**{name: req for name, (req, _) in STRUCTURAL.items()},
            **{name: r.requirement for name, r in REGISTRY.items()}}


@functools.cache
def _requirement_selectors() -> frozenset[str]:
    ids = set(requirements())
    return frozenset({"GR", "PR", *ids, *(i.split(".")[0] for i in ids)})


def unknown(selectors: Iterable[str], *, rules_only: bool = False) -> list[str]:
    """The selectors that name no requirement, requirement prefix or rule (only rules if ``rules_only``)."""
    names = rule_requirements()
    valid = names.keys() if rules_only else names.keys() | _requirement_selectors()
    return [s for s in selectors if s not in valid]


def suggestion(selector: str, *, rules_only: bool = False) -> str:
    """``"; did you mean 'PR2'?"`` when a known selector is close to ``selector``, else ``""``."""
    names = set(rule_requirements())
    candidates = names if rules_only else names | _requirement_selectors()
    close = [selector.upper()] if selector.upper() in candidates else (
        difflib.get_close_matches(selector, sorted(candidates), n=1))
    return f"; did you mean {close[0]!r}?" if close else ""


def describe(where: str, selectors: Iterable[str], *, rules_only: bool = False) -> list[str]:
    """A message per unknown selector found at ``where`` (an option or a config key)."""
    what = "rule" if rules_only else "requirement ID, prefix or rule"
    return [f"{where}: unknown {what} {s!r}{suggestion(s, rules_only=rules_only)}"
            for s in unknown(selectors, rules_only=rules_only)]


def problems(config: Config, origin: str) -> list[str]:
    """A message per unknown selector in ``config`` (read from ``origin``, e.g. the path of fitsm.yaml)."""
    found = describe(f"{origin}: select", config.select) + describe(f"{origin}: ignore", config.ignore)
    for glob, ids in config.per_path_ignores.items():
        found += describe(f"{origin}: per_path_ignores[{glob!r}]", ids)
    return found + describe(f"{origin}: severity", config.severity, rules_only=True)
