"""The documents of a YAML file as text: id, version and a content fingerprint, without parsing YAML.

History reads every version of every SMS file Git holds (tens of thousands of blobs); a YAML parse of
each would take minutes, so this reads just enough text: the ``---`` document boundaries, the
``metadata`` block's ``id`` and ``version``, and the document's text without ``metadata.review`` (a
review stamp is not a content change, so recording a review never "changes" an approved document).
A document whose id cannot be found this way is left out; it is not a valid document either.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r"^---(?:[ \t].*)?$", re.M)
_METADATA = re.compile(r"^metadata:[ \t]*(.*)$", re.M)
_KEY = re.compile(r"^([ \t]+)([A-Za-z_][\w-]*):[ \t]*(.*)$")
_FLOW_FIELD = r"(?:[{,][ \t]*){key}:[ \t]*([^,}}\n]+)"
_TOP_LEVEL = re.compile(r"\n(?=[^\s#])")
_FLOW_REVIEW = re.compile(r"[{,][ \t]*review:[ \t]*\{[^}]*\}")


@dataclass(frozen=True)
class DocText:
    """One document of a file, as history sees it."""

    id: str
    version: str | None
    content: str  # fingerprint of the text without metadata.review
    full: str  # fingerprint of the whole text


def documents(text: str) -> list[DocText]:
    """The documents of one YAML file whose ``metadata.id`` is found."""
    found = []
    for chunk in _BOUNDARY.split(text):
        doc = _document(chunk)
        if doc is not None:
            found.append(doc)
    return found


def _scalar(raw: str) -> str:
    value = raw.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def _document(chunk: str) -> DocText | None:
    match = _METADATA.search(chunk)
    if match is None:
        return None
    fields: dict[str, str] = {}
    stripped = chunk
    if match.group(1).startswith("{"):  # flow style: metadata: {id: x, version: "1", review: {...}}
        flow = match.group(1)
        for key in ("id", "version"):
            m = re.search(_FLOW_FIELD.format(key=key), flow)
            if m:
                fields[key] = _scalar(m.group(1))
        stripped = chunk[:match.start(1)] + _FLOW_REVIEW.sub("", flow) + chunk[match.end(1):]
    else:
        fields, stripped = _block_fields(chunk, match.end())
    doc_id = fields.get("id")
    if not doc_id:
        return None
    return DocText(doc_id, fields.get("version"), _digest(stripped), _digest(chunk))


def _block_fields(chunk: str, start: int) -> tuple[dict[str, str], str]:
    """The metadata block's scalar ``id`` / ``version`` and the chunk without its ``review`` entry."""
    after = _TOP_LEVEL.search(chunk, start)  # the block ends at the next line that starts in column 0
    end = after.start() if after else len(chunk)
    fields: dict[str, str] = {}
    kept: list[str] = []
    indent: str | None = None
    skipping = False
    for line in chunk[start:end].split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            kept.append(line)
            continue
        lead = line[:len(line) - len(line.lstrip())]
        if indent is None:
            indent = lead
        m = _KEY.match(line) if lead == indent else None
        if m is not None:
            skipping = m.group(2) == "review"
            if m.group(2) in ("id", "version"):
                fields[m.group(2)] = _scalar(m.group(3))
        if not skipping:
            kept.append(line)
    return fields, chunk[:start] + "\n".join(kept) + chunk[end:]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.strip().encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
