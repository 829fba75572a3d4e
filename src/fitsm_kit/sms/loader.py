"""Read SMS files into plain Python data that remembers where every key and value came from.

PyYAML's libyaml composer builds the node graph in C (with line marks); we construct the data
ourselves so that plain scalars follow YAML 1.2 core-schema rules (``NO`` stays a string), numbers keep
their source text (a version ``1.10`` can be read back as ``"1.10"``), duplicate keys and unknown tags
are problems, and alias expansion and depth are bounded. Nothing is ever constructed from a tag, so no
code runs. See the README's design notes for the measurements behind this choice.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# re-exported: read and reported here as before the move to the lighter files module
from fitsm_kit.sms.files import MAX_FILE_BYTES as MAX_FILE_BYTES
from fitsm_kit.sms.files import LoadProblem as LoadProblem
from fitsm_kit.sms.files import read_file as read_file

Pos = tuple[int, int]  # 1-based line and column

MAX_DEPTH = 64
MAX_NODES_PER_FILE = 1_000_000  # after alias expansion; bounds "billion laughs"
MAX_PARSE_DEPTH = 1000  # what libyaml >= 0.2.6 enforces itself; checked first on older versions

_CParser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ONE_LINE_STYLES = (None, "", "'", '"')  # plain (libyaml says "", pure Python None), quoted; not | or >
_PLAIN = "?plain"
_TAG = "tag:yaml.org,2002:"
MERGE_KEY = "<<"  # plain, not quoted: a quoted '<<' is an ordinary key


class YMap(dict[str, Any]):
    """A mapping with the position of the mapping itself, each key and each value."""

    __slots__ = ("pos", "key_pos", "value_pos")

    def __init__(self, pos: Pos) -> None:
        self.pos = pos  # dict.__init__ is not called: there is nothing to initialise (hot path)
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}


class YList(list[Any]):
    """A sequence with its own position and each item's."""

    __slots__ = ("pos", "item_pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []


class YInt(int):
    """An integer that remembers how it was written."""

    source: str


class YFloat(float):
    """A float that remembers how it was written (``1.10`` is not ``1.1`` as a version)."""

    source: str


@dataclass
class LoadedFile:
    """The documents of one file, and what went wrong reading it."""

    path: str
    documents: list[tuple[int, Any]] = field(default_factory=list)  # (line, data)
    problems: list[LoadProblem] = field(default_factory=list)


class _Loader(_CParser):  # type: ignore[misc]
    """libyaml parser whose resolver only marks plain scalars; we resolve them with YAML 1.2 rules."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return str(super().resolve(kind, value, implicit))

    # No path-based resolvers are used; skipping these per-node hooks saves about 10 % of load time.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")


_SPECIAL_START = frozenset("0123456789+-.~nNtTfF")


def resolve_plain(text: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema."""
    if text and text[0] not in _SPECIAL_START:
        return text  # fast path: most SMS values are words
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    number: YInt | YFloat
    if _INT.match(text):
        number = YInt(text)
    elif _OCT.match(text):
        number = YInt(text[2:], 8)
    elif _HEX.match(text):
        number = YInt(text[2:], 16)
    elif _FLOAT.match(text) or _INF.match(text) or _NAN.match(text):
        number = YFloat(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf")
                        .replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
    else:
        return text
    number.source = text
    return number


_EXPLICIT: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool,
                                                 "null": type(None)}


class _LoadError(Exception):
    def __init__(self, node: Node, message: str, fix: str) -> None:
        super().__init__(message)
        self.pos = _pos(node)
        self.message = message
        self.fix = fix


def _pos(node: Node) -> Pos:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _duplicate(key_node: ScalarNode, first: Pos) -> NoReturn:
    raise _LoadError(key_node, f"duplicate key {key_node.value!r} (first defined on line {first[0]})",
                     "remove one of the two entries")


# line (0-based) -> (the block mapping, the key, the key's column) of a line that holds one entry of a block
# mapping whose key is plain and whose value is a plain or quoted scalar on that same line
Lines = dict[int, tuple["YMap", str, int]]


class _Builder:
    """Turns one document's node graph into YMap / YList / scalars; with ``lines``, also records which lines
    hold a whole ``key: scalar`` entry of a block mapping (what history needs to derive a version whose only
    change is such a line, see :mod:`fitsm_kit.gitcontrol.docread`)."""

    def __init__(self, lines: Lines | None = None) -> None:
        self.count = 0
        self.lines = lines

    def build(self, node: Node, depth: int = 0) -> Any:
        # This walk is the loader's hot path (every node of every file): plain scalars are handled
        # inline and positions are computed once per node.
        self.count += 1
        if self.count > MAX_NODES_PER_FILE:
            self._too_many(node)
        if depth > MAX_DEPTH:
            raise _LoadError(node, f"nesting deeper than {MAX_DEPTH} levels",
                             "flatten the structure; SMS documents need only a few levels")
        cls = type(node)
        if cls is ScalarNode:
            return resolve_plain(node.value) if node.tag == _PLAIN else self._scalar(node)
        depth += 1
        if cls is SequenceNode:
            self._check_tag(node, "seq")
            seq = YList(_pos(node))
            positions = seq.item_pos
            for item in node.value:
                if type(item) is ScalarNode and item.tag == _PLAIN:
                    self.count += 1
                    seq.append(resolve_plain(item.value))
                else:
                    seq.append(self.build(item, depth))
                mark = item.start_mark
                positions.append((mark.line + 1, mark.column + 1))
            if self.count > MAX_NODES_PER_FILE:  # inline scalars skip the check at the top
                self._too_many(node)
            return seq
        assert cls is MappingNode
        self._check_tag(node, "map")
        mapping = YMap(_pos(node))
        key_pos, value_pos = mapping.key_pos, mapping.value_pos
        lines = self.lines if self.lines is not None and not node.flow_style else None
        merge: tuple[Node, Node] | None = None  # the merge key and its value
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                raise _LoadError(key_node, "a mapping key must be a plain value", "use a string key")
            if key_node.tag != _PLAIN:
                self._scalar(key_node)  # validates an explicit tag on the key
            key = key_node.value  # keys are always read as written: `1.10:` and `NO:` stay text
            if key == MERGE_KEY and key_node.tag == _PLAIN:
                if merge is not None:
                    _duplicate(key_node, _pos(merge[0]))
                merge = (key_node, value_node)  # merged once the mapping's own keys are known: they win
                continue
            if key in mapping:
                _duplicate(key_node, key_pos[key])
            if type(value_node) is ScalarNode and value_node.tag == _PLAIN:
                self.count += 1
                mapping[key] = resolve_plain(value_node.value)
            else:
                mapping[key] = self.build(value_node, depth)
            mark = key_node.start_mark
            key_pos[key] = (mark.line + 1, mark.column + 1)
            mark = value_node.start_mark
            value_pos[key] = (mark.line + 1, mark.column + 1)
            if (lines is not None and type(value_node) is ScalarNode and value_node.style in _ONE_LINE_STYLES
                    and key_node.tag == _PLAIN and key_node.start_mark.line == value_node.end_mark.line):
                lines[mark.line] = (mapping, key, key_node.start_mark.column)
        if merge is not None:
            self._merge(mapping, merge[1], depth)
        if self.count > MAX_NODES_PER_FILE:
            self._too_many(node)
        return mapping

    def _merge(self, mapping: YMap, node: Node, depth: int) -> None:
        """YAML's merge key: ``<<: *defaults`` (or a list of such mappings) adds each key of the merged
        mapping that ``mapping`` does not set itself, an earlier mapping of the list winning over a later
        one. YAML 1.2 dropped it, but PyYAML, ruamel.yaml, GitLab CI and Compose all read it so, and an SMS
        written by their users does too; read as a plain key it was an unknown field, and the fields it
        merged (an approval) were missing from the document."""
        if type(node) is SequenceNode:
            self._check_tag(node, "seq")
            sources = node.value
        else:
            sources = [node]
        for source_node in sources:
            if type(source_node) is not MappingNode:
                raise _LoadError(source_node, "a merge key ('<<') takes a mapping or a list of mappings",
                                 "merge an anchored mapping ('<<: *name') or write the fields out")
            source = self.build(source_node, depth)
            for key, value in source.items():
                if key not in mapping:
                    self.count += 1
                    mapping[key] = value
                    mapping.key_pos[key] = source.key_pos[key]  # where the merged entry is written
                    mapping.value_pos[key] = source.value_pos[key]

    def _too_many(self, node: Node) -> NoReturn:
        raise _LoadError(node, f"document has more than {MAX_NODES_PER_FILE:,} nodes (after alias expansion)",
                         "split the document, or remove the aliases (*name) that repeat large blocks")

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != _TAG + expected:
            raise _LoadError(node, f"unsupported tag {node.tag!r}", "remove the tag; SMS files use plain YAML")

    def _scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _PLAIN:
            return resolve_plain(text)
        if tag == _TAG + "str":
            return text
        if tag in (_TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"):
            value = resolve_plain(text)
            wanted: type | tuple[type, ...] = _EXPLICIT[tag[len(_TAG):]]
            if isinstance(value, wanted):
                return value
            raise _LoadError(node, f"{text!r} is not a valid {tag[len(_TAG):]}", "fix the value or drop the tag")
        raise _LoadError(node, f"unsupported tag {tag!r}", "remove the tag; SMS files use plain YAML")


# The other encodings YAML 1.2 allows, by their byte order mark (UTF-32 first: its LE mark begins with UTF-16's).
# fitsm reads UTF-8 only (docs/threat-model.md), but Notepad's "Unicode" is UTF-16: say so, not "binary".
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
              (codecs.BOM_UTF16_BE, "UTF-16"))


def wide_encoding(data: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when ``data`` starts with the byte order mark of one, else None."""
    if data[:1] not in _WIDE_FIRST:  # most files (history reads tens of thousands of versions)
        return None
    return next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None)


_WIDE_FIRST = frozenset(bom[:1] for bom, _ in _WIDE_BOMS)


def as_utf8(data: bytes) -> bytes:
    """A UTF-16 or UTF-32 file's bytes (by its byte order mark) as UTF-8, so that what it holds can be told
    although it is not read; other bytes as they are."""
    wide = wide_encoding(data)
    return data if wide is None else data.decode(wide.lower(), "replace").encode("utf-8")


def decode(data: bytes) -> tuple[str | None, LoadProblem | None]:
    """A file's bytes as the text the parser reads (UTF-8, an optional BOM, CRLF and CR as LF), else why not.

    Every YAML line break is a line feed in the data anyway; as LF, the document markers where parsing resumes
    after a syntax error are found, and lines are counted as the parser counts them.
    """
    wide = wide_encoding(data)
    if wide is not None:
        return None, LoadProblem(1, 1, f"file is {wide} text (it starts with a {wide} byte order mark), not UTF-8",
                                 "save the file as UTF-8 (Notepad calls UTF-16 'Unicode')")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return None, LoadProblem(line, 1, "file contains NUL bytes (binary file?)",
                                 "SMS documents must be UTF-8 text; move binary files out of the SMS tree")
    try:  # as "utf-8-sig" decodes, without that codec's Python wrapper and copy
        text = data[3:].decode("utf-8") if data.startswith(codecs.BOM_UTF8) else data.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = err.object  # the bytes after a BOM: err.start counts from there, not from the file's start
        line = bad[: err.start].count(b"\n") + 1
        return None, LoadProblem(line, 1, f"file is not valid UTF-8 (byte 0x{bad[err.start]:02x})",
                                 "save the file as UTF-8")
    if "\r" in text:  # looking first is 10x faster; a lone CR ("Macintosh (CR)" line ends) is a line break too
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufeff" in text:  # YAML 1.2 lets every document of a stream start with a BOM (files joined by 'copy /b')
        text = text.replace("\n\ufeff", "\n")
    return text, None


def _control_character(err: yaml.reader.ReaderError, text: str) -> LoadProblem:
    """A character YAML does not allow (a control character), named with its own line and column: the
    reader's error has only an offset ("position 533") and a line break in its text."""
    # libyaml counts bytes of the UTF-8 text, the pure-Python reader characters
    before = (text.encode("utf-8", "surrogatepass")[:err.position].decode("utf-8", "replace")
              if _CParser is not yaml.SafeLoader else text[:err.position])
    line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
    dos = " (Ctrl-Z, the end-of-file mark that 'copy' and old DOS editors append)" if err.character == 0x1A else ""
    return LoadProblem(line, col, f"YAML syntax error: control character U+{err.character:04X}{dos} is not allowed",
                       "delete the character (most editors do not show it)")


def _yaml_problem(err: yaml.YAMLError, text: str) -> LoadProblem:
    if isinstance(err, yaml.reader.ReaderError) and isinstance(err.character, int):
        return _control_character(err, text)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    message = f"YAML syntax error: {context + ', ' if context else ''}{problem}"
    source_line = text.split("\n", line)[line - 1] if line <= text.count("\n") + 1 else ""
    if "\t" in source_line[:col]:
        return LoadProblem(line, col, "YAML syntax error: tab character in indentation",
                           "indent with spaces, not tabs")
    if problem == "found undefined alias":
        return LoadProblem(line, col, message, "define the anchor (&name) earlier in this document: an anchor "
                           "does not reach past the '---' that ends its document")
    return LoadProblem(line, col, message, "fix the YAML syntax at this position")


def _parser_limits_nesting() -> bool:
    """Whether the parser refuses deep nesting by itself (libyaml >= 0.2.6, or pure Python's recursion limit)."""
    probe = _CParser("[" * (MAX_PARSE_DEPTH + 1) + "]" * (MAX_PARSE_DEPTH + 1))
    try:
        probe.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return True
    finally:
        probe.dispose()
    return False


_PARSER_LIMITS_NESTING = _parser_limits_nesting()


def too_deep(text: str) -> int | None:
    """The line where nesting first passes MAX_PARSE_DEPTH, when the parser would not stop there itself.

    Older libyaml (e.g. Debian's 0.2.5) composes recursively in C and segfaults near 35,000 levels, and
    scans deep flow nesting in quadratic time. Nesting is at most 2 * (flow brackets + longest line + 1)
    (a block level needs a deeper column every two levels), so most files are cleared by counting; the
    rest are walked with the pure-Python parser's events, which is iterative and stops at the limit.
    """
    if _PARSER_LIMITS_NESTING:
        return None
    longest = max(map(len, text.split("\n")))
    if 2 * (text.count("[") + text.count("{") + longest + 1) <= MAX_PARSE_DEPTH:
        return None
    parser = yaml.SafeLoader(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_PARSE_DEPTH:
                    return int(event.start_mark.line) + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # the real parse reports it
    finally:
        parser.dispose()
    return None


def iter_documents(text: str) -> Iterator[tuple[int, Any] | LoadProblem]:
    """Yield (line, data) per document, or a LoadProblem.

    After a syntax error, parsing resumes at the next ``---`` line (up to MAX_SYNTAX_ERRORS times), so a
    broken document does not hide the documents after it.
    """
    deep = too_deep(text)
    if deep is not None:
        yield LoadProblem(deep, 1, f"nesting deeper than {MAX_PARSE_DEPTH:,} levels",
                          "flatten the structure; SMS documents need only a few levels")
        return
    source, start_line, starts = text, 1, None
    for _ in range(MAX_SYNTAX_ERRORS):
        error = yield from _parse(source)
        if error is None:
            return
        starts = _document_starts(text) if starts is None else starts
        # restart at the '---' that caused the error, else at the next one; always move forward
        first = max(error[0] + (error[1] != 1), start_line + 1)
        resume = next(((line, offset) for line, offset in starts if line >= first), None)
        if resume is None:
            return
        start_line = resume[0]
        source = "\n" * (start_line - 1) + text[resume[1]:]  # blank lines keep every line number


# a document marker: "---" at column 1, then a blank, a line break or the end (history splits files at it too)
DOC_START = re.compile(r"^---(?=[ \t\n]|$)", re.MULTILINE)
MAX_SYNTAX_ERRORS = 20


def _document_starts(text: str) -> list[Pos]:
    """(line, offset) of every ``---`` document marker; a marker at column 1 always starts a document."""
    starts, line, last = [], 1, 0
    for match in DOC_START.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        starts.append((line, last))
    return starts


def clean_documents(text: str) -> tuple[list[Any], list[Lines]] | None:
    """The data of every document of ``text`` and, per document, its :data:`Lines`, exactly as
    :func:`iter_documents` loads them; None when anything in ``text`` does not load cleanly (a syntax error,
    a bad tag, a duplicate key, a limit), where :func:`iter_documents` would report or recover."""
    if too_deep(text) is not None:
        return None
    documents: list[Any] = []
    lines: list[Lines] = []
    parse = _parse(text, lines)
    try:
        while True:
            item = next(parse)
            if isinstance(item, LoadProblem):
                return None
            documents.append(item[1])
    except StopIteration as stop:
        if stop.value is not None:
            return None  # a syntax error ended the parse
    return documents, lines


def _parse(text: str, lines: list[Lines] | None = None) -> Generator[tuple[int, Any] | LoadProblem, None, Pos | None]:
    """Yield the documents of ``text``; return where a syntax error stopped the parser, if one did. With
    ``lines``, each document's :data:`Lines` are appended to it."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node guarantees a node
                break
            try:
                if lines is None:
                    yield (_pos(node)[0], _Builder().build(node))
                    continue
                lines.append({})
                yield (_pos(node)[0], _Builder(lines[-1]).build(node))
            except _LoadError as err:
                yield LoadProblem(*err.pos, err.message, err.fix)
            except RecursionError:
                yield LoadProblem(*_pos(node), "document is nested too deeply",
                                  "flatten the structure; SMS documents need only a few levels")
    except yaml.YAMLError as err:
        problem = _yaml_problem(err, text)
        yield problem
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        if mark is None and not isinstance(err, yaml.reader.ReaderError):
            return None
        return problem.line, problem.col
    except RecursionError:
        yield LoadProblem(1, 1, "document is nested too deeply to parse", "flatten the structure")
    except MemoryError:  # the node graph is freed on the way out; the rest of the tree is still checked
        yield LoadProblem(1, 1, "not enough memory to load this file", "split it into smaller files")
    finally:
        loader.dispose()
    return None


def load_file(path: Path, display: str) -> LoadedFile:
    """Load every document of one file; problems are collected, never raised."""
    data = read_file(path)
    if isinstance(data, LoadProblem):
        return LoadedFile(display, problems=[data])
    return load_bytes(data, display)


def load_bytes(data: bytes, display: str) -> LoadedFile:
    """Load every document of one file's bytes; problems are collected, never raised."""
    result = LoadedFile(display)
    text, problem = decode(data)
    if problem is not None or text is None:
        result.problems.append(problem or LoadProblem(1, 1, "cannot decode file", "save it as UTF-8"))
        return result
    for item in iter_documents(text):
        if isinstance(item, LoadProblem):
            result.problems.append(item)
        else:
            result.documents.append(item)
    return result
