"""JSON Schemas for editors (yaml-language-server) and other tools, generated from the kind models.

The pydantic models are the single source of truth; ``schemas/`` holds the generated files and a test
fails when they are stale (regenerate with ``fitsm schema --write schemas``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fitsm_kit.model.kinds import KINDS

SCHEMA_BASE_URL = "https://fitsm-kit.example/schemas/"


def kind_schema(kind: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of one kind."""
    schema = KINDS[kind].model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", None)
    out: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#",
                           "$id": f"{SCHEMA_BASE_URL}{schema_file(kind)}", **schema}
    if definitions:
        out["definitions"] = definitions
    return out


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
