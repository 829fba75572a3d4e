from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fitsm_kit import schemas
from fitsm_kit.loader import load_file
from fitsm_kit.model import KINDS

from conftest import EXAMPLES, REPO


def test_schemas_are_up_to_date() -> None:
    stale = [k for k in KINDS if (REPO / "schemas" / schemas.schema_file(k)).read_text() != schemas.render(k)]
    assert not stale, "regenerate with: fitsm schema --write schemas"
    assert len(list((REPO / "schemas").glob("*.schema.json"))) == len(KINDS)


def plain(value: Any) -> Any:
    """What an editor's YAML language server hands the validator: plain JSON values."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", sorted((EXAMPLES / "acme").rglob("*.yaml")), ids=lambda p: p.name)
def test_examples_validate_against_exported_schemas(path: Path) -> None:
    if path.name == "fitsm.yaml":
        return
    for _, data in load_file(path, path.name).documents:
        schema = jsonschema.Draft7Validator.check_schema  # the schemas themselves are valid draft-07
        exported = (REPO / "schemas" / schemas.schema_file(data["kind"])).read_text()
        import json

        loaded = json.loads(exported)
        schema(loaded)
        errors = list(jsonschema.Draft7Validator(loaded).iter_errors(plain(data)))
        assert not errors, [e.message for e in errors]
