"""Load an SMS: read its files, parse YAML with positions, validate each document and index it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

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
            sms.invalid_ids.update(claimed_ids(text))
            _unread(sms, source.rel, claimed_kinds(text))
        for line, data in loaded.documents:
            doc = validate(source.rel, line, data, out)
            if doc is None:
                if isinstance(data, dict):
                    _unread(sms, source.rel, [v for k, v in data.items() if k.lower() == "kind"])
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


# a key as written: plain, or quoted as JSON writes it ("id": …); blanks before the colon are allowed
_METADATA = re.compile(rb"^([\"']?)metadata\1[ \t]*:[ \t]*(?:\{(?P<flow>[^}\n]*)|(?:#.*)?$)")
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


_KIND = re.compile(rb"^([\"']?)kind\1[ \t]*:[ \t]*[\"']?(?P<kind>[A-Za-z]+)", re.MULTILINE)


def claimed_kinds(data: bytes) -> list[str]:
    """The kinds a file that does not parse appears to hold, as written (``kind:`` lines at the top level)."""
    return [m.group("kind").decode("ascii") for m in _KIND.finditer(data)]


def _unread(sms: Sms, rel: str, written: Sequence[object]) -> None:
    """Note that ``rel`` holds documents of the kinds ``written`` (in any case: ``Sla`` is an SLA) that could
    not be read."""
    for value in written:
        kind = next((k for k in KINDS if isinstance(value, str) and k.lower() == value.lower()), None)
        if kind is not None:
            sms.unread.setdefault(kind, set()).add(rel)


def read_sms(root: Path, config: Config, as_of: dt.date) -> Sms:
    """The SMS index for commands that use the SMS rather than check it (what cannot load is left out)."""
    sms, _ = load_sms(root, config, as_of, Collector())
    return sms
