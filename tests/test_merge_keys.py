"""YAML merge keys (``<<: *defaults``), as an outside maintainer who also writes GitLab CI or Compose files uses them.

Read as a plain key (YAML 1.2 has no merge), ``<<`` was an unknown field and what it merged was missing: an
approval given through it became "approved but no approval is recorded", and ``fitsm review`` of such a
document ended in an internal error.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.sms.loader import LoadProblem, YMap, iter_documents
from test_loader import load_one

from conftest import Run

FEDERATION = Path(__file__).parent / "conformity" / "sms" / "federation-cloud"
# the document control of dc-sla-vo-climate in agreements/slas.yaml, written out
CONTROL = "  approval: {approved_by: marek.novotny, approved_on: 2026-03-10}\n  review: {last_reviewed: 2026-09-22}\n"


def test_own_keys_win_over_merged_ones_wherever_they_are_written() -> None:
    data = load_one("base: &b {a: 1, b: 2}\nfirst:\n  b: 20\n  <<: *b\nafter:\n  <<: *b\n  b: 30\n")
    assert isinstance(data, YMap)
    assert data["first"] == {"a": 1, "b": 20}
    assert data["after"] == {"a": 1, "b": 30}
    assert data["first"].key_pos["a"] == (1, 11)  # a merged entry is found where it is written
    assert data["first"].key_pos["b"] == (3, 3)


def test_of_a_list_of_mappings_the_first_wins() -> None:
    data = load_one("x: &x {k: x, only_x: 1}\ny: &y {k: y, only_y: 2}\nz:\n  <<: [*x, *y]\n")
    assert isinstance(data, YMap)
    assert data["z"] == {"k": "x", "only_x": 1, "only_y": 2}


def test_an_inline_and_a_nested_merge() -> None:
    data = load_one("a: &a {k: 1}\nb: &b {<<: *a, m: 2}\nc:\n  <<:\n    n: 3\n  <<x: 4\nd: {<<: *b}\n")
    assert isinstance(data, YMap)
    assert data["c"] == {"n": 3, "<<x": 4}
    assert data["d"] == {"k": 1, "m": 2}


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    data = load_one("a: &a {k: 1}\nb: {'<<': *a}\n")
    assert isinstance(data, YMap)
    assert data["b"] == {"<<": {"k": 1}}


@pytest.mark.parametrize(("text", "line", "message"), [
    ("a:\n  <<: just text\n", 2, "a merge key ('<<') takes a mapping or a list of mappings"),
    ("a: &a {k: 1}\nb:\n  <<: [*a, text]\n", 3, "a merge key ('<<') takes a mapping or a list of mappings"),
    ("a: &a {k: 1}\nb:\n  <<: *a\n  <<: *a\n", 4, "duplicate key '<<' (first defined on line 3)"),
])
def test_what_cannot_be_merged_is_a_problem_at_its_line(text: str, line: int, message: str) -> None:
    (item,) = iter_documents(text)
    assert isinstance(item, LoadProblem)
    assert item.line == line
    assert item.message == message


def test_merging_cannot_get_round_the_node_limit() -> None:
    lines = ["a0: &a0 {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x, k9: x}"]
    lines += [f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 10)}]}}" for i in range(1, 9)]
    items = list(iter_documents("\n".join(lines) + "\n"))
    assert isinstance(items[0], LoadProblem)
    assert "more than 1,000,000 nodes" in items[0].message


def test_an_alias_to_another_document_is_explained() -> None:
    items = list(iter_documents("a: &x {k: 1}\n---\nb: *x\n"))
    problem = items[1]
    assert isinstance(problem, LoadProblem)
    assert problem.line == 3 and "does not reach past the '---'" in problem.fix


def _federation(tmp_path: Path) -> Path:
    root = tmp_path / "federation-cloud"
    shutil.copytree(FEDERATION, root)
    return root


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_sms_written_with_merge_keys_checks_as_the_same_sms_written_out(
        tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = _federation(tmp_path)
    slas = root / "agreements" / "slas.yaml"
    _replace(slas, CONTROL, "  <<: {approval: {approved_by: marek.novotny, approved_on: 2026-03-10},\n"
             "       review: {last_reviewed: 2026-09-22}}\n")
    _replace(slas, '    - {id: avail, metric: availability, value: 96, unit: "%", period: P1M}\n'
                   "    - {id: resp-high, metric: response-time, value: 4, unit: hours, priority: high, period: P1M}\n"
                   "    - {id: capacity, metric: other, value: 2000, unit: count, period: P1M,",
             '    - &monthly {id: avail, metric: availability, value: 96, unit: "%", period: P1M}\n'
             "    - {<<: *monthly, id: resp-high, metric: response-time, value: 4, unit: hours, priority: high}\n"
             "    - {<<: *monthly, id: capacity, metric: other, value: 2000, unit: count,")
    result = fitsm("check", root, "--format", "json", "--no-cache")
    assert result.code == 0, result.out
    assert json.loads(result.out)["findings"] == []

    # a mistake in what is merged is reported for each mapping that merges it, at the line it is written on
    _replace(slas, '    - &monthly {id: avail, metric: availability, value: 96, unit: "%", period: P1M}\n',
             '    - &monthly {id: avail, metric: availability, value: 96, unit: "%", period: monthly}\n')
    result = fitsm("check", root, "--format", "json", "--no-cache")
    assert result.code == 1
    found = json.loads(result.out)["findings"]
    assert sorted((f["path"].rsplit("/", 1)[-1], f["line"], f["requirement"], f["message"].split(":")[0])
                  for f in found) == [("slas.yaml", 47, "PR2.2", f"spec.targets.{i}.period") for i in range(3)]


def test_review_of_a_document_whose_review_is_merged_writes_its_own(
        tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = _federation(tmp_path)
    slas = root / "agreements" / "slas.yaml"
    _replace(slas, CONTROL, "  <<: &control\n"
             "    approval: {approved_by: marek.novotny, approved_on: 2026-03-10}\n"
             "    review: {interval: P6M, last_reviewed: 2026-09-22}\n")
    before = slas.read_text(encoding="utf-8")
    result = fitsm("review", "dc-sla-vo-climate", "--by", "eva.schwarz", "--on", "2026-11-14", "--sms", root)
    assert result.code == 0, result.err
    after = slas.read_text(encoding="utf-8")
    added = "  review: {interval: P6M, last_reviewed: 2026-11-14, reviewed_by: eva.schwarz}\n"
    assert after == before.replace("  <<: &control\n", added + "  <<: &control\n", 1)
    document = next(data for _, data in (item for item in iter_documents(after) if not isinstance(item, LoadProblem))
                    if data["metadata"]["id"] == "dc-sla-vo-climate")
    assert document["metadata"]["review"]["last_reviewed"] == "2026-11-14"
    assert document["metadata"]["approval"]["approved_by"] == "marek.novotny"  # still merged
    assert fitsm("check", root, "--no-cache").code == 0
