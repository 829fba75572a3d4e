"""Property-based tests: no input makes the loader or the engine raise, and every finding has a place.

Fixed budget and seed (``derandomize=True``), no deadline: the suite must not flake on a loaded machine.
Inputs are YAML-ish text built from YAML's own tokens, arbitrary bytes, and mutations of the documents
of ``examples/acme`` (keys dropped, values replaced by any kind of value, kinds swapped, keys added).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitsm_kit import cli
from fitsm_kit.engine.run import check
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.rules.base import REGISTRY
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.loader import LoadProblem, YFloat, YInt, YList, YMap, iter_documents, load_file

from conftest import EXAMPLES, Run

FIXED = settings(derandomize=True, deadline=None, database=None, max_examples=150,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
AS_OF = dt.date(2026, 11, 26)

TOKENS = ["a", "kind", "Person", "apiVersion", "fitsm.eu/v1", "metadata", "id", "spec", ":", ": ", " ", "  ",
          "\n", "\r\n", "\t", "- ", "-", "[", "]", "{", "}", ", ", "&x ", "*x", "!!str ", "!!int ", "!tag ",
          "!!python/object:os.system ", "'", '"', "# c", "---\n", "...\n", "? ", "| ", "> ", "%YAML 1.2\n",
          "\ufeff", "\x00", "\x1b[31m", "1.10", "NO", "~", "null", "0x1F", ".inf", "2026-13-45", "é", "\u202e"]
yamlish = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _check_positions(items: list[Any], text: str) -> None:
    for item in items:
        line, col = (item.line, item.col) if isinstance(item, LoadProblem) else (item[0], 1)
        assert 1 <= line <= _lines(text) + 1 and col >= 1, item


@FIXED
@given(st.one_of(yamlish, st.text(max_size=200)))
def test_loader_never_raises_and_places_every_problem(text: str) -> None:
    items = list(iter_documents(text))
    _check_positions(items, text)


@FIXED
@given(st.binary(max_size=300))
def test_load_file_takes_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(data)
        loaded = load_file(path, "x.yaml")
    text = data.decode("utf-8", errors="replace")
    for p in loaded.problems:
        assert 1 <= p.line <= _lines(text) + 1 and p.col >= 1 and p.message and p.fix


def _plain(value: Any) -> Any:
    """Loader data as plain Python, so that yaml.safe_dump can write a mutated copy back."""
    if isinstance(value, YMap):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, YList):
        return [_plain(v) for v in value]
    if isinstance(value, YInt):
        return int(value)
    if isinstance(value, YFloat):
        return float(value)
    return value


def _example_documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted((EXAMPLES / "acme").rglob("*.yaml")):
        if path.name != "fitsm.yaml":
            docs += [_plain(data) for _, data in load_file(path, path.name).documents if isinstance(data, YMap)]
    return docs


DOCUMENTS = _example_documents()
IDS = sorted({d["metadata"]["id"] for d in DOCUMENTS if isinstance(d.get("metadata"), dict)})
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                    st.sampled_from(IDS), st.sampled_from(sorted(KINDS)),
                    st.sampled_from(["2026-01-01", "P12M", "P0D", "", "x-note", "approved", "live"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


def _mutate(doc: Any, draw: Callable[[st.SearchStrategy[Any]], Any]) -> Any:
    """Walk to a random place in ``doc`` and drop, replace or add something there."""
    node = doc
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        child = node[draw(st.sampled_from(keys))]
        if not isinstance(child, (dict, list)):
            break
        node = child
    if isinstance(node, dict):
        op = draw(st.sampled_from(["drop", "replace", "add"]))
        if op == "add" or not node:
            node[draw(st.one_of(st.text(max_size=8), st.sampled_from(["kind", "metadata", "spec", "x-y"])))] = \
                draw(values)
        elif op == "drop":
            del node[draw(st.sampled_from(sorted(node)))]
        else:
            node[draw(st.sampled_from(sorted(node)))] = draw(values)
    elif isinstance(node, list):
        if node and draw(st.booleans()):
            node.pop(draw(st.integers(0, len(node) - 1)))
        else:
            node.append(draw(values))
    return doc


@st.composite
def mutated_sms(draw: Callable[[st.SearchStrategy[Any]], Any]) -> dict[str, str]:
    """One to three files of mutated example documents (or, rarely, any value at all)."""
    files: dict[str, str] = {}
    for n in range(draw(st.integers(1, 3))):
        docs = []
        for _ in range(draw(st.integers(1, 3))):
            doc = yaml.safe_load(yaml.safe_dump(draw(st.sampled_from(DOCUMENTS))))  # a deep copy
            for _ in range(draw(st.integers(0, 4))):
                doc = _mutate(doc, draw)
            docs.append(draw(st.one_of(st.just(doc), values)) if draw(st.integers(0, 9)) == 0 else doc)
        files[f"part {n}/docs.yaml"] = yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True)
    return files


def _write(root: Path, files: dict[str, str]) -> None:
    (root / "fitsm.yaml").write_text(f"as_of: {AS_OF}\n", encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


@FIXED
@given(mutated_sms())
def test_engine_never_raises_and_every_finding_has_a_file_and_line(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, files)
        result = check(root, Config(), AS_OF)  # a RuleCrash here is a bug the property found
    lines = {rel: _lines(text) for rel, text in files.items()} | {"fitsm.yaml": 2}
    for f in result.findings:
        assert f.path in lines, f
        assert 1 <= f.line <= lines[f.path] + 1 and f.col >= 1, f
        assert f.requirement and f.rule and f.message


@settings(FIXED, max_examples=25)
@given(files=mutated_sms())
def test_cli_exits_0_1_or_2_never_3(files: dict[str, str], fitsm: Callable[..., Run]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), files)
        run = fitsm("check", tmp, "--no-cache")
    assert run.code in (0, 1), run.err
    assert "internal error" not in run.err


def test_exit_3_is_kept_for_real_bugs_and_says_how_to_report(fitsm: Callable[..., Run],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that raises is a bug in fitsm-kit: exit 3, what crashed, and where to report it."""
    name, rule = next(iter(sorted(REGISTRY.items())))

    def crash(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("planted bug")

    monkeypatch.setitem(REGISTRY, name, dataclasses.replace(rule, check=crash, kinds=()))
    run = fitsm("check", EXAMPLES / "acme", "--no-cache")
    assert run.code == 3
    assert f"rule {name} crashed" in run.err and "ZeroDivisionError" in run.err
    assert cli.ISSUES_URL in run.err and "not in your SMS" in run.err
    assert "Traceback" not in run.out + run.err
