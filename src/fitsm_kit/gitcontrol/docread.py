"""The documents of one version of an SMS file, read exactly as ``fitsm check`` reads them.

History reads every version of every SMS file Git holds. Each version goes through the loader
(:mod:`fitsm_kit.sms.loader`): the same size limit, decoding, YAML 1.2 semantics, tags, limits and
recovery from syntax errors, so a document history counts is a document the check would load, with the
same id and data. A document's fingerprint is taken from its loaded data, so quoting, flow or block
style, key order, line breaks and comments are not changes; ``content`` leaves out ``metadata.review``
(recording a review is not a content change), ``full`` keeps it. It is a hash tree (:class:`_Tree`): each
mapping and sequence is hashed from its entries, so a version that differs in one value is hashed again
only along the path from that value to the top, not whole.

Parsing every version would cost minutes on a long history, and most versions of a multi-document file
differ in one document. So a version is split at its ``---`` lines into documents, and a document whose
text was already seen (in another version or file) is not parsed again. The split is exact: libyaml
ends a document at every ``---`` in column 1 followed by a blank or a line break, whatever came before,
and starts the next one afresh, so each piece parses as it does in the whole file. Where that could
differ, the whole file is parsed instead: a file with a directive line (``%YAML``, ``%TAG``, which apply
to the document after them), or one where any piece does not parse cleanly (syntax errors are recovered
from per file, at most :data:`~fitsm_kit.sms.loader.MAX_SYNTAX_ERRORS` times).

Most versions differ from the next one in a single line, and most such lines are one ``key: value``
entry (a title, a date, a status). History reads each file's versions newest first and hands
:meth:`Reader.read` the version read before (``base``); when the only difference is one such line,
the older version's data is the newer one's with that one value replaced, and it is derived so, without
parsing the document again. That holds because libyaml reads left to right: the text before the line is
the same, so every token before it is; the line is one entry of a block mapping (the loader recorded it
from the parser's own marks: :data:`~fitsm_kit.sms.loader.Lines`) whose key and ``: `` are unchanged; the
new value is a single-line plain or quoted scalar with no anchor, alias or tag (no ``&``, ``*``, ``!`` on
the line), not a block scalar, and loads as a scalar by itself (through the loader, so it resolves exactly
as in the file); and the next line is indented no deeper than the key, so no value continues onto it.
Then the token stream differs in that one scalar, and so does the data. A document with an anchor is not
derived (an alias is a copy of the anchored value: a change there is a change in each copy). Anything else
is parsed.
``tests/test_history_derive.py`` checks derived states against parsed ones over the examples' edits and
generated YAML.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from fitsm_kit.sms.loader import (
    MAX_FILE_BYTES,
    Lines,
    LoadProblem,
    YList,
    YMap,
    clean_documents,
    decode,
    iter_documents,
    resolve_plain,
)


class DocState(NamedTuple):
    """One document of one file version, as the check loads it."""

    id: str  # metadata.id
    version: str | None  # metadata.version as written ("1.10" stays "1.10")
    content: str  # fingerprint of the loaded data without metadata.review
    full: str  # fingerprint of all the loaded data


def _has_directive(text: str) -> bool:
    """Whether a line starts with ``%`` (a directive applies to the document after it, so pieces would not
    parse as the file does); YAML counts CR, NEL, LS and PS as line breaks too. Each ``%`` is looked at
    (SMS files have few): a regular expression search over every file version took a second on a long
    history."""
    at = text.find("%")
    while at >= 0:
        if at == 0 or text[at - 1] in _BREAKS:
            return True
        at = text.find("%", at + 1)
    return False


_BREAKS = "\n\r\x85\u2028\u2029"


def document_state(data: Any) -> DocState | None:
    """The id, version and fingerprints of one loaded document; None when it has no ``metadata.id``.

    The id is what the check indexes it by (a string ``metadata.id``, valid or not).
    """
    return _Tree(data).state(data) if isinstance(data, dict) else None


class _Tree:
    """The fingerprint of every mapping and sequence of one document, and the one each is in.

    A mapping's fingerprint hashes its entries in key order (a mapping's order is not its content), a
    sequence's its items in order; a scalar enters as its JSON text, a mapping or sequence as ``#`` and its
    fingerprint (no JSON scalar starts with ``#``, and each part ends where the next starts: the text is read
    one way only). The document's ``full`` fingerprint is its top mapping's; ``content`` is the same with
    ``metadata`` taken without its ``review`` entry (recording a review is not a content change). Each entry's
    text is kept: when one value changes (:meth:`changed`), only that entry and the entries on its path to the
    top are written again, and only the mappings and sequences on that path hashed again. Loaded data holds
    only mappings with string keys, sequences, strings, numbers, booleans and null, and each mapping or
    sequence once (the loader builds an alias's copy anew).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.parts: dict[int, Any] = {}  # id of a mapping -> {key: entry text} in key order; of a sequence -> [text]
        self.hashes: dict[int, str] = {}  # id of a mapping or sequence -> "#" and its fingerprint
        self.parents: dict[int, tuple[Any, Any]] = {}  # id of a mapping or sequence -> (the one it is in, where)
        self._fill(data)

    def _fill(self, node: Any) -> str:
        # the hot path of reading a document (every entry of every document parsed): scalars inline
        parts: Any
        if isinstance(node, dict):
            parts = {}
            for key in sorted(node):
                value = node[key]
                if type(value) is str:
                    parts[key] = f"{_encode_str(key)}:{_encode_str(value)}"
                    continue
                if isinstance(value, (dict, list)):
                    self.parents[id(value)] = (node, key)
                    part = self._fill(value)
                else:
                    part = _scalar(value)
                parts[key] = f"{_encode_str(key)}:{part}"
        else:
            parts = []
            for index, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    self.parents[id(value)] = (node, index)
                    parts.append(self._fill(value))
                else:
                    parts.append(_scalar(value))
        self.parts[id(node)] = parts
        fingerprint = self.hashes[id(node)] = _hash_map(parts) if type(parts) is dict else _hash_seq(parts)
        return fingerprint

    def changed(self, mapping: dict[str, Any], key: str) -> None:
        """Hash again after ``mapping[key]``, a scalar, was replaced."""
        parts_of, hashes, parents = self.parts, self.hashes, self.parents
        node, where, part = mapping, key, _scalar(mapping[key])
        while True:
            parts = parts_of[id(node)]
            if type(parts) is dict:
                parts[where] = f"{_encode_str(where)}:{part}"
                part = hashes[id(node)] = _hash_map(parts)
            else:
                parts[where] = part
                part = hashes[id(node)] = _hash_seq(parts)
            up = parents.get(id(node))
            if up is None:
                return
            node, where = up

    def state(self, data: dict[str, Any]) -> DocState | None:
        """The state of the document ``data`` (the top of this tree)."""
        metadata = data.get("metadata")
        doc_id = metadata.get("id") if isinstance(metadata, dict) else None
        if not isinstance(doc_id, str) or not doc_id:
            return None
        assert isinstance(metadata, dict)
        version = metadata.get("version")
        version = getattr(version, "source", version)  # numbers keep the text they were written as
        full = content = self.hashes[id(data)]
        if "review" in metadata:  # the same entries, metadata's without review
            reviewless = _hash_map({k: v for k, v in self.parts[id(metadata)].items() if k != "review"})
            content = _hash_map({**self.parts[id(data)], "metadata": f'"metadata":{reviewless}'})
        return DocState(doc_id, version if isinstance(version, str) else None, content[1:], full[1:])


def _hash_map(parts: dict[str, str]) -> str:
    """``#`` and the fingerprint of a mapping from the texts of its entries (in key order)."""
    return "#" + _blake2b(("{" + ",".join(parts.values())).encode("utf-8", "surrogateescape"),
                          digest_size=12).hexdigest()


def _hash_seq(parts: list[str]) -> str:
    """``#`` and the fingerprint of a sequence from the texts of its items (in order)."""
    return "#" + _blake2b(("[" + ",".join(parts)).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


_blake2b = hashlib.blake2b


def _scalar(value: Any) -> str:
    """A scalar as JSON writes it."""
    if type(value) is str:
        return _encode_str(value)  # most values
    if value is None or type(value) is bool:
        return "null" if value is None else "true" if value else "false"
    return json.dumps(value)  # a number, as Python writes it


_encode_str: Callable[[str], str] = json.encoder.encode_basestring  # '"...", escaped as JSON, non-ASCII kept


@dataclass(slots=True)  # two are made for each version derived
class _Piece:
    """One piece of a file version (its text up to the next ``---``) and what it holds."""

    text: str
    states: tuple[DocState, ...] | None  # None: it does not parse cleanly by itself
    data: Any = None  # the loaded data when the piece is one document parsed or derived here (else None)
    lines: Lines | None = None  # that document's one-entry lines
    tree: _Tree | None = None  # and the fingerprints of its mappings and sequences


@dataclass
class Version:
    """A file version as read: its text and pieces (None when read whole), kept as the base of the next."""

    text: str
    pieces: list[_Piece] | None
    states: tuple[DocState, ...]
    # every "\n---" in the text cuts it into pieces: the piece of an offset is found by counting them
    marked: bool = False
    # every piece holds one document: piece i's state is states[i]
    aligned: bool = False


class Reader:
    """Reads file versions into their documents, parsing each distinct document text once."""

    def __init__(self) -> None:
        # every piece text read, without its data (which a derivation changes): shared by the versions
        self._pieces: dict[str, _Piece] = {}
        self._files: dict[str, tuple[DocState, ...]] = {}

    def documents(self, data: bytes) -> tuple[DocState, ...]:
        """The documents of one file version that the check would load, in file order."""
        return self.read(data).states

    def read(self, data: bytes, base: Version | None = None) -> Version:
        """One file version; ``base``, another version of the same file read before (the next newer one),
        lets a version that differs from it in one ``key: value`` line be derived rather than parsed. The
        base's data is taken over (changed in place): pass each base once."""
        if len(data) > MAX_FILE_BYTES:
            return Version("", None, ())  # the check refuses the file
        text, _ = decode(data)
        if text is None:
            return Version("", None, ())  # not UTF-8 or binary: the check loads nothing from it
        if base is not None and base.pieces is not None:  # the base has no directive line, nor has the change
            derived = self._derive(text, base)
            if derived is not None:
                return derived
        if _has_directive(text):
            return Version(text, None, self._whole(text))
        pieces: list[_Piece] = []
        for piece in _pieces(text):
            known = self._pieces.get(piece)
            if known is None:
                known = _parse(piece)
                self._pieces[piece] = known if known.data is None else _Piece(piece, known.states)
            if known.states is None:
                return Version(text, None, self._whole(text))
            pieces.append(known)
        return _version(text, pieces)

    def _whole(self, text: str) -> tuple[DocState, ...]:
        if text not in self._files:
            self._files[text] = _states(item for item in iter_documents(text) if not isinstance(item, LoadProblem))
        return self._files[text]

    def _derive(self, text: str, base: Version) -> Version | None:
        """``text`` as ``base`` with one line changed, when that change can be derived."""
        old, pieces = base.text, base.pieces
        assert pieces is not None
        start, old_end, new_end = _changed_line(old, text)
        if start < 0:
            return None
        old_line, new_line = old[start:old_end], text[start:new_end]
        if old_line.startswith(("---", "...")) or new_line.startswith(("---", "...")):
            return None  # a document marker moves the pieces
        if base.marked:  # the changed line starts with no "---", so each "\n---" before it starts a piece
            index = old.count("\n---", 0, start)
            offset = old.rfind("\n---", 0, start) + 1 if index else 0
        else:
            index = offset = 0
            while index < len(pieces) and offset + len(pieces[index].text) <= start:
                offset += len(pieces[index].text)
                index += 1
            if index == len(pieces):
                return None
        piece = pieces[index]
        at = start - offset
        new_text = piece.text[:at] + new_line + piece.text[at + len(old_line):]
        known = self._pieces.get(new_text)
        if known is not None and known.states is None:
            return None  # (cannot happen when the derivation holds; parsed, the piece speaks for itself)
        changed = _derive_piece(piece, at, old_line, new_line)
        if changed is None:
            return None
        assert piece.tree is not None  # kept with the data
        piece.tree.changed(*changed)
        if known is None:
            state = piece.tree.state(piece.data)
            known = self._pieces[new_text] = _Piece(new_text, (state,) if state is not None else ())
        new_piece = _Piece(new_text, known.states, piece.data, piece.lines, piece.tree)
        new_pieces = pieces.copy()
        new_pieces[index] = new_piece
        states = known.states or ()
        if base.aligned and len(states) == 1:  # the other pieces' states are the base's
            return Version(text, new_pieces, (*base.states[:index], states[0], *base.states[index + 1:]),
                           base.marked, True)
        return _version(text, new_pieces, base.marked)


def _version(text: str, pieces: list[_Piece], marked: bool | None = None) -> Version:
    """``text`` read into ``pieces``; ``marked``: whether each line that starts with ``---`` cuts a piece (None:
    find out)."""
    states = tuple(state for piece in pieces for state in piece.states or ())
    if marked is None:
        marked = text.count("\n---") == len(pieces) - 1
    return Version(text, pieces, states, marked, len(states) == len(pieces)
                   and all(piece.states is not None and len(piece.states) == 1 for piece in pieces))


def _changed_line(old: str, new: str) -> tuple[int, int, int]:
    """Where ``old`` and ``new`` differ within one line: its start, and its end in each; (-1, -1, -1) when they
    differ across lines (or not at all). The common start is found by halving (slice comparisons run in C),
    then the rest after the line must be the same."""
    if old == new:
        return -1, -1, -1
    low, high = 0, min(len(old), len(new))  # the common prefix is at least low and at most high characters long
    while low < high:
        mid = (low + high + 1) // 2
        if old[low:mid] == new[low:mid]:
            low = mid
        else:
            high = mid - 1
    start = old.rfind("\n", 0, low) + 1
    old_end, new_end = old.find("\n", low), new.find("\n", low)
    old_end, new_end = len(old) if old_end < 0 else old_end, len(new) if new_end < 0 else new_end
    if old[old_end:] != new[new_end:]:
        return -1, -1, -1
    return start, old_end, new_end


# on a changed line: anchors, aliases and tags (whose meaning reaches other lines), and every character
# that YAML reads as a line break or libyaml refuses outright
_NOT_ON_A_DERIVED_LINE = frozenset("&*!\t\r\x85\u2028\u2029\ufeff")


def _derive_piece(piece: _Piece, at: int, old_line: str, new_line: str) -> tuple[YMap, str] | None:
    """Replace ``old_line`` (at offset ``at`` of the piece's text) by ``new_line`` in the piece's data (changed
    in place) and return the mapping and key whose value changed, or None when the change is not one value of
    a one-entry line."""
    text = piece.text
    line = text.count("\n", 0, at)
    if piece.data is None or piece.lines is None or line not in piece.lines:
        return None
    mapping, key, column = piece.lines[line]
    head = f"{old_line[:column]}{key}:"
    if not new_line.startswith(head) or not old_line.startswith(head) or new_line[len(head):len(head) + 1] != " ":
        return None
    if not _NOT_ON_A_DERIVED_LINE.isdisjoint(new_line) or not _NOT_ON_A_DERIVED_LINE.isdisjoint(old_line):
        return None
    value_text = new_line[len(head):]  # as written: str.strip() would also take spaces YAML keeps (U+00A0)
    if not value_text.strip(" ") or value_text.lstrip(" ")[0] in "|>#":
        return None  # a block scalar, or an empty value (which a more indented next line would fill)
    end = at + len(old_line)  # the line break after the line, or the end of the piece
    following_end = text.find("\n", end + 1) if end < len(text) else -1
    following = text[end + 1:following_end] if following_end >= 0 else text[end + 1:]
    if following_end >= 0 or following:  # a next line, not the end
        depth = len(following) - len(following.lstrip(" "))
        if depth > column or not following.strip():
            return None
    simple = _SIMPLE.match(value_text)
    if simple is not None:  # most values: a word, a date, a number, a short sentence
        plain, double, single_quoted = simple.group("plain", "double", "single")
        mapping[key] = resolve_plain(plain) if plain is not None else double if double is not None else single_quoted
        return mapping, key
    loaded = clean_documents(f"k:{value_text}\n")  # the rest as the loader reads them, by themselves
    if loaded is None or len(loaded[0]) != 1:
        return None
    single = loaded[0][0]
    if not isinstance(single, YMap) or list(single) != ["k"] or isinstance(single["k"], (YMap, YList)):
        return None
    mapping[key] = single["k"]
    return mapping, key


# A value the loader would read without its parser: after the blanks, a plain scalar of ASCII letters,
# digits and ``_ .,/()+-`` that starts with a letter, digit or ``_`` (so no indicator, no ``: ``, no `` #``;
# YAML drops the blanks around it and the loader resolves it with resolve_plain), or a quoted scalar of
# printable characters without quotes or backslashes inside (so nothing is escaped or folded), then blanks.
_SIMPLE = re.compile(r" +(?:(?P<plain>[A-Za-z0-9_][A-Za-z0-9_ .,/()+-]*?)"
                     r"|\"(?P<double>[^\"\\\x00-\x1f\x7f-\x9f\ufffe\uffff]*)\""
                     r"|'(?P<single>[^'\x00-\x1f\x7f-\x9f\ufffe\uffff]*)') *\Z")


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


_AFTER_MARKER = ("", " ", "\t", "\n")


# line breaks other than LF (YAML counts them, so the parser's line numbers would not be the text's),
# anchors (the loader builds each alias's copy of an anchored value anew, so a value changed on a line of
# the anchored one would change each copy, and the loader's lines name only one of them) and merge keys
# (a merged value is copied into the mapping that merges it; its line names the mapping it came from)
_NOT_DERIVED_FROM = ("\r", "\x85", "\u2028", "\u2029", "&", "<<")


def _parse(piece: str) -> _Piece:
    loaded = clean_documents(piece)
    if loaded is None:
        return _Piece(piece, None)
    documents, lines = loaded
    if len(documents) == 1 and isinstance(documents[0], dict) and not any(c in piece for c in _NOT_DERIVED_FROM):
        tree = _Tree(documents[0])
        state = tree.state(documents[0])
        return _Piece(piece, (state,) if state is not None else (), documents[0], lines[0], tree)
    return _Piece(piece, _states((0, data) for data in documents))


def _states(items: Iterable[tuple[int, Any]]) -> tuple[DocState, ...]:
    return tuple(state for _, data in items if (state := document_state(data)) is not None)


def documents(data: bytes) -> tuple[DocState, ...]:
    """The documents of one file's bytes (a one-off read; history keeps a :class:`Reader`)."""
    return Reader().documents(data)
