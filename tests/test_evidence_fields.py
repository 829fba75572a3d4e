"""Every field a FitSM-1 requirement asks for, left out, is reported under that requirement.

The meta-test walks every kind's fields marked ``evidence(...)`` in the model. For each one it takes a
real document of that kind from the conformity corpus (written independently of ``examples/``; the
bundled example for kinds the corpus lacks), leaves the field out the way a maintainer would (the key
simply deleted), checks the SMS and asserts: no crash, a finding under the field's requirement, and no
GR2.4 schema finding for it. A document is never dropped for one missing field, so nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML

from fitsm_kit.engine.run import check
from fitsm_kit.findings import Result
from fitsm_kit.model.base import REQUIRED, REQUIREMENT, Envelope
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.sms.config import load_config

HERE = Path(__file__).resolve().parent
SOURCES = [HERE / "conformity" / "sms" / "uni-hpc", HERE / "conformity" / "sms" / "federation-cloud",
           HERE.parent / "examples" / "acme", HERE.parent / "examples" / "federation"]
STRICT_KINDS = {"Waiver"}  # a waiver missing a field must waive nothing: it stays all-or-nothing


@dataclass(frozen=True)
class Case:
    kind: str
    path: tuple[str, str]  # ("spec", "target")
    required: bool
    source: Path
    file: str  # relative to source
    index: int  # the document's index in its file
    doc_id: str

    def __str__(self) -> str:
        return f"{self.kind}.{'.'.join(self.path)}"


def _evidence_fields(cls: type[Envelope]) -> Iterator[tuple[tuple[str, str], bool]]:
    for part in ("metadata", "spec"):
        section = cls.model_fields[part].annotation
        assert isinstance(section, type) and issubclass(section, BaseModel)
        for name, info in section.model_fields.items():
            extra = info.json_schema_extra
            if isinstance(extra, dict) and REQUIREMENT in extra:
                yield (part, info.alias or name), bool(extra.get(REQUIRED))


def _field_extra(cls: type[Envelope], path: tuple[str, str]) -> dict[str, Any]:
    section = cls.model_fields[path[0]].annotation
    assert isinstance(section, type) and issubclass(section, BaseModel)
    info = next(i for n, i in section.model_fields.items() if (i.alias or n) == path[1])
    assert isinstance(info.json_schema_extra, dict)
    return info.json_schema_extra


def _documents() -> Iterator[tuple[Path, str, int, dict[str, Any]]]:
    for source in SOURCES:
        for file in sorted(source.rglob("*.yaml")):
            if file.name == "fitsm.yaml":
                continue
            for i, doc in enumerate(YAML(typ="safe").load_all(file.read_text(encoding="utf-8"))):
                if isinstance(doc, dict) and doc.get("kind") in KINDS:
                    yield source, str(file.relative_to(source)), i, doc


def _cases() -> list[Case]:
    docs = list(_documents())
    cases = []
    for kind, cls in sorted(KINDS.items()):
        if kind in STRICT_KINDS:
            continue
        for path, required in _evidence_fields(cls):
            # a document that has the field, in use (not retired), of a sort whose field evidences a requirement
            # (a process plan's goals are no GR4.1 evidence): where leaving it out is a real mistake
            requirement = str(_field_extra(cls, path)[REQUIREMENT])
            found = next(((s, f, i, d) for s, f, i, d in docs if d["kind"] == kind and path[1] in (d.get(path[0]) or {})
                          and d["metadata"].get("status") != "retired"
                          and (requirement == "GR2.4" or cls.evidence_requirement(requirement, d) != "GR2.4")), None)
            assert found is not None, f"no document of kind {kind} with {'.'.join(path)} in the corpora"
            source, file, index, doc = found
            cases.append(Case(kind, path, required, source, file, index, doc["metadata"]["id"]))
    return cases


CASES = _cases()


def _check(root: Path) -> Result:
    config = load_config(root)
    return check(root, config, config.as_of or dt.date.today())


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    base = tmp_path_factory.mktemp("evidence")
    return {source: Path(shutil.copytree(source, base / source.name)) for source in SOURCES}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_requirement_field_left_out_is_reported_under_its_requirement(case: Case, trees: dict[Path, Path]
                                                                       ) -> None:
    root = trees[case.source]
    file = root / case.file
    original = file.read_text(encoding="utf-8")
    editor = YAML()  # round-trip, YAML 1.2: the file keeps its comments and every other value as written
    docs = list(editor.load_all(original))
    expected = KINDS[case.kind].evidence_requirement(
        str(_extra(case)[REQUIREMENT]), docs[case.index]) if case.path != ("metadata", "owner") \
        else KINDS[case.kind].owner_requirement
    del docs[case.index][case.path[0]][case.path[1]]
    try:
        out = io.StringIO()
        editor.dump_all(docs, out)
        file.write_text(out.getvalue(), encoding="utf-8")
        result = _check(root)
    finally:
        file.write_text(original, encoding="utf-8")
    mine = [f for f in result.findings if f.document == case.doc_id or f.path == case.file]
    assert any(f.requirement == expected for f in result.findings), (
        f"{case}: nothing reported under {expected}; got {[(f.requirement, f.rule, f.message) for f in mine]}")
    assert not [f for f in mine if f.rule == "schema"], f"{case}: reported as a schema error"


def _extra(case: Case) -> dict[str, Any]:
    return _field_extra(KINDS[case.kind], case.path)


def test_every_kind_but_waivers_has_requirement_fields() -> None:
    assert set(KINDS) - {c.kind for c in CASES} == STRICT_KINDS


def test_the_corpora_check_clean() -> None:
    for source in SOURCES:
        result = _check(source)
        assert result.findings == (), [(f.path, f.line, f.requirement, f.message) for f in result.findings]
