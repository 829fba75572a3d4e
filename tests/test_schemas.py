from __future__ import annotations

import datetime as dt
import json
import re
import typing
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from fitsm_kit.model import schemas
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.scaffold.templating import kebab
from fitsm_kit.sms.loader import load_file

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


def exported(kind: str) -> dict[str, Any]:
    """The schema file an editor is pointed at, checked to be a valid draft-07 schema."""
    schema: dict[str, Any] = json.loads((REPO / "schemas" / schemas.schema_file(kind)).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def example_documents() -> list[tuple[str, int, Any]]:
    """Every document of examples/acme (both YAML suffixes), with its file and line."""
    acme = EXAMPLES / "acme"
    paths = sorted(p for p in acme.rglob("*") if p.suffix in (".yaml", ".yml") and p.name != "fitsm.yaml")
    return [(p.relative_to(acme).as_posix(), line, data) for p in paths
            for line, data in load_file(p, p.name).documents if data is not None]


@pytest.mark.parametrize("where, line, data", example_documents(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_examples_validate_against_exported_schemas(where: str, line: int, data: Any) -> None:
    """What yaml-language-server does with a modeline: a plain draft-07 validator, plain JSON values."""
    errors = list(jsonschema.Draft7Validator(exported(data["kind"])).iter_errors(plain(data)))
    assert not errors, [f"{where}:{line}: {e.json_path}: {e.message}" for e in errors]


def test_every_kind_of_the_example_was_validated() -> None:
    kinds = {data["kind"] for _, _, data in example_documents()}
    assert len(kinds) >= 25, "the example exercises most kinds, so the test above covers most schemas"
    assert kinds <= set(KINDS)


def test_an_editor_sees_typos_and_wrong_values() -> None:
    """The exported schemas reject what fitsm check rejects as 'schema' findings, so editors flag it early."""
    _, _, sla = next(d for d in example_documents() if d[2]["kind"] == "SLA")
    validator = jsonschema.Draft7Validator(exported("SLA"))
    typo = plain(sla)
    typo["metadata"]["ownr"] = typo["metadata"].pop("owner")
    messages = [e.message for e in validator.iter_errors(typo)]
    assert "'owner' is a required property" in messages and any("'ownr'" in m for m in messages), messages
    wrong = plain(sla)
    wrong["metadata"]["status"] = "finished"
    assert any(list(e.absolute_path) == ["metadata", "status"] for e in validator.iter_errors(wrong))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schemas_use_no_keywords_newer_than_draft_07(kind: str) -> None:
    """yaml-language-server supports draft-07 and below; newer keywords would be silently ignored."""
    text = (REPO / "schemas" / schemas.schema_file(kind)).read_text(encoding="utf-8")
    for keyword in ("$defs", "prefixItems", "unevaluatedProperties", "$dynamicRef", "dependentRequired"):
        assert f'"{keyword}"' not in text
    assert exported(kind)["$schema"] == "http://json-schema.org/draft-07/schema#"


def _models(cls: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """``cls`` and every model its fields use, however nested in lists, unions and Annotated."""
    if cls not in seen:
        seen.add(cls)
        for info in cls.model_fields.values():
            stack: list[Any] = [info.annotation]
            while stack:
                annotation = stack.pop()
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    _models(annotation, seen)
                stack.extend(typing.get_args(annotation))
    return seen


# a field written in a template with a comment after it: `  key: value   # what it is`
_COMMENTED = re.compile(r"^\s*(?:- )?\{?([a-z_]+):[^#]*#\s*\S")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_field_a_template_explains_carries_a_description_for_editor_hover(kind: str) -> None:
    """What the template comment explains, the schema's description says too (editors show it on hover)."""
    templates = REPO / "templates" / "documents"
    text = (templates / "_header.yaml.j2").read_text() + (templates / f"{kebab(kind)}.yaml.j2").read_text()
    models = _models(KINDS[kind], set())
    undescribed = []
    for line in text.splitlines():
        match = _COMMENTED.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        key = match.group(1)
        fields = [f for m in models for name, f in m.model_fields.items() if (f.alias or name) == key]
        assert fields, f"{kind}: the template names '{key}', which no model field has"
        undescribed += [key for f in fields if not f.description]
    assert not undescribed, f"{kind}: add a description to {sorted(set(undescribed))}"
