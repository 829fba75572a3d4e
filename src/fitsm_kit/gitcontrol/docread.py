"""The documents of one version of an SMS file, read exactly as ``fitsm check`` reads them.

History reads every version of every SMS file Git holds. Each version goes through the loader
(:mod:`fitsm_kit.sms.loader`): the same size limit, decoding, YAML 1.2 semantics, tags, limits and
recovery from syntax errors, so a document history counts is a document the check would load, with the
same id and data. A document's fingerprint is taken from its loaded data, so quoting, flow or block
style, key order, line breaks and comments are not changes; ``content`` leaves out ``metadata.review``
(recording a review is not a content change), ``full`` keeps it.

Parsing every version would cost minutes on a long history, and most versions of a multi-document file
differ in one document. So a version is split at its ``---`` lines into documents, and a document whose
text was already seen (in another version or file) is not parsed again. The split is exact: libyaml
ends a document at every ``---`` in column 1 followed by a blank or a line break, whatever came before,
and starts the next one afresh, so each piece parses as it does in the whole file. Where that could
differ, the whole file is parsed instead: a file with a directive line (``%YAML``, ``%TAG``, which apply
to the document after them), or one where any piece does not parse cleanly (syntax errors are recovered
from per file, at most :data:`~fitsm_kit.sms.loader.MAX_SYNTAX_ERRORS` times).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from fitsm_kit.sms.loader import MAX_FILE_BYTES, LoadProblem, decode, iter_documents


class DocState(NamedTuple):
    """One document of one file version, as the check loads it."""

    id: str  # metadata.id
    version: str | None  # metadata.version as written ("1.10" stays "1.10")
    content: str  # fingerprint of the loaded data without metadata.review
    full: str  # fingerprint of all the loaded data


# A directive applies to the document after it; where any line break (YAML counts CR, NEL, LS and PS
# too) is followed by "%", pieces would not parse as the file does.
_DIRECTIVE = re.compile(r"(?:\A|[\n\r\x85\u2028\u2029])%")


def document_state(data: Any) -> DocState | None:
    """The id, version and fingerprints of one loaded document; None when it has no ``metadata.id``.

    The id is what the check indexes it by (a string ``metadata.id``, valid or not).
    """
    metadata = data.get("metadata") if isinstance(data, dict) else None
    doc_id = metadata.get("id") if isinstance(metadata, dict) else None
    if not isinstance(doc_id, str) or not doc_id:
        return None
    assert isinstance(metadata, dict)
    version = metadata.get("version")
    version = getattr(version, "source", version)  # numbers keep the text they were written as
    full = _digest(data)
    if "review" in metadata:
        data = {**data, "metadata": {k: v for k, v in metadata.items() if k != "review"}}
        content = _digest(data)
    else:
        content = full
    return DocState(doc_id, version if isinstance(version, str) else None, content, full)


def _digest(data: Any) -> str:
    # Loaded data holds only dicts with string keys, lists, strings, numbers, booleans and None; keys are
    # sorted because a mapping's order is not its content.
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


class Reader:
    """Reads file versions into their documents, parsing each distinct document text once."""

    def __init__(self) -> None:
        self._pieces: dict[str, tuple[DocState, ...] | None] = {}  # None: the piece has a problem
        self._files: dict[str, tuple[DocState, ...]] = {}

    def documents(self, data: bytes) -> tuple[DocState, ...]:
        """The documents of one file version that the check would load, in file order."""
        if len(data) > MAX_FILE_BYTES:
            return ()  # the check refuses the file
        text, _ = decode(data)
        if text is None:
            return ()  # not UTF-8 or binary: the check loads nothing from it
        if "%" in text and _DIRECTIVE.search(text):  # the test for "%" first: it is ~100 times faster
            return self._whole(text)
        found: list[DocState] = []
        for piece in _pieces(text):
            try:
                docs = self._pieces[piece]
            except KeyError:
                docs = self._pieces[piece] = _parse(piece)
            if docs is None:
                return self._whole(text)
            found.extend(docs)
        return tuple(found)

    def _whole(self, text: str) -> tuple[DocState, ...]:
        if text not in self._files:
            self._files[text] = _states(item for item in iter_documents(text) if not isinstance(item, LoadProblem))
        return self._files[text]


_AFTER_MARKER = ("", " ", "\t", "\n")


def _pieces(text: str) -> list[str]:
    """``text`` cut before each ``---`` document marker (:data:`~fitsm_kit.sms.loader.DOC_START`, found
    with ``str.find``, which is several times faster than the pattern); the first piece may hold only
    comments."""
    cuts = [0]
    at = text.find("\n---")
    while at >= 0:
        if text[at + 4:at + 5] in _AFTER_MARKER:
            cuts.append(at + 1)
        at = text.find("\n---", at + 4)
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:])]  # noqa: B905 - one shorter by design


def _parse(piece: str) -> tuple[DocState, ...] | None:
    items = list(iter_documents(piece))
    if any(isinstance(item, LoadProblem) for item in items):
        return None
    return _states(item for item in items if not isinstance(item, LoadProblem))


def _states(items: Iterable[tuple[int, Any]]) -> tuple[DocState, ...]:
    return tuple(state for _, data in items if (state := document_state(data)) is not None)


def documents(data: bytes) -> tuple[DocState, ...]:
    """The documents of one file's bytes (a one-off read; history keeps a :class:`Reader`)."""
    return Reader().documents(data)
