"""The EOSC EU Node service profile v3: its JSON Schema, and record files read with positions.

A record is a *service bundle*: ``{id, service: {...}}``. A file holds one record (YAML or JSON, as
EOSC nodes keep them), several (YAML documents separated by ``---``, a JSON list) or a page of the EOSC
catalogue API (``{total, from, to, results: [...]}``). YAML files are read with the SMS loader (YAML
1.2, bounded, positions); JSON files with :mod:`json` (duplicate keys refused), taking positions from
the loader where it reads the same data. A file that does not parse is a :class:`FitsmError` naming the
file and line; a record that does not follow the profile is a :class:`RecordProblem`, and the rest of
the records go on. A field the profile does not have is not a problem: real records carry such fields
(EGI's records add ``classification``), and the import keeps them (:func:`unknown_fields` finds them).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from fitsm_kit.errors import FitsmError, did_you_mean
from fitsm_kit.sms.loader import LoadProblem, YList, YMap, load_bytes, read_file
from fitsm_kit.sms.positions import position

SCHEMA_FILE = "data/eosc-service-v3.schema.json"
SUFFIXES = (".yaml", ".yml", ".json")
MAX_ERRORS = 5  # per record: the first few say what is wrong; the rest follow once they are fixed


@functools.cache
def schema() -> dict[str, Any]:
    """The profile's JSON Schema (draft-07), shipped with fitsm-kit."""
    text = resources.files("fitsm_kit").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return dict(json.loads(text))


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    """The profile less its ``additionalProperties: false``: fields it does not have are carried, not errors."""
    return jsonschema.Draft7Validator(_open(schema()))


