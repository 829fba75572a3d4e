"""Resolve the references between documents; one that names nothing (or the wrong kind) is a finding.

A dangling reference in a field that evidences a requirement (a service's owner, a customer's
relationship manager) is reported under that requirement: the person is missing where PR1.1 or PR7.2
needs one. Other references carry the requirement of their kind of target.
"""

from __future__ import annotations

from fitsm_kit.engine.collect import Collector
from fitsm_kit.engine.validate import field_requirement
from fitsm_kit.rules.placeholders import PLACEHOLDER
from fitsm_kit.sms.index import Sms
from fitsm_kit.sms.positions import position


def check_references(sms: Sms, out: Collector) -> list[tuple[str, str]]:
    """Report the references that name nothing; return the requirements of those whose target could not be
    read, with why: whether they hold is not known, so those requirements are not shown as satisfied."""
    held_back: dict[tuple[str, str], list[str]] = {}  # (requirement, why) -> the documents that name the target
    for doc, ref, target in sms.unresolved():
        kinds = ref.ref.kinds
        claimed = field_requirement(type(doc.model), ref.loc, doc.raw)
        requirement = claimed[0] if claimed else ref.ref.requirement
        # defined in a document that could not be read (reported where it is broken), or may be
        why = sms.maybe_unread(ref.target, *kinds)
        if why is not None:
            held_back.setdefault((requirement, why), []).append(doc.id)
            continue
        expected = " or ".join(kinds) if kinds else "document"
        if target is None and PLACEHOLDER.match(ref.target):
            message = f"still to be filled in: {ref.target!r} is a placeholder, not the id of a {expected}"
        elif target is None:
            message = f"{ref.target!r} does not name any {expected} in the SMS"
        else:
            message = f"{ref.target!r} is a {target.kind}, expected {expected}"
        out.add(doc.path, position(doc.raw, ref.loc), "unresolved-reference", message,
                f"use the id of an existing {expected}", requirement=requirement, document=doc.id)
    return [(requirement, f"{why} (named by {_some(names)})") for (requirement, why), names in held_back.items()]


def _some(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and 3 more``: the documents that name a target, briefly."""
    names = list(dict.fromkeys(names))
    if len(names) <= 2:
        return " and ".join(names)
    return f"{names[0]}, {names[1]} and {len(names) - 2} more"
