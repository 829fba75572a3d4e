"""The published JSON Schemas agree with the checker (issue 15, item 6).

Forward: documents generated from each kind's published schema (hypothesis-jsonschema, from the files in
``schemas/`` an editor is pointed at), written as YAML and read by the real loader, validate without a
single finding: no GR2.4 ``schema`` finding and no ``evidence-field`` one either.

Backward, for structure: the mistakes the checker reports as schema errors (unknown fields, wrong types,
values a pattern or a list of choices excludes) are errors in the schema too.

Two rules compare two values of a document, which JSON Schema cannot express (it has no keyword that
compares one value with another): an outage ends after it starts, a waiver expires no earlier than it
was approved. Generated documents that break them are put in order before the check (``_in_order``);
everything else a model validator says is in the schemas (``json_rules`` in the model).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import os
import re
import zoneinfo
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from pydantic import TypeAdapter

from fitsm_kit.engine.collect import Collector
from fitsm_kit.engine.validate import validate
from fitsm_kit.model import schemas
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.model.service import time_zones
from fitsm_kit.sms.loader import load_bytes

from conftest import REPO

# hypothesis describes a strategy when it reports on one (a filtered draw); ours are large schemas, which
# only makes the description long: not a problem of the test
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")
EXAMPLES_PER_KIND = int(os.environ.get("FITSM_SCHEMA_EXAMPLES", "12"))  # more for a deeper search
_DATETIME = TypeAdapter(dt.datetime)
_ANNOTATIONS = ("title", "description", "default", "examples")


def published(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((REPO / "schemas" / schemas.schema_file(kind)).read_text(encoding="utf-8"))
    return schema


def inline(schema: Any, definitions: dict[str, Any]) -> Any:
    """``schema`` with every ``$ref`` replaced by its definition (the schemas have no recursive ones)."""
    if isinstance(schema, list):
        return [inline(v, definitions) for v in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return inline(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
    out = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties"):  # maps of names to schemas
            out[key] = {name: inline(v, definitions) for name, v in value.items()}
        elif key not in (*_ANNOTATIONS, "definitions", "enum", "const"):
            out[key] = inline(value, definitions)
        elif key in ("enum", "const"):
            out[key] = value
    return out


class Documents:
    """Instances of a published schema: hypothesis-jsonschema generates every value, this puts objects together.

    hypothesis-jsonschema alone re-derives each object's strategy on every draw, which takes about a second
    per SLA; composing objects from cached per-field strategies takes milliseconds. Each object is built
    as its schema says: its required properties, some optional ones, no others (the ``x-`` extensions the
    schemas allow are left out; tests/test_rules.py covers them); object-level ``anyOf`` / ``oneOf``
    (the model validators' rules) picks a branch and adds its constraints to the properties, and the
    result is checked against the object's schema. Every document is checked against the whole published
    schema before it is used.
    """

    def __init__(self) -> None:
        self.cache: dict[str, st.SearchStrategy[Any]] = {}

    def of(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        key = json.dumps(schema, sort_keys=True)
        if key not in self.cache:
            self.cache[key] = self._build(schema)
        return self.cache[key]

    def _build(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        rules = [k for k in ("anyOf", "oneOf") if k in schema and "properties" in schema]
        if rules:
            base = {k: v for k, v in schema.items() if k not in rules}
            branches = [self._object(_with_branch(base, b)) for k in rules for b in schema[k]]
            return st.one_of(branches).filter(jsonschema.Draft7Validator(schema).is_valid)
        if "properties" in schema:
            return self._object(schema)
        if schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
            values = schema["additionalProperties"]
            return st.dictionaries(st.text(max_size=20), self.of(values), max_size=3)
        if "anyOf" in schema and any(_composite(o) for o in schema["anyOf"]):
            return st.one_of([self.of(o) for o in schema["anyOf"]])
        if schema.get("type") == "array" and _composite(schema.get("items")):
            return st.lists(self.of(schema["items"]), min_size=schema.get("minItems", 0),
                            max_size=min(schema.get("maxItems", 3), 3))
        return from_schema(schema)

    def _object(self, schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        properties, required = schema["properties"], set(schema.get("required", ()))
        return st.fixed_dictionaries({k: self.of(v) for k, v in properties.items() if k in required},
                                     optional={k: self.of(v) for k, v in properties.items() if k not in required})


def _composite(schema: Any) -> bool:
    return isinstance(schema, dict) and ("properties" in schema or "anyOf" in schema or "items" in schema
                                         or isinstance(schema.get("additionalProperties"), dict))


def _with_branch(base: dict[str, Any], branch: dict[str, Any]) -> dict[str, Any]:
    """``base`` with a branch's ``required`` and per-property keywords added.

    A branch's keyword replaces the property's own (a pattern cannot be intersected with another, and
    generating from one and filtering by the other is slow); the object is checked against its whole
    schema afterwards, so what this lets through is still valid.
    """
    properties = dict(base["properties"])
    for name, extra in branch.get("properties", {}).items():
        properties[name] = {**properties[name], **extra}
    return {**base, "properties": properties, "required": [*base.get("required", ()), *branch.get("required", ())]}


@functools.cache
def documents(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    schema = published(kind)
    return Documents().of(inline({k: v for k, v in schema.items() if k != "definitions"},
                                 schema.get("definitions", {})))


def as_yaml(document: Any) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000).encode("utf-8")


def check(document: Any) -> list[str]:
    """Every finding validation reports for ``document``, written as YAML and read by the loader."""
    loaded = load_bytes(as_yaml(document), "doc.yaml")
    assert not loaded.problems, loaded.problems
    [(line, data)] = loaded.documents
    out = Collector()
    validate("doc.yaml", line, data, out)
    return [f"{f.line}:{f.col} {f.requirement} [{f.rule}] {f.message}" for f in out.findings]


def _in_order(document: dict[str, Any]) -> dict[str, Any] | None:
    """The checks JSON Schema cannot make, put right: ends after starts, expiry after approval, key material, k of n.

    None when they cannot be (an outage that ends when it starts).
    """
    spec = document.get("spec")
    if document.get("kind") == "OutageLog" and isinstance(spec, dict):
        for outage in spec.get("outages") or []:
            start, end = _DATETIME.validate_python(outage["start"]), _DATETIME.validate_python(outage["end"])
            if start == end:
                return None
            if end < start:
                outage["start"], outage["end"] = outage["end"], outage["start"]
    if document.get("kind") == "Waiver" and isinstance(spec, dict) and spec["expires"] < spec["approved_on"]:
        spec["expires"], spec["approved_on"] = spec["approved_on"], spec["expires"]
    if document.get("kind") == "Person" and isinstance(spec, dict):
        # key material is checked by decoding it (the blob names its own type): no JSON Schema can say that
        spec.pop("signing_keys", None)
    if document.get("kind") == "Service" and isinstance(spec, dict):
        for component in spec.get("components") or []:  # k of n: k is compared with the length of a list
            if component.get("required") is not None:
                component["required"] = min(component["required"], max(len(component.get("suppliers") or []), 1))
    validity = spec.get("validity") if isinstance(spec, dict) else None  # an agreement ends no earlier than it starts
    if isinstance(validity, dict) and validity.get("end") is not None and validity["end"] < validity["start"]:
        validity["start"], validity["end"] = validity["end"], validity["start"]
    return document


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_document_valid_against_the_published_schema_passes_validation(kind: str) -> None:
    schema = published(kind)
    validator = jsonschema.Draft7Validator(schema)
    generated = documents(kind).map(copy.deepcopy).map(_in_order).filter(lambda d: d is not None)

    @settings(max_examples=EXAMPLES_PER_KIND, deadline=None, database=None, derandomize=bool(os.environ.get("CI")),
              suppress_health_check=list(HealthCheck))
    @given(generated)
    def run(document: dict[str, Any]) -> None:
        assert not list(validator.iter_errors(document))  # still valid after _in_order
        assert check(document) == [], as_yaml(document).decode()

    run()


def test_a_hash_yaml_reads_as_a_number_is_still_a_hash() -> None:
    """Found by the test above in CI: ``00…e0`` unquoted is a float in YAML 1.2, and was refused as no string."""
    sha = "0" * 62 + "e0"
    document = {"apiVersion": "fitsm.eu/v1", "kind": "ReportDelivery",
                "metadata": {"id": "d", "title": "t", "owner": "o", "status": "draft"},
                "spec": {"report": "r", "period_end": "2000-01-01", "delivered_on": "2000-01-01", "recipients": ["x"],
                         "source": {"generated_by": "g", "as_of": "2000-01-01",
                                    "files": [{"path": "p", "sha256": sha}]}}}
    assert f"sha256: {sha}\n" in as_yaml(document).decode()  # written unquoted
    assert check(document) == []


def test_the_generated_documents_vary() -> None:
    """Not only the smallest document: numbers read as text, date-times without offset and durations come up."""
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(["OutageLog", "SLA"]).flatmap(documents))
    def run(document: dict[str, Any]) -> None:
        if isinstance(document["metadata"].get("version"), float):
            seen.add("number as text")
        outages = document["spec"].get("outages") or []
        if any(re.fullmatch(r"[0-9-]+[Tt ][0-9:.]+", o["start"]) for o in outages):
            seen.add("date-time without offset")
        if any("period" in t for t in document["spec"].get("targets") or []):
            seen.add("duration")

    run()
    assert seen == {"number as text", "date-time without offset", "duration"}


def _patterns(node: Any) -> list[str]:
    """Every ``pattern`` in a schema (not a property that happens to be called so)."""
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    if not isinstance(node, dict):
        return []
    found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
    for key, value in node.items():
        named = key in ("properties", "patternProperties", "definitions") and isinstance(value, dict)
        found += [p for child in (value.values() if named else [value]) for p in _patterns(child)]
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_pattern_is_anchored_once_at_both_ends(kind: str) -> None:
    """``^…$`` around the whole pattern, nowhere else: then ECMA-262 (editors), Rust (pydantic) and a search
    without a trailing newline (Python, hypothesis-jsonschema) agree; ``^a$|^b$`` let ``"b\n"`` through in
    Python's jsonschema while the checker rejected it."""
    for pattern in _patterns(published(kind)):
        outside_classes = re.sub(r"\\.|\[(\\.|[^\]])*\]", "", pattern)
        assert outside_classes.startswith("^") and outside_classes.endswith("$"), pattern
        assert outside_classes.count("^") == 1 and outside_classes.count("$") == 1, pattern


def _slots(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where a value sits in a document: every key of every mapping and every list item (not the top level)."""
    found: list[tuple[Any, ...]] = [path] if path else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    return found + [p for key, value in children for p in _slots(value, (*path, key))]


def _objects(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return [p for p in [(), *_slots(node)] if isinstance(_at(node, p), dict)]


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_structural_mistake_is_an_error_in_the_schema_and_in_the_checker(kind: str) -> None:
    """An unknown field, or a list or mapping where the schema has something else: both reject it, or neither
    (a free-form mapping such as labels takes any key; a list replaced by a list is no mistake)."""
    validator = jsonschema.Draft7Validator(published(kind))
    generated = documents(kind).map(copy.deepcopy).map(_in_order).filter(lambda d: d is not None)

    @settings(max_examples=max(EXAMPLES_PER_KIND // 2, 4), deadline=None, database=None,
              derandomize=bool(os.environ.get("CI")), suppress_health_check=list(HealthCheck))
    @given(generated, st.data())
    def run(document: dict[str, Any], data: st.DataObject) -> None:
        mistake = data.draw(st.sampled_from(["unknown field", "list", "mapping"]))
        if mistake == "unknown field":
            where = data.draw(st.sampled_from(_objects(document)))
            _at(document, where)["colour"] = "blue"
        else:
            where = data.draw(st.sampled_from([p for p in _slots(document) if p[0] != "kind"]))
            _at(document, where[:-1])[where[-1]] = [{"a": 1}] if mistake == "list" else {"a": [1]}
        in_schema = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
        in_checker = check(document)
        assert bool(in_schema) == bool(in_checker), (mistake, where, in_schema, in_checker)

    run()


def test_every_time_zone_the_schemas_list_is_one_the_checker_accepts() -> None:
    """The schemas list data/timezones.txt; each must load here, or an editor would accept what the checker rejects."""
    zones = time_zones()
    assert len(zones) > 400 and "Europe/Berlin" in zones and "UTC" in zones
    for zone in zones:
        zoneinfo.ZoneInfo(zone)
    assert published("SLA")["definitions"]["Hours"]["properties"]["timezone"]["enum"] == zones
