"""Validate one loaded YAML document against its kind's model; what does not validate becomes findings.

A document is never dropped for one bad field. When the strict model rejects it, the offending values
are cut out (the field itself where it is optional, else the list item or optional part that holds it)
and the rest is validated again, so the document still takes part in every rule with what is valid in
it. Each mistake is reported under the requirement its field evidences (``evidence`` in the model);
only what no requirement claims is a GR2.4 schema error. Only a document whose envelope itself is
broken (no id, no kind, no status) is left out; its id still counts as defined.
"""

from __future__ import annotations

import functools
import types
import typing
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from fitsm_kit.engine.collect import KEPT_PER_DOCUMENT, SHOWN_PER_DOCUMENT, Collector
from fitsm_kit.errors import did_you_mean
from fitsm_kit.model.base import REQUIRED, REQUIREMENT, Envelope
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.sms.index import Doc
from fitsm_kit.sms.loader import YMap
from fitsm_kit.sms.positions import position

Loc = tuple[str | int, ...]
_MAX_ROUNDS = 8  # each round cuts at least one value; a document needs more only when it is mostly wrong


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
            out.add(path, where, "document-shape", *_no_kind(data))
        else:
            out.add(path, where, "unknown-kind", f"unknown kind {kind!r}{did_you_mean(str(kind), KINDS)}",
                    f"use one of: {', '.join(sorted(KINDS))}")
        return None
    cls = KINDS[kind]
    doc_id = raw_id(data)
    reported: set[Loc] = set()
    cut: list[Loc] = []
    unknown: set[Loc] = set()  # unknown keys cut out: the model never held them, so nothing it holds is missing
    current: Any = data
    for _ in range(_MAX_ROUNDS):
        try:
            model = cls.model_validate(current)
        except ValidationError as err:
            if err.error_count() > KEPT_PER_DOCUMENT:  # mostly wrong (an alias bomb): no rounds of cutting
                out.add(path, data.pos, "schema", f"document has {err.error_count()} schema errors; it is not "
                        "checked further", "fix the document's structure (see its first errors)", document=doc_id)
                for e in err.errors(include_url=False)[:SHOWN_PER_DOCUMENT]:
                    _report(out, path, data, cls, tuple(e["loc"]), e["type"], e["msg"], doc_id)
                return None
            cuts = []
            for e in err.errors(include_url=False):
                loc = tuple(e["loc"])
                if not _follows_from_cut(loc, cut):
                    _report(out, path, data, cls, loc, e["type"], e["msg"], doc_id)
                reported.add(loc)
                cuts.append(_cut_point(cls, loc, e["type"]))
                if e["type"] == "extra_forbidden" and cuts[-1] == loc:
                    unknown.add(loc)
            if not cls.lenient or any(cut is None for cut in cuts):
                return None  # all or nothing (a waiver), or the envelope itself is broken: nothing to keep
            cut += [c for c in cuts if c is not None]
            current = _without(_plain(current), [c for c in cuts if c is not None])
            continue
        _report_missing(out, path, data, cls, model, reported, doc_id)
        return Doc(path, line, data, model, tuple(c for c in cut if c not in unknown))
    return None


def _follows_from_cut(loc: Loc, cut: list[Loc]) -> bool:
    """Whether an error at ``loc`` only arose from cutting out what holds an invalid value below it.

    Five invalid weekdays cut out of a support window leave its ``days`` empty ("at least 1 item"), that
    window cut leaves ``hours`` with none ("set either always or windows"): each would be a finding about
    a mistake the first one already names, and the second untrue (the hours were stated). An error that
    the first round hid behind the invalid values may be lost this way until they are fixed; it shows then.
    """
    return any(c[:len(loc)] == loc for c in cut)


def _no_kind(data: YMap) -> tuple[str, str]:
    """The message and fix for a document without ``kind``: written in other case, or no SMS document at all."""
    written = next((k for k in data if k.lower() == "kind"), None)
    if written is not None:
        return f"document has no 'kind' (it has {written!r}; keys are lower case)", f"write 'kind' for {written!r}"
    if "apiVersion" not in data:  # not written as an SMS document: a Compose file, a playbook
        return ("document has no 'kind' (nor 'apiVersion')",
                "if this file is not part of the SMS (a CI or tool configuration), list it under 'exclude' in "
                "fitsm.yaml; otherwise add 'apiVersion: fitsm.eu/v1' and e.g. 'kind: SLA'")
    return "document has no 'kind'", "add e.g. 'kind: SLA'"


