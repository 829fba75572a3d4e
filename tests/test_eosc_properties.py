"""Property: any record the EOSC profile accepts comes back from import and export unchanged.

Records are generated from the shipped profile schema (hypothesis-jsonschema): every optional field
present, missing or null, the whole vocabularies, arbitrary Unicode text. Each example imports a batch
of records into a real SMS on disk with the real ``fitsm`` entry point (in this process: a subprocess
per example would make the property too slow to run often) and exports them again; a second property
re-imports changed records over the first and checks that the export then gives the changed ones.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from fitsm_kit.cli import main
from fitsm_kit.interop.eosc_import import id_candidates
from fitsm_kit.interop.eosc_profile import plain
from fitsm_kit.interop.yamlblock import dump, edited, round_trip, styled
from fitsm_kit.sms.loader import iter_documents

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "src" / "fitsm_kit" / "data" / "eosc-service-v3.schema.json").read_text(encoding="utf-8"))
RECORD = from_schema(SCHEMA)
# generating a record from the profile takes ~0.5 s (its vocabularies are large); 20 and 10 batches of up to
# five records run in about a minute
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.data_too_large])


def run(*args: str | Path) -> tuple[int, str, str]:
    """``fitsm ARGS`` through the real entry point: exit code, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["fitsm", *map(str, args)]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 0
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def importable(records: list[dict[str, Any]]) -> bool:
    """Each record gets an id of its own: its candidate ids exist and no other record (nor the catalogue) has one."""
    taken = {"eosc"}
    for record in records:
        candidates = set(id_candidates(record["service"]["id"], record["service"]["name"]))
        if not candidates or candidates & taken:
            return False
        taken |= candidates
    return True


BATCH = st.lists(RECORD, min_size=1, max_size=5).filter(importable)


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["service"]["id"]: r for r in records}


def new_sms(base: Path) -> Path:
    root = base / "sms"
    root.mkdir()
    (root / "fitsm.yaml").write_text("as_of: 2026-11-26\n", encoding="utf-8")
    return root


def exported(root: Path) -> list[dict[str, Any]]:
    code, out, err = run("export", "eosc", "--sms", root, "--format", "json")
    assert code == 0, err
    records: list[dict[str, Any]] = json.loads(out)
    for record in records:
        jsonschema.validate(record, SCHEMA)
    return records


@SETTINGS
@given(BATCH)
def test_import_then_export_gives_every_record_back(records: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = new_sms(Path(tmp))
        source = Path(tmp) / "records.json"
        source.write_text(json.dumps(records), encoding="utf-8")
        code, out, err = run("import", "eosc", source, "--sms", root)
        assert code == 0, out + err
        assert by_id(exported(root)) == by_id(records)
        before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
        code, out, _ = run("import", "eosc", source, "--sms", root)
        assert code == 0 and "nothing changed" in out
        assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


@settings(SETTINGS, max_examples=10)
@given(BATCH, st.data())
def test_a_new_import_of_changed_records_exports_the_changed_records(records: list[dict[str, Any]],
                                                                     data: st.DataObject) -> None:
    changed = []
    for record in records:  # the same EOSC ids, anything else new
        other = data.draw(RECORD)
        other["id"], other["service"]["id"], other["service"]["name"] = (record["id"], record["service"]["id"],
                                                                          record["service"]["name"])
        changed.append(other)
    assume(importable(changed))
    with tempfile.TemporaryDirectory() as tmp:
        root = new_sms(Path(tmp))
        first, second = Path(tmp) / "first.json", Path(tmp) / "second.json"
        first.write_text(json.dumps(records), encoding="utf-8")
        second.write_text(json.dumps(changed), encoding="utf-8")
        assert run("import", "eosc", first, "--sms", root)[0] == 0
        code, out, err = run("import", "eosc", second, "--sms", root)
        assert code == 0, out + err
        assert by_id(exported(root)) == by_id(changed)


TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.lists(
    st.sampled_from(["a", " ", "\n", "\t", "-", ":", "#", "\"", "'", "\\", "|", ">", "\u202e", "\x85", "\u2028", "é",
                     "0", "1.10", "no", "~", "---", "...", "\r"]), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(["description", "x-eosc-id", "tags"]), TEXT | st.lists(TEXT, max_size=3)))
def test_what_the_import_writes_reads_back_as_the_same_text(values: dict[str, Any]) -> None:
    """The YAML writer (new documents) and the ruamel edit (updates) against the checker's own loader."""
    document = {"apiVersion": "fitsm.eu/v1", "spec": {"keep": "me", **values}}
    first = next(iter_documents(dump(document)))
    assert isinstance(first, tuple) and plain(first[1]) == document
    node = round_trip().load(dump({"spec": {"keep": "me"}}))
    for key, value in values.items():
        node["spec"][key] = styled(value)
    second = next(iter_documents(edited(node)))
    assert isinstance(second, tuple) and plain(second[1]) == {"spec": {"keep": "me", **values}}
