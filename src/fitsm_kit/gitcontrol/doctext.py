"""The documents of a YAML file as text: id, version and a content fingerprint, without parsing YAML.

History reads every version of every SMS file Git holds (tens of thousands of blobs); a YAML parse of
each would take minutes, so this reads just enough text: the ``---`` document boundaries, the
``metadata`` block's ``id`` and ``version``, and the document's text without ``metadata.review`` (a
review stamp is not a content change, so recording a review never "changes" an approved document).
A document whose id cannot be found this way is left out; it is not a valid document either.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r"^---(?:[ \t].*)?$", re.M)
_METADATA = re.compile(r"^metadata:[ \t]*(.*)$", re.M)
_FIRST_KEY = re.compile(r"\n([ \t]+)[^\s#]")
_FLOW_FIELDS = {key: re.compile(rf"[{{,][ \t]*{key}:[ \t]*([^,}}\n]+)") for key in ("id", "version")}
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
        for key, pattern in _FLOW_FIELDS.items():
            m = pattern.search(flow)
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
    block = chunk[start:end]
    first = _FIRST_KEY.search(block)  # the block's keys are indented like its first one
    if first is None:
        return {}, chunk
    fields_at, review_at = _at_indent(first.group(1))
    fields = {m.group(1): _scalar(m.group(2)) for m in fields_at.finditer(block)}
    return fields, chunk[:start] + review_at.sub("", block) + chunk[end:]


@functools.lru_cache(maxsize=16)
def _at_indent(indent: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns for ``id`` / ``version`` and for the whole ``review`` entry, at one indentation.

    The review entry runs on over deeper-indented lines and comments (blank lines included when more
    follow), so adding, changing or removing it leaves the rest of the text exactly as it was.
    """
    fields = re.compile(rf"^{indent}(id|version):[ \t]*(.*)$", re.M)
    review = re.compile(rf"\n{indent}review:.*(?:(?:\n[ \t]*)*\n(?:{indent}[ \t].*|[ \t]*#.*))*")
    return fields, review


def _digest(text: str) -> str:
    return hashlib.blake2b(text.strip().encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