def _open(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _open(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(node, list):
        return [_open(v) for v in node]
    return node


def service_fields() -> list[str]:
    """The service's fields in the profile's order (exports write them in this order)."""
    return list(schema()["definitions"]["service"]["properties"])


def required_fields() -> set[str]:
    return set(schema()["definitions"]["service"]["required"])


def vocabulary(*path: str) -> list[str]:
    """The enumeration at ``path`` below the schema's definitions, e.g. ``("categoryEntry", "category")``."""
    node: Any = schema()["definitions"][path[0]]
    for part in path[1:]:
        node = node["properties"][part]
    node = node.get("items", node)
    for option in node.get("anyOf", [node]):  # nullable: the enumeration is the non-null option
        if "enum" in option:
            return list(option["enum"])
        if "items" in option and "enum" in option["items"]:
            return list(option["items"]["enum"])
    raise KeyError(path)


@dataclass(frozen=True)
class Record:
    """One EOSC record from a file: its data (plain JSON types) and where it is."""

    source: str  # the file, as given on the command line
    line: int
    data: dict[str, Any]
    raw: Any = None  # the loaded node with positions, where there is one

    def where(self, loc: Sequence[str | int] = ()) -> str:
        """``file:line:col`` of ``loc`` inside the record (the record's own line where positions are not known)."""
        line, col = position(self.raw, loc, (self.line, 1)) if self.raw is not None else (self.line, 1)
        return f"{self.source}:{line}:{col}"

    @property
    def service_id(self) -> str:
        return str(self.data["service"]["id"])


@dataclass(frozen=True)
class RecordProblem:
    """A record that was left out, and why (``file:line:col: message``)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def plain(value: Any) -> Any:
    """Loaded data as plain JSON types: YAML mappings and lists become dicts and lists, numbers stay numbers."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def unknown_fields(data: Any) -> list[tuple[str | int, ...]]:
    """Where ``data`` (a record that passes :func:`check`) has a field the profile does not: its paths, e.g.
    ``("service", "classification")`` or ``("service", "categories", 0, "note")``, in the record's order."""
    return _unknown(schema(), data, ())


def _unknown(node: dict[str, Any], value: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    while "$ref" in node:  # "#/definitions/NAME", the only kind of reference the profile uses
        node = schema()["definitions"][node["$ref"].rsplit("/", 1)[-1]]
    for option in node.get("anyOf", []):  # a nullable field: the option of the value's type
        if option.get("type") in ("object", "array") or "$ref" in option:
            found = _unknown(option, value, path)
            if found or isinstance(value, (dict, list)):
                return found
    if isinstance(value, dict) and "properties" in node:
        known = node["properties"]
        return [p for key, item in value.items()
                for p in ([(*path, key)] if key not in known else _unknown(known[key], item, (*path, key)))]
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [p for i, item in enumerate(value) for p in _unknown(node["items"], item, (*path, i))]
    return []


def input_files(paths: Sequence[Path]) -> list[Path]:
    """The record files ``paths`` name: files as given, directories' ``*.yaml``/``*.yml``/``*.json`` files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")
                           and (p.is_file() or p.is_symlink()))
            if not found:
                raise FitsmError(f"{path}: no EOSC records (*.yaml, *.yml or *.json files) in this directory")
            files.extend(found)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise FitsmError(f"{path}: no such file or directory (name EOSC record files or a directory of them)")
    return files


def read_records(path: Path) -> tuple[list[Record], list[RecordProblem]]:
    """The records in one file, and the documents in it that are not records.

    Raises :class:`FitsmError` (exit 2) when the file cannot be read or does not parse, naming the line.
    """
    data = read_file(path)
    if isinstance(data, LoadProblem):
        raise FitsmError(f"{path}:{data.line}: {data.message} ({data.fix})")
    loaded = load_bytes(data, str(path))
    if path.suffix == ".json":
        doc = _json(path, data)
        documents = [(1, doc, _json_positions(loaded, doc))]
    else:
        if loaded.problems:
            p = loaded.problems[0]
            raise FitsmError(f"{path}:{p.line}:{p.col}: not valid YAML: {p.message} ({p.fix})")
        documents = [(line, plain(doc), doc) for line, doc in loaded.documents]
    records: list[Record] = []
    problems: list[RecordProblem] = []
    for line, doc, raw in documents:
        for item_line, item, item_raw in _records_in(line, doc, raw):
            if isinstance(item, dict) and "service" in item:
                records.append(Record(str(path), item_line, item, item_raw))
            else:
                problems.append(RecordProblem(f"{path}:{item_line}:1", "not an EOSC service record (a mapping with "
                                              "'id' and 'service', a list of them or a page with 'results')"))
    return records, problems


def _records_in(line: int, doc: Any, raw: Any) -> Iterator[tuple[int, Any, Any]]:
    """The records a document holds: itself, the items of a list, or the ``results`` of an API page."""
    if doc is None:
        return  # an empty document (only comments)
    if isinstance(doc, dict) and "service" not in doc and isinstance(doc.get("results"), list):
        raw = raw.get("results") if isinstance(raw, YMap) else None
        doc = doc["results"]
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            item_raw = raw[i] if isinstance(raw, YList) else None
            yield (raw.item_pos[i][0] if isinstance(raw, YList) else line), item, item_raw
        return
    yield (raw.pos[0] if isinstance(raw, YMap) else line), doc, raw


def _json(path: Path, data: bytes) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen[key] = value
        return seen

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise FitsmError(f"{path}:{line}: not UTF-8 text (save it as UTF-8)") from None

    def no_constants(name: str) -> Any:  # NaN and Infinity: Python reads them, JSON has no such numbers
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except json.JSONDecodeError as e:
        raise FitsmError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    except ValueError as e:  # a duplicate key or NaN; json does not say where
        raise FitsmError(f"{path}: not valid JSON: {e}") from None
    except RecursionError:
        raise FitsmError(f"{path}: nested too deeply to read") from None


def _json_positions(loaded: Any, doc: Any) -> Any:
    """The loader's reading of a JSON file, for positions, where it reads the same data (else None)."""
    if loaded.problems or len(loaded.documents) != 1 or plain(loaded.documents[0][1]) != doc:
        return None
    return loaded.documents[0][1]


def check(record: Record) -> list[RecordProblem]:
    """What in ``record`` does not follow the profile, at its position (at most :data:`MAX_ERRORS`).

    The fields missing from one mapping are one problem.
    """
    errors = sorted(_validator().iter_errors(record.data), key=lambda e: [str(p) for p in e.absolute_path])
    missing: dict[tuple[str | int, ...], list[str]] = {}
    found = []
    for error in errors:
        if error.validator == "required":
            missing.setdefault(tuple(error.absolute_path), []).append(str(error.message).split("'")[1])
            continue
        loc, message = explain(error)
        found.append(RecordProblem(record.where(loc), message))
    for holder, names in missing.items():
        path = ".".join(str(p) for p in holder) or "the record"
        fields = ", ".join(repr(n) for n in names)
        verb = "is" if len(names) == 1 else "are"
        message = f"{path}: {fields} {verb} required by the EOSC service profile v3"
        found.append(RecordProblem(record.where(holder), message))
    return found[:MAX_ERRORS]


def explain(error: jsonschema.ValidationError) -> tuple[list[str | int], str]:
    """One schema error in words: where it is, the field's path and what the profile wants there."""
    error = _deepest(error)
    loc: list[str | int] = list(error.absolute_path)
    path = ".".join(str(p) for p in loc) or "the record"
    kind, value = error.validator, error.instance
    if kind == "enum":
        close = did_you_mean(str(value), error.validator_value)
        return loc, f"{path}: {_short(value)} is not in the profile's vocabulary{close}"
    if kind == "pattern":
        what = "an e-mail address" if "@" in str(error.validator_value) else "an absolute URL (https://…)"
        return loc, f"{path}: {_short(value)} is not {what}"
    if kind in ("minItems", "minLength"):
        return loc, f"{path}: must not be empty"
    if kind == "type":
        return loc, f"{path}: {_short(value)} is not {_article(error.validator_value)}"
    return loc, f"{path}: {error.message}"


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For a nullable field (``anyOf`` [the type, null]), the error of the option that is not null."""
    while error.validator == "anyOf" and error.context:
        options = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        if not options:
            break
        error = min(options, key=lambda e: len(list(e.relative_schema_path)))
    return error


def _article(expected: Any) -> str:
    names = {"string": "a text", "array": "a list", "object": "a mapping", "null": "empty"}
    options = expected if isinstance(expected, list) else [expected]
    return " or ".join(names.get(str(o), str(o)) for o in options)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"
