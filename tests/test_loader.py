from __future__ import annotations

import codecs
from pathlib import Path

from fitsm_kit.engine.load import claimed_ids, claimed_kinds
from fitsm_kit.sms.loader import (
    LoadProblem,
    YFloat,
    YInt,
    YList,
    YMap,
    as_utf8,
    iter_documents,
    load_bytes,
    load_file,
)


def load_one(text: str) -> object:
    items = list(iter_documents(text))
    assert len(items) == 1, items
    item = items[0]
    assert not isinstance(item, LoadProblem), item
    return item[1]


def test_yaml_12_scalars() -> None:
    data = load_one("country: NO\nanswer: yes\nversion: 1.10\nflag: true\nnothing: ~\noct: 0o17\n"
                    "date: 2026-01-05\nquoted: '1.10'\n")
    assert isinstance(data, YMap)
    assert data["country"] == "NO"
    assert data["answer"] == "yes"
    assert isinstance(data["version"], YFloat) and data["version"].source == "1.10"
    assert data["flag"] is True
    assert data["nothing"] is None
    assert isinstance(data["oct"], YInt) and data["oct"] == 15
    assert data["date"] == "2026-01-05"  # YAML 1.2 has no timestamps: the model parses dates
    assert data["quoted"] == "1.10"


def test_positions_of_keys_values_and_items() -> None:
    data = load_one("a:\n  b: 1\n  c:\n    - x\n    - y\n")
    assert isinstance(data, YMap)
    inner = data["a"]
    assert inner.key_pos["b"] == (2, 3)
    assert inner.value_pos["b"] == (2, 6)
    items = inner["c"]
    assert isinstance(items, YList)
    assert items.item_pos == [(4, 7), (5, 7)]


def test_duplicate_key_is_a_problem_at_the_second_key() -> None:
    (item,) = iter_documents("a: 1\nb: 2\na: 3\n")
    assert isinstance(item, LoadProblem)
    assert (item.line, item.col) == (3, 1)
    assert "duplicate key 'a'" in item.message and "line 1" in item.message


def test_unknown_tags_never_construct_anything() -> None:
    (item,) = iter_documents("a: !!python/object:os.system echo hi\n")
    assert isinstance(item, LoadProblem)
    assert "unsupported tag" in item.message


def test_tabs_are_a_syntax_error_with_a_hint() -> None:
    (item,) = iter_documents("a:\n\tb: 1\n")
    assert isinstance(item, LoadProblem)
    assert item.line == 2
    assert "tab" in item.fix


def test_syntax_error_keeps_the_documents_before_it() -> None:
    items = list(iter_documents("a: 1\n---\nb: [\n"))
    assert isinstance(items[0], tuple) and items[0][1] == {"a": 1}
    assert isinstance(items[1], LoadProblem)


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    items = list(iter_documents("\n".join(lines) + "\n"))
    assert isinstance(items[0], LoadProblem)
    assert "alias" in items[0].message


def test_deep_nesting_is_bounded() -> None:
    (item,) = iter_documents("a: " + "[" * 200 + "]" * 200 + "\n")
    assert isinstance(item, LoadProblem)
    assert "nest" in item.message


def test_binary_bom_and_crlf_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"a: 1\n\x00\x01")
    assert "NUL" in load_file(binary, "bin.yaml").problems[0].message
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: caf\xe9\n".encode("latin-1"))
    assert "UTF-8" in load_file(latin, "latin.yaml").problems[0].message
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffa: 1\r\nb: 2\r\n".encode())
    loaded = load_file(bom, "bom.yaml")
    assert not loaded.problems
    assert loaded.documents[0][1] == {"a": 1, "b": 2}


def test_a_file_saved_as_utf16_is_named_so_not_binary_and_still_claims_its_ids() -> None:
    # Notepad's "Unicode" is UTF-16 LE with a byte order mark: refused (UTF-8 only), with the way out
    text = 'apiVersion: fitsm.eu/v1\r\nkind: KPI\r\nmetadata:\r\n  id: "kpi.dispo-depot"\r\n'
    for data, name in ((text.encode("utf-16"), "UTF-16"), (codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "UTF-16"),
                       (text.encode("utf-32"), "UTF-32")):
        [problem] = load_bytes(data, "kpi.yaml").problems
        assert (problem.line, problem.col) == (1, 1)
        assert problem.message == f"file is {name} text (it starts with a {name} byte order mark), not UTF-8"
        assert "save the file as UTF-8" in problem.fix
        assert (claimed_ids(as_utf8(data)), claimed_kinds(as_utf8(data))) == ({"kpi.dispo-depot"}, ["KPI"])


def test_a_bom_before_a_later_document_is_read_as_yaml_1_2_allows() -> None:
    # two files saved by Notepad (each with a BOM) joined with 'copy /b a.yaml+b.yaml': libyaml alone refused it
    for joined, line in (("\ufeffa: 1\r\n...\r\n\ufeff---\r\nb: 2\r\n", 4), ("\ufeffa: 1\n\ufeff---\nb: 2\n", 3)):
        loaded = load_bytes(joined.encode(), "joined.yaml")
        assert (loaded.problems, loaded.documents) == ([], [(1, {"a": 1}), (line, {"b": 2})])


def test_a_control_character_is_named_at_its_line_not_as_an_offset() -> None:
    # 'copy a.yaml+b.yaml c.yaml' appends Ctrl-Z; the reader said "position 533" at 1:1, over two lines
    [problem] = load_bytes("title: Dépôt\r\nb: 2\r\n...\r\n\x1a".encode(), "risk.yaml").problems
    assert (problem.line, problem.col) == (4, 1)
    assert problem.message == ("YAML syntax error: control character U+001A (Ctrl-Z, the end-of-file mark that "
                               "'copy' and old DOS editors append) is not allowed")
    loaded = load_bytes(b"a: 1\n---\nb: x\x07y\n---\nc: 3\n", "bell.yaml")
    assert [(p.line, p.col, p.message) for p in loaded.problems] == [
        (3, 5, "YAML syntax error: control character U+0007 is not allowed")]
    assert loaded.documents == [(5, {"c": 3})]  # the documents after it are read


def test_cr_line_ends_are_line_breaks_also_for_what_follows_a_syntax_error() -> None:
    # "Macintosh (CR)" line ends: the parser read them, but the document after a broken one was lost
    loaded = load_bytes(b"a: 1\r---\rc: [\r---\rd: 4\r", "cr.yaml")
    assert [(p.line, p.col) for p in loaded.problems] == [(4, 1)]
    assert loaded.documents == [(1, {"a": 1}), (5, {"d": 4})]


def test_a_bad_byte_after_a_bom_is_named_with_its_own_line(tmp_path: Path) -> None:
    # the decoder counts from after the BOM: counted in the whole file, the line and the byte were wrong
    for prefix in (b"", "\ufeff".encode()):
        bad = tmp_path / "bad.yaml"
        bad.write_bytes(prefix + b"a: 1\nb: 2\nc: caf\xe9\nd: 4\n")
        [problem] = load_file(bad, "bad.yaml").problems
        assert (problem.line, problem.message) == (3, "file is not valid UTF-8 (byte 0xe9)")
