"""Validate one loaded YAML document against its kind's model; what does not validate becomes findings."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from fitsm_kit.engine.collect import Collector
from fitsm_kit.errors import did_you_mean
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.sms.index import Doc
from fitsm_kit.sms.loader import YMap
from fitsm_kit.sms.positions import position


def validate(path: str, line: int, data: Any, out: Collector) -> Doc | None:
    if data is None:
        return None  # an empty document (e.g. a trailing '---') is harmless
    if not isinstance(data, YMap):
        out.add(path, (line, 1), "document-shape", f"document is a {_type_name(data)}, not a mapping",
                "write the document as apiVersion / kind / metadata / spec")
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        where = position(data, ("kind",), data.pos)
        if kind is None:
            out.add(path, where, "document-shape", "document has no 'kind'", "add e.g. 'kind: SLA'")
        else:
            out.add(path, where, "unknown-kind", f"unknown kind {kind!r}{did_you_mean(str(kind), KINDS)}",
                    f"use one of: {', '.join(sorted(KINDS))}")
        return None
    try:
        model = KINDS[kind].model_validate(data)
    except ValidationError as err:
        doc_id = raw_id(data)
        for e in err.errors(include_url=False):
            loc = tuple(e["loc"])
            field = ".".join(str(p) for p in loc)
            msg, fix = _schema_message(e["type"], e["msg"], field)
            where = position(data, loc, data.pos, at_key=e["type"] == "extra_forbidden")
            out.add(path, where, "schema", msg, fix, document=doc_id)
        return None
    return Doc(path, line, data, model)


def raw_id(data: Any) -> str:
    """The id an unvalidated document claims, so references to it are not reported as dangling too."""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    doc_id = metadata.get("id") if isinstance(metadata, dict) else None
    return doc_id if isinstance(doc_id, str) else ""


def _type_name(value: Any) -> str:
    # isinstance, not type(): the loader's YList / YInt / YFloat are subclasses; bool before int
    names = ((bool, "boolean"), (str, "string"), (list, "list"), ((int, float), "number"))
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


def _schema_message(kind: str, msg: str, field: str) -> tuple[str, str]:
    if kind == "missing":
        return f"missing required field '{field}'", f"add '{field.rsplit('.', 1)[-1]}'"
    if kind == "extra_forbidden":
        return (f"unknown field '{field}'",
                "check the spelling against 'fitsm schema KIND', or prefix custom fields with 'x-'")
    return f"{field}: {msg}", "fix the value; 'fitsm schema KIND' shows what is allowed"