def raw_id(data: Any) -> str:
    """The id an unvalidated document claims, so references to it are not reported as dangling too."""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    doc_id = metadata.get("id") if isinstance(metadata, dict) else None
    return doc_id if isinstance(doc_id, str) else ""


@dataclass(frozen=True)
class Step:
    """One part of a location in a document, as the model sees it."""

    part: str | int
    field: FieldInfo | None  # the model field this part names; None for list items, dict keys, unknown keys


def steps(cls: type[BaseModel], loc: Loc) -> list[Step]:
    """The parts of ``loc`` with the model field each names (pydantic's union tags left out)."""
    out: list[Step] = []
    candidates: list[Any] = [cls]  # what the model allows at this point of the path
    for part in loc:
        if isinstance(part, int):
            out.append(Step(part, None))
            candidates = [a for t in candidates for a in _items(t)]
            continue
        model = next((t for t in candidates if _is_model(t) and _field(t, part) is not None), None)
        if model is not None:
            info = _field(model, part)
            out.append(Step(part, info))
            candidates = _members(info.annotation if info is not None else None)
        elif any(_is_dict(t) for t in candidates):
            out.append(Step(part, None))
            candidates = [a for t in candidates if _is_dict(t) for a in _members(typing.get_args(t)[1])]
        elif len([t for t in candidates if t is not type(None)]) > 1 or not candidates:
            continue  # a union member's tag (e.g. 'str', 'function-after[...]'): not part of the document
        else:
            out.append(Step(part, None))  # a key the model does not have (an unknown field)
            candidates = []
    return out


def field_requirement(cls: type[Envelope], loc: Loc, raw: Any) -> tuple[str, FieldInfo] | None:
    """The requirement the innermost evidence field around ``loc`` evidences, and that field; None if none."""
    for i, step in reversed(list(enumerate(steps(cls, loc)))):
        extra = step.field.json_schema_extra if step.field is not None else None
        if isinstance(extra, dict) and REQUIREMENT in extra:
            if i == 1 and step.part == "owner" and loc[0] == "metadata":
                return cls.owner_requirement, step.field  # type: ignore[return-value]
            return cls.evidence_requirement(str(extra[REQUIREMENT]), raw, loc), step.field  # type: ignore[return-value]
    return None


def _report(out: Collector, path: str, raw: YMap, cls: type[Envelope], loc: Loc, kind: str, msg: str,
            doc_id: str) -> None:
    field = ".".join(str(s.part) for s in steps(cls, loc)) or ".".join(map(str, loc))
    where = position(raw, loc, raw.pos, at_key=kind == "extra_forbidden")
    message, fix = _schema_message(kind, msg, field)
    claimed = field_requirement(cls, loc, raw) if kind != "extra_forbidden" else None
    if claimed is None:
        out.add(path, where, "schema", message, fix, document=doc_id)
    else:
        requirement, info = claimed
        out.add(path, where, "evidence-field", message, _evidence_fix(fix, info), requirement=requirement,
                document=doc_id)


def _report_missing(out: Collector, path: str, raw: YMap, cls: type[Envelope], model: Envelope,
                    reported: set[Loc], doc_id: str) -> None:
    """Each required evidence field left out (or cut out as invalid, already reported) of the document."""
    for part in ("metadata", "spec"):
        section = getattr(model, part)
        if not isinstance(section, BaseModel):
            continue
        for name, info, stand_in in _required_evidence(type(section)):
            if getattr(section, name) is not None:
                continue
            if stand_in is not None and getattr(section, stand_in):
                continue  # another field stands in for it (an OLA template's signatories)
            key = info.alias or name
            if any(loc[:2] == (part, key) for loc in reported):
                continue  # its invalid value is already reported; it was cut out
            claimed = field_requirement(cls, (part, key), raw)
            assert claimed is not None
            what = info.description or key
            out.add(path, position(raw, (part, key), raw.pos), "evidence-field",
                    f"{cls.__name__} has no '{part}.{key}' ({claimed[0]} asks for it)",
                    f"add {key}: {what[0].lower()}{what[1:]}", requirement=claimed[0], document=doc_id)


