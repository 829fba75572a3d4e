"""JSON Schemas for editors (yaml-language-server) and other tools, generated from the kind models.

The pydantic models are the single source of truth; ``schemas/`` holds the generated files and a test
fails when they are stale (regenerate with ``fitsm schema --write schemas``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from fitsm_kit.model.base import REQUIRED, REQUIREMENT
from fitsm_kit.model.dates import DATE_PATTERN, DATETIME_PATTERN
from fitsm_kit.model.kinds import KINDS

SCHEMA_BASE_URL = "https://fitsm-kit.example/schemas/"


class _Generator(GenerateJsonSchema):
    """Dates and date-times as the checker reads them, checked by pattern in any editor.

    ``format: date-time`` requires a UTC offset, which the checker does not (a time without one is read
    in the document's time zone); and many editors treat ``format`` as a mere annotation, so a pattern
    that spells out real calendar days is what makes an editor reject 2026-02-30 as the checker does.
    """

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}

    def datetime_schema(self, schema: core_schema.DatetimeSchema) -> JsonSchemaValue:
        return {"type": "string", "pattern": DATETIME_PATTERN, "examples": ["2026-10-01T08:30", "2026-10-01T08:30Z"]}


def kind_schema(kind: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of one kind."""
    schema = KINDS[kind].model_json_schema(by_alias=True, ref_template="#/definitions/{model}",
                                           schema_generator=_Generator)
    _require_evidence(schema)
    definitions = schema.pop("$defs", None)
    out: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#",
                           "$id": f"{SCHEMA_BASE_URL}{schema_file(kind)}", **schema}
    if definitions:
        out["definitions"] = definitions
    return out


def _require_evidence(node: Any) -> None:
    """Fields a requirement needs (``evidence(...)``) are required here, though the checker parses without them.

    The checker accepts a document with such a field left out so that it can report it under its
    requirement and keep the document; an editor should flag it as missing all the same. Each one's
    description names the requirement it evidences.
    """
    if isinstance(node, list):
        for item in node:
            _require_evidence(item)
        return
    if not isinstance(node, dict):
        return
    for name, prop in (node.get("properties") or {}).items():
        if not isinstance(prop, dict) or REQUIREMENT not in prop:
            continue
        requirement, required = prop.pop(REQUIREMENT), prop.pop(REQUIRED, False)
        prop["description"] = f"{prop['description']} (FitSM-1 {requirement})" if prop.get("description") \
            else f"FitSM-1 {requirement}"
        if required:
            node.setdefault("required", []).append(name)
            prop.pop("default", None)
            options = [o for o in prop.pop("anyOf", []) if o != {"type": "null"}]
            if len(options) == 1:
                prop.update(options[0])
            elif options:
                prop["anyOf"] = options
    for value in node.values():
        _require_evidence(value)


def schema_file(kind: str) -> str:
    return f"{kind.lower()}.schema.json"


def render(kind: str) -> str:
    return json.dumps(kind_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_all(directory: Path) -> list[Path]:
    """Write every kind's schema into ``directory``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in sorted(KINDS):
        path = directory / schema_file(kind)
        text = render(kind)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)  # atomic: editors never see half a file
        written.append(path)
    return written
