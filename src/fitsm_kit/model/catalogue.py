"""The FitSM-1 requirement catalogue (GR1.1 … PR8.4), shipped as data with its attribution."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(frozen=True)
class Requirement:
    id: str
    group: str
    group_title: str
    text: str
    items: tuple[str, ...] = ()

    @property
    def full_text(self) -> str:
        return "\n".join([self.text, *(f"  - {item}" for item in self.items)])


@functools.cache
def _data() -> dict[str, object]:
    text = resources.files("fitsm_kit").joinpath("data/requirements.yaml").read_text(encoding="utf-8")
    data: dict[str, object] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


@functools.cache
def requirements() -> dict[str, Requirement]:
    """All 52 requirements by ID, in catalogue order."""
    entries = _data()["requirements"]
    assert isinstance(entries, list)
    return {e["id"]: Requirement(e["id"], e["group"], e["group_title"], e["text"], tuple(e.get("items", [])))
            for e in entries}


def attribution() -> str:
    return str(_data()["attribution"])


def matches(rule_or_requirement: str, selector: str) -> bool:
    """Dotted-prefix match: ``PR1`` selects PR1.1–PR1.4 and never PR10; ``GR`` / ``PR`` a whole family."""
    if selector in ("GR", "PR"):
        return rule_or_requirement[:2] == selector and rule_or_requirement[2:3].isdigit()
    return rule_or_requirement == selector or rule_or_requirement.startswith(selector + ".")
