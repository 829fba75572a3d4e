"""Resolve the references between documents; one that names nothing (or the wrong kind) is a finding."""

from __future__ import annotations

from fitsm_kit.engine.collect import Collector
from fitsm_kit.sms.index import Sms, references
from fitsm_kit.sms.positions import position


def check_references(sms: Sms, out: Collector) -> None:
    for doc in sms.docs:
        for ref in references(doc.model):
            target = sms.by_id.get(ref.target)
            kinds = ref.ref.kinds
            if (target is not None and (not kinds or target.kind in kinds)) or ref.target in sms.invalid_ids:
                continue  # resolved, or its target is already reported as invalid
            expected = " or ".join(kinds) if kinds else "document"
            if target is None:
                message = f"{ref.target!r} does not name any {expected} in the SMS"
            else:
                message = f"{ref.target!r} is a {target.kind}, expected {expected}"
            out.add(doc.path, position(doc.raw, ref.loc), "unresolved-reference", message,
                    f"use the id of an existing {expected}", requirement=ref.ref.requirement, document=doc.id)
