"""A file version derived from the next newer one (one ``key: value`` line changed) reads exactly as if it
had been parsed: the same documents, ids, versions and fingerprints (see ``fitsm_kit.gitcontrol.docread``).

Compared over every line of every example file with many replacement values, over every pair of
consecutive versions of the examples in this repository's own history, over values Hypothesis generates,
and through whole histories built with and without derivation.
"""

from __future__ import annotations

import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitsm_kit.gitcontrol import docread, histcache
from fitsm_kit.gitcontrol import history as history_module
from gitsms import GitSms, no_user_git_config

from conftest import EXAMPLES, REPO

_isolated = pytest.fixture(autouse=True)(no_user_git_config)
FIXED = settings(derandomize=True, deadline=None, database=None, max_examples=300,
                 suppress_health_check=[HealthCheck.too_slow])

# replacement values: plain words and sentences, numbers and versions, YAML's special words, quoted forms,
# and text the derivation must refuse or read exactly (indicators, comments, colons, anchors, tags, escapes,
# block scalars, flow collections, non-ASCII and non-printable characters, trailing blanks)
VALUES = ["x", "revision 7", "1.10", "010", "0x1F", "-1", "+2", ".5", "1e3", ".inf", "-.Inf", ".nan", "~", "null",
          "Null", "true", "False", "NO", "yes", "on", "2026-01-01", "2026-01-01T10:00:00Z", '"quoted"', "'single'",
          "'it''s'", '"a\\tb"', '"é \\u00e9"', '""', "''", "a: b", "a #comment", "a#b", "#only", "&anchor x", "*alias",
          "!!str 5", "!tag x", "|", "|-", ">", "> folded", "[a, b]", "{a: 1}", "[unclosed", "- item", "? key",
          "@at", "`tick", "%percent", "99.9%", "a,b", "(paren)", "a/b", "é", "a\u00a0", "\u00a0a", "a  b",
          "a   ", '"x"  ', "'x' # c", '"x" y', "'unterminated", '"bad \\q"', "\ufeffbom", "a\u2028b", "a\x85b",
          "a\rb", "a\tb", "\x01", "\ufffe", "x: y: z", "-", "--- x", "... y", "k:", "a:b", "http://x/y"]


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.yaml") if p.name != "fitsm.yaml")


def parsed(text: str) -> tuple[docread.DocState, ...]:
    return docread.Reader().read(text.encode("utf-8")).states


def derived(old: str, new: str, counter: list[int] | None = None) -> tuple[docread.DocState, ...]:
    """``new`` read by a reader that read ``old`` just before, as its base (as history reads versions)."""
    reader = docread.Reader()
    base = reader.read(old.encode("utf-8"))
    result = reader.read(new.encode("utf-8"), base)
    if counter is not None and result.pieces is not None and base.pieces is not None:
        counter[0] += any(p.data is not None and any(p.data is q.data for q in base.pieces) and p.text not in
                          {q.text for q in base.pieces} for p in result.pieces)
    return result.states


def one_line_edits(text: str, values: list[str], per_line: int | None = None) -> Iterator[str]:
    """``text`` with the value after the first ``: `` of one line replaced by each of ``values`` (with
    ``per_line``, by that many of them per line, taken in turn, so that every value is used)."""
    lines = text.split("\n")
    turn = 0
    for i, line in enumerate(lines):
        head, sep, _ = line.partition(": ")
        if not sep:
            continue
        chosen = values if per_line is None else [values[(turn + k) % len(values)] for k in range(per_line)]
        turn += per_line or 0
        for value in chosen:
            yield "\n".join([*lines[:i], f"{head}: {value}", *lines[i + 1:]])


def example_documents() -> list[tuple[Path, str]]:
    """Each document of each example file, with the comment lines above it (what history parses as one)."""
    return [(path, doc + "\n") for path in example_files()
            for doc in path.read_text(encoding="utf-8").split("\n---\n")]


def test_every_line_of_every_example_with_many_values() -> None:
    count = [0]
    checked = 0
    for path, text in example_documents():
        for new in one_line_edits(text, VALUES, per_line=4):
            assert derived(text, new, count) == parsed(new), (path, new)
            assert derived(new, text) == parsed(text), (path, new)  # and back
            checked += 1
    assert checked > 12_000
    assert count[0] > checked // 3  # most of them were derived, not parsed


def test_whole_files_with_several_documents() -> None:
    """Files as they are, several documents each: an edit in one document derives only that one."""
    for path in example_files():
        text = path.read_text(encoding="utf-8")
        for new in list(one_line_edits(text, ["y", "'z'", "a: b"], per_line=1))[::7]:
            assert derived(text, new) == parsed(new), (path, new)