@functools.cache
def _required_evidence(cls: type[BaseModel]) -> tuple[tuple[str, FieldInfo, str | None], ...]:
    """The required evidence fields of a model (once per class, not per document): each field's name, its
    info, and the field that may stand in for it."""
    stand_ins: dict[str, str] = getattr(cls, "alternatives", {})
    return tuple((name, info, stand_ins.get(name)) for name, info in cls.model_fields.items()
                 if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(REQUIRED))


def _evidence_fix(fix: str, info: FieldInfo) -> str:
    return f"{fix} ({info.description})" if info.description else fix


def _cut_point(cls: type[Envelope], loc: Loc, kind: str) -> Loc | None:
    """Where to cut the document so that the error at ``loc`` goes away: the nearest optional part.

    None when only the envelope could go (an id or status that is wrong or missing).
    """
    found = steps(cls, loc)
    if kind == "extra_forbidden" and found and found[-1].field is None:
        return loc[:len(found)]  # an unknown key: remove just it
    for i in range(len(found) - 1, 0, -1):  # never the top-level apiVersion, kind, metadata or spec
        step = found[i]
        if kind == "missing" and i == len(found) - 1:
            continue  # what is missing cannot be cut; its holder can
        if step.field is None or not step.field.is_required():
            return tuple(s.part for s in found[:i + 1])
    return None


def _without(data: Any, cuts: list[Loc]) -> Any:
    """``data`` (plain, a copy) with the values at ``cuts`` removed; later list items first, so indices hold."""
    for cut in sorted(set(cuts), key=_order, reverse=True):
        parent = data
        for part in cut[:-1]:
            parent = _child(parent, part)
        last = cut[-1]
        if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            del parent[last]
        elif isinstance(parent, dict):
            parent.pop(last, None)
    return data


def _order(cut: Loc) -> tuple[tuple[int, Any], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in cut)


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _plain(data: Any) -> Any:
    """A copy of loaded data as plain dicts and lists (the original keeps its positions for findings)."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _members(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: ``list[X] | None`` → [list[X], NoneType]; Annotated unwrapped."""
    if annotation is None:
        return []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    return [annotation]


def _items(annotation: Any) -> Iterator[Any]:
    if typing.get_origin(annotation) in (list, tuple):
        for arg in typing.get_args(annotation)[:1]:
            yield from _members(arg)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_dict(annotation: Any) -> bool:
    return typing.get_origin(annotation) is dict


def _field(model: type[BaseModel], part: str) -> FieldInfo | None:
    info = model.model_fields.get(part)
    if info is not None:
        return info
    return next((f for f in model.model_fields.values() if f.alias == part), None)


def _type_name(value: Any) -> str:
    # isinstance, not type(): the loader's YList / YInt / YFloat are subclasses; bool before int
    names = ((bool, "boolean"), (str, "string"), (list, "list"), ((int, float), "number"))
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")  # bidi controls are shown escaped by fitsm_kit.escape


def _invisible(text: str) -> list[str]:
    """The characters of ``text`` that show as a blank or as nothing, other than the plain space (a no-break
    or narrow no-break space, a zero-width space or joiner): a key holding one looks right and is not."""
    return [c for c in dict.fromkeys(text) if c != " " and (unicodedata.category(c) == "Zs" or c in _ZERO_WIDTH)]


def _schema_message(kind: str, msg: str, field: str) -> tuple[str, str]:
    if kind == "missing":
        return f"missing required field '{field}'", f"add '{field.rsplit('.', 1)[-1]}'"
    if kind == "extra_forbidden":
        hidden = _invisible(field)
        if hidden:  # 'owner\u00a0': French typography puts a no-break space before a colon; it looks like a blank
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in hidden)
            return (f"unknown field '{field}'",
                    f"the name holds {names}, which looks like a blank or nothing: type the name again")
        return (f"unknown field '{field}'",
                "check the spelling against 'fitsm schema KIND', or prefix custom fields with 'x-'")
    if kind == "date_from_datetime_inexact":  # a YAML 1.1 timestamp (2026-01-19 10:15:00) where a day is asked
        return (f"{field}: a date written with a time of day; this field holds a day",
                "write the day alone, as YYYY-MM-DD")
    return f"{field}: {msg}", "fix the value; 'fitsm schema KIND' shows what is allowed"
