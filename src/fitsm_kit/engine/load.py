"""Load an SMS: read its files, parse YAML with positions, validate each document and index it."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fitsm_kit.engine.collect import Collector
from fitsm_kit.engine.validate import raw_id, validate
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.discovery import Source, read_sources
from fitsm_kit.sms.index import Sms
from fitsm_kit.sms.loader import as_utf8, load_bytes
from fitsm_kit.sms.positions import position


def load_sms(root: Path, config: Config, as_of: dt.date, out: Collector,
             sources: list[Source] | None = None) -> tuple[Sms, int]:
    """Read every file into the SMS index; what cannot be read becomes findings in ``out``.

    ``sources``: the files as the caller already read them (the CLI hashes them for the result cache).
    """
    sms = Sms(config=config, as_of=as_of)
    if sources is None:
        sources = read_sources(root, config.exclude)
    for source in sources:
        if source.data is None:
            assert source.refused is not None
            rule, problem = source.refused
            out.add(source.rel, (problem.line, problem.col), rule, problem.message, problem.fix)
            continue
        loaded = load_bytes(source.data, source.rel)
        for p in loaded.problems:
            out.add(source.rel, (p.line, p.col), "yaml-syntax", p.message, p.fix)
        if loaded.problems:  # ids this file defines are not missing: the file is broken (one finding, above)
            text = as_utf8(source.data)  # a UTF-16 file is refused, but what it holds can still be told
            # reading resumes at the next '---': the documents read are not lost, the others are
            parsed = [data for _, data in loaded.documents if isinstance(data, dict)]
            lost = Counter(_known(claimed_kinds(text))) - Counter(k for data in parsed for k in kinds_of(data))
            ids = claimed_ids(text) - {raw_id(data) for data in parsed}
            sms.invalid_ids.update(ids)
            # an id for each lost document, or no other id written at all (a document without one is named by nothing)
            named = len(ids) >= lost.total() or not _written_ids(text) - ids - _nested_ids(parsed)
            _unread(sms, source.rel, list(lost.elements()), named=named)
        for line, data in loaded.documents:
            doc = validate(source.rel, line, data, out)
            if doc is None:
                if isinstance(data, dict):
                    _unread(sms, source.rel, kinds_of(data), named=bool(raw_id(data)))
                # references written in lower case name it too: ids are lower case, so 'SLA-2026' is
                # refused and its references to 'sla-2026' are the same one mistake, not dangling
                sms.invalid_ids.update({raw_id(data), raw_id(data).lower()})
            else:
                clash = sms.add(doc)
                if clash is not None:
                    out.add(source.rel, position(doc.raw, ("metadata", "id")), "duplicate-id",
                            f"id {doc.id!r} is already used by {clash.kind} at {clash.path}:{clash.line}",
                            "give this document a unique id", document=doc.id)
    return sms, len(sources)


# a key as written: plain, or quoted as JSON writes it ("id": …); blanks before the colon are allowed; an anchor
# or a tag may stand before the mapping: metadata: &defaults {id: x, ...}
_METADATA = re.compile(rb"^([\"']?)metadata\1[ \t]*:[ \t]*(?:[&!][^\s{]*[ \t]*)*(?:\{(?P<flow>[^}\n]*)|(?:#.*)?$)")
_BLOCK_ID = re.compile(
    rb"^[ \t]+([\"']?)id\1[ \t]*:[ \t]*[\"']?(?P<id>[A-Za-z0-9][A-Za-z0-9._-]{0,99})(?=[\s\"',}#]|$)")
_FLOW_ID = re.compile(
    rb"(?:^|[{,])[ \t]*([\"']?)id\1[ \t]*:[ \t]*[\"']?(?P<id>[A-Za-z0-9][A-Za-z0-9._-]{0,99})(?=[\s\"',}#]|$)")


def claimed_ids(data: bytes) -> set[str]:
    """The document ids a file that does not parse appears to define (``metadata: id:``), read line by line.

    References to them are then not reported as dangling as well: the broken file is the one cause.
    Only ids directly under a top-level ``metadata:`` count, so a target's or a goal's id is not taken.
    """
    found: set[str] = set()
    in_metadata = False
    for line in data.splitlines():
        head = _METADATA.match(line)
        if head is not None:
            flow = head.group("flow")
            match = _FLOW_ID.search(flow) if flow is not None else None
            if match is not None:
                found.add(match.group("id").decode("ascii"))
            in_metadata = flow is None
        elif in_metadata and (block := _BLOCK_ID.match(line)) is not None:
            found.add(block.group("id").decode("ascii"))
        elif line[:1] not in (b" ", b"\t", b"#", b""):
            in_metadata = False
    return found


_ANY_ID = re.compile(rb"(?:^|[\s{,])[\"']?id[\"']?:[ \t]*[\"']?(?P<id>[A-Za-z0-9][A-Za-z0-9._-]{0,99})", re.MULTILINE)


def _written_ids(data: bytes) -> set[str]:
    """Every value written after an ``id:`` key anywhere in a file (a document's, a goal's, a target's)."""
    return {m.group("id").decode("ascii") for m in _ANY_ID.finditer(data)}


def _nested_ids(documents: list[dict[str, Any]]) -> set[str]:
    """Every ``id`` value in ``documents``, at any depth."""
    found: set[str] = set()
    stack: list[Any] = list(documents)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("id"), str):
                found.add(item["id"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


_KIND = re.compile(rb"^([\"']?)kind\1[ \t]*:[ \t]*[\"']?(?P<kind>[A-Za-z]+)", re.MULTILINE)


def claimed_kinds(data: bytes) -> list[str]:
    """The kinds a file that does not parse appears to hold, as written (``kind:`` lines at the top level)."""
    return [m.group("kind").decode("ascii") for m in _KIND.finditer(data)]


def kinds_of(data: dict[str, Any]) -> list[str]:
    """The kinds a document that could not be read may be: its kind as written (in any case: ``Sla`` is an SLA);
    where the kind is missing or unknown (``Polcy``), the kinds that know the most of its spec's fields.

    A document with neither (no kind and no spec fields of any kind: a Compose file) is taken for none.
    """
    written = _known([value for key, value in data.items() if key.lower() == "kind"])
    spec = data.get("spec")
    if written or not isinstance(spec, dict):
        return written
    keys = {key for key in spec if not key.startswith("x-")}
    shared = {kind: len(keys & fields) for kind, fields in _spec_fields().items()}
    most = max(shared.values(), default=0)
    return [kind for kind, count in shared.items() if count == most] if most else []


@functools.cache
def _spec_fields() -> dict[str, frozenset[str]]:
    """Per kind, the field names its spec has (as written in YAML)."""
    found: dict[str, frozenset[str]] = {}
    for kind, cls in KINDS.items():
        spec = cls.model_fields["spec"].annotation
        if isinstance(spec, type) and issubclass(spec, BaseModel):
            found[kind] = frozenset(info.alias or name for name, info in spec.model_fields.items())
    return found


def _known(written: Sequence[object]) -> list[str]:
    """The kinds ``written`` names, in any case (``Sla`` is an SLA); other values are left out."""
    return [k for value in written for k in KINDS if isinstance(value, str) and k.lower() == value.lower()]


def _unread(sms: Sms, rel: str, kinds: Sequence[str], *, named: bool) -> None:
    """Note that ``rel`` holds documents of ``kinds`` that could not be read; ``named``: their ids are known."""
    for kind in kinds:
        sms.unread.setdefault(kind, set()).add(rel)
        if not named:
            sms.unnamed.setdefault(kind, set()).add(rel)


def read_sms(root: Path, config: Config, as_of: dt.date) -> Sms:
    """The SMS index for commands that use the SMS rather than check it (what cannot load is left out)."""
    sms, _ = load_sms(root, config, as_of, Collector())
    return sms