def test_edits_that_are_not_one_value_are_read_as_well() -> None:
    rng = random.Random(5)
    for path, text in example_documents()[::3]:
        lines = text.split("\n")
        for _ in range(10):
            i = rng.randrange(len(lines))
            variants = [lines[:i] + lines[i + 1:],  # a line removed
                        lines[:i] + [lines[i], lines[i]] + lines[i + 1:],  # a line doubled
                        lines[:i] + ["  " + lines[i]] + lines[i + 1:],  # indented
                        lines[:i] + [lines[i].replace(":", "", 1)] + lines[i + 1:],  # no longer an entry
                        lines[:i] + [lines[i] + "\n  extra: 1"] + lines[i + 1:],  # a line added below
                        lines[:i] + ["---"] + lines[i + 1:]]  # a document marker
            for variant in variants:
                new = "\n".join(variant)
                assert derived(text, new) == parsed(new), (path, i)


def test_consecutive_versions_in_this_repositorys_history() -> None:
    """Every pair of consecutive versions of an example file that this repository's own history holds."""
    try:
        log = subprocess.run(["git", "log", "--format=", "--raw", "--no-abbrev", "--no-renames", "--", "examples"],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a Git checkout of fitsm-kit")
    pairs = []
    for line in log.splitlines():
        meta, _, path = line.partition("\t")
        fields = meta.split()
        if len(fields) == 5 and path.endswith(".yaml") and set(fields[2]) != {"0"} and set(fields[3]) != {"0"}:
            pairs.append((fields[2], fields[3]))
    if not pairs:
        pytest.skip("no history of the examples in this checkout")

    def blob(sha: str) -> str:
        return subprocess.run(["git", "cat-file", "blob", sha], cwd=REPO, capture_output=True, check=True
                              ).stdout.decode("utf-8")

    for old, new in pairs:
        older, newer = blob(old), blob(new)
        assert derived(newer, older) == parsed(older)
        assert derived(older, newer) == parsed(newer)


def test_chains_of_derived_versions_stay_exact() -> None:
    """Many versions of one file, each derived from the one read before (newest first, as history reads
    them): the fingerprints updated along the changed path stay those of a fresh parse, step after step."""
    rng = random.Random(11)
    derivations = read = 0
    for path in example_files()[::2]:
        versions = [path.read_text(encoding="utf-8")]
        for step in range(40):  # a block entry's scalar replaced (an edit inside a flow mapping breaks it)
            lines = versions[-1].split("\n")
            entries = [i for i, line in enumerate(lines) if re.fullmatch(r" *[a-z_]+: [^\[{&*!|>#]*", line)]
            if not entries:
                break
            i = rng.choice(entries)
            value = rng.choice([f"v{step}", f"'q {step}'", str(step), "true", "~", '"x y"'])
            lines[i] = f"{lines[i].partition(': ')[0]}: {value}"
            versions.append("\n".join(lines))
        reader = docread.Reader()
        base = None
        for text in reversed(versions):
            version = reader.read(text.encode("utf-8"), base)
            assert version.states == parsed(text), path
            derivations += base is not None and version.pieces is not None and any(
                p.data is not None and any(p.data is q.data for q in base.pieces or ()) for p in version.pieces)
            read += 1
            base = version
    assert derivations > read // 2  # most were derived


def test_an_anchored_value_is_parsed_not_derived() -> None:
    """A value changed inside an anchored mapping changes each alias's copy too: read as parsed."""
    text = "metadata:\n  id: a\nspec:\n  base: &x\n    k: v1\n  other: *x\n"
    for value in ["v2", "'q'", "7"]:
        new = text.replace("k: v1", f"k: {value}")
        assert derived(text, new) == parsed(new)
        assert derived(new, text) == parsed(text)


def test_a_value_inside_a_merge_key_is_parsed_not_derived() -> None:
    """A value changed in a mapping merged with ``<<`` (no anchor needed when it is written inline) is copied
    into the mapping that merges it: read as parsed."""
    text = "metadata:\n  id: a\n  <<:\n    title: t1\n    status: draft\nspec:\n  x: 1\n"
    for value in ["t2", "'q'", "7"]:
        new = text.replace("title: t1", f"title: {value}")
        assert parsed(new) != parsed(text)
        assert derived(text, new) == parsed(new)
        assert derived(new, text) == parsed(text)


def test_fingerprints_read_the_data_not_its_writing() -> None:
    """Key order, quoting and flow or block style are not changes; a value's type, nesting or place is;
    ``content`` leaves out metadata.review, ``full`` keeps it."""
    def state(body: str) -> docread.DocState:
        (found,) = parsed(f"metadata:\n  id: a\n{body}")
        return found

    same = ["spec:\n  b: [1, x]\n  a: {k: v}\n", "spec: {a: {k: 'v'}, b: [1, \"x\"]}\n",
            "spec:\n  a:\n    k: v\n  b:\n    - 1\n    - x\n"]
    assert len({state(body) for body in same}) == 1
    different = ["spec:\n  a: 1\n", "spec:\n  a: '1'\n", "spec:\n  a: [1]\n", "spec:\n  a: {}\n",
                 "spec:\n  a: []\n", "spec:\n  a: [[]]\n", "spec:\n  a: [a, b]\n", "spec:\n  a: [b, a]\n",
                 "spec:\n  a: ['a,b']\n", "spec:\n  a: {b: c}\n", "spec:\n  a.b: c\n", "spec:\n  a: null\n",
                 "spec:\n  a: ''\n", "spec:\n  a: '#x'\n", "spec:\n  a: true\n", "spec:\n  a: 'true'\n",
                 "spec:\n  a: 1.10\n", "spec:\n  a: 1.1e0\n", "spec:\n  a: 0x10\n", "spec:\n  a: 16\n", ""]
    states = [state(body) for body in different]
    assert len({s.full for s in states}) == len(different) - 2  # 1.10 and 1.1e0 load as the same number,
    assert states[16].full == states[17].full  # as do 0x10 and 16 (numbers, compared by value)
    reviewed = state("  review: {last_reviewed: 2026-01-01}\nspec:\n  a: 1\n")
    re_reviewed = state("  review: {last_reviewed: 2026-06-01}\nspec:\n  a: 1\n")
    assert reviewed.content == re_reviewed.content == states[0].content
    assert len({reviewed.full, re_reviewed.full, states[0].full}) == 3


DOC = "apiVersion: fitsm.eu/v1\nkind: SLA\nmetadata:\n  id: sla-x\n  title: {value}\n  version: \"1.0\"\n" \
      "  review: {{interval: P12M}}\nspec:\n  items:\n    - name: {value}\n      note: x\n  last: 1\n"
ALPHABET = st.sampled_from(list("aZ09 _.,-+/()'\"\\:#&*!|>%@`[]{}?~=é\u00a0\t\u2028\x85\r\x00\ufeff"))


@FIXED
@given(old=st.text(ALPHABET, max_size=12), new=st.text(ALPHABET, max_size=12))
def test_generated_values(old: str, new: str) -> None:
    before, after = DOC.format(value=old), DOC.format(value=new)
    assert derived(before, after) == parsed(after)


@FIXED
@given(value=st.text(ALPHABET, max_size=12), quote=st.sampled_from(["", "'", '"']),
       pad=st.sampled_from(["", " ", "  "]))
def test_generated_quoted_values(value: str, quote: str, pad: str) -> None:
    after = DOC.format(value=f"{quote}{value}{quote}{pad}")
    assert derived(DOC.format(value="start"), after) == parsed(after)


def _view(history: history_module.History) -> object:
    return history.commits, history.documents


def test_histories_with_and_without_derivation_are_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole histories of random one-line edits (also reverts, moves and multi-line edits), built twice."""
    rng = random.Random(3)
    repo = GitSms(tmp_path / "sms")
    repo.root.mkdir()
    repo.git("init", "-q", "-b", "main")
    files = {}
    for path in example_files():
        rel = path.relative_to(EXAMPLES / path.relative_to(EXAMPLES).parts[0]).as_posix()
        files[f"{path.relative_to(EXAMPLES).parts[0]}-{rel.replace('/', '-')}"] = path.read_text(encoding="utf-8")
    for name, text in files.items():
        (repo.root / name).write_text(text, encoding="utf-8")
    (repo.root / "fitsm.yaml").write_text("as_of: 2026-11-26\n", encoding="utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Import")
    names = sorted(files)
    previous: dict[str, str] = {}
    for step in range(60):
        name = rng.choice(names)
        path = repo.root / name
        text = path.read_text(encoding="utf-8")
        if step % 10 == 9 and name in previous:
            new = previous[name]  # a revert
        else:
            options = list(one_line_edits(text, [f"v{step}", f"'q {step}'", "true", str(step), "a: b"]))
            new = rng.choice(options) if options else text + f"# {step}\n"
            if step % 7 == 6:
                new = new.replace("\n", "\n# note\n", 1)  # a second change elsewhere
        previous[name] = text
        path.write_text(new, encoding="utf-8")
        repo.git("commit", "-q", "-a", "-m", f"Edit {step}", "--allow-empty")
    top = repo.root.resolve()
    head = repo.git("rev-parse", "HEAD").strip()
    real, used = docread._derive_piece, [0]

    def counting(*args: object) -> object:
        result = real(*args)  # type: ignore[arg-type]
        used[0] += result is not None
        return result

    monkeypatch.setattr(docread, "_derive_piece", counting)
    with_derivation = history_module.build(top, "", head)
    # the one-value edits were derived (other edits, and values like 'a: b', are parsed; so is a version whose
    # text is also a file's newest, which is read first, while git log runs: 9 here, 17 without reading ahead)
    assert used[0] >= 5
    monkeypatch.setattr(docread, "_derive_piece", lambda *args: None)
    without = history_module.build(top, "", head)
    assert with_derivation is not None and without is not None
    assert _view(with_derivation) == _view(without)
    assert len(with_derivation.commits) > 40
    cached = histcache.start(top, "", head, tmp_path / "cache")()
    assert _view(cached) == _view(without)
