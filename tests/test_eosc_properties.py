"""Property: any record the EOSC profile accepts comes back from import and export unchanged.

Records are generated from the shipped profile schema (hypothesis-jsonschema): every optional field
present, missing or null, the whole vocabularies, arbitrary Unicode text. Each example imports a batch
of records into a real SMS on disk with the real ``fitsm`` entry point (in this process: a subprocess
per example would make the property too slow to run often) and exports them again; a second property
re-imports changed records over the first and checks that the export then gives the changed ones; a
third adds fields the profile does not have (real records carry some) and checks they come back too.
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
from hypothesis import HealthCheck, Phase, assume, example, given, settings
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


def import_into_new_sms(tmp: str, records: Any, name: str = "records.json") -> tuple[Path, int, str, str]:
    """A new SMS under ``tmp`` and what ``fitsm import eosc`` said of ``records`` written there as JSON."""
    root = new_sms(Path(tmp))
    source = Path(tmp) / name
    source.write_text(json.dumps(records), encoding="utf-8")
    code, out, err = run("import", "eosc", source, "--sms", root)
    return root, code, out, err


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
        root, code, out, err = import_into_new_sms(tmp, records)
        assert code == 0, out + err
        assert by_id(exported(root)) == by_id(records)
        before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
        code, out, _ = run("import", "eosc", Path(tmp) / "records.json", "--sms", root)  # the same again
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


FIELDS = set(SCHEMA["definitions"]["service"]["properties"]) | {"id", "service"}
# fields the profile does not have, as real records carry them (EGI's add 'classification'): camelCase or
# snake_case names; values of any JSON type, nested keys of any text
NAME = st.from_regex(r"\A[a-z][A-Za-z0-9_]{0,11}\Z").filter(lambda n: n not in FIELDS)
VALUE = st.recursive(st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False,
                     allow_infinity=False) | st.text(st.characters(codec="utf-8"), max_size=20),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(st.characters(codec="utf-8"),
                                                                                     max_size=8), inner, max_size=3),
                     max_leaves=8)
EXTRA = st.dictionaries(NAME, VALUE, max_size=3)


@settings(SETTINGS, max_examples=15)
@given(BATCH, st.data())
def test_fields_outside_the_profile_come_back_too(records: list[dict[str, Any]], data: st.DataObject) -> None:
    """Records with fields the profile does not have, in the service and in the bundle: imported (never left
    out for them) and exported as they came; what is left once they are taken out follows the profile."""
    for record in records:
        record["service"].update(data.draw(EXTRA))
        record.update(data.draw(EXTRA))
    with tempfile.TemporaryDirectory() as tmp:
        root, code, out, err = import_into_new_sms(tmp, records)
        assert code == 0, out + err
        code, out, err = run("export", "eosc", "--sms", root, "--format", "json")
        assert code == 0, err
        back = json.loads(out)
        assert by_id(back) == by_id(records)
        for record in back:
            known = {k: v for k, v in record.items() if k in FIELDS}
            known["service"] = {k: v for k, v in record["service"].items() if k in FIELDS}
            jsonschema.validate(known, SCHEMA)
        code, out, _ = run("import", "eosc", Path(tmp) / "records.json", "--sms", root)  # the same again
        assert code == 0 and "nothing changed" in out


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


FRAGMENTS = ["\x1b]0;title\x07", "\x1b[2J", "\r", "\n", "\n::error file=a::forged\n", "::warning::x", "##[error]v1",
             "%0A::error::x", "\u202e", "\u2066", "\u2028", "\x85", "\x9b31m", ":", "../", "[bold]x[/bold]", ":smile:",
             "é", "日本", "---", "TODO"]
FUZZ = st.lists(st.sampled_from(FRAGMENTS) | st.text(st.characters(codec="utf-8", exclude_characters="\x00"),
                                                     max_size=8), min_size=1, max_size=6).map("".join)
# no shrinking: a failure is reported as found (shrinking through import and export takes minutes)
INERT = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                 phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.too_slow])


def assert_inert(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith("::") and "##[" not in line, line
    assert not set(text) & {"\x1b", "\x07", "\r", "\x85", "\x9b", "\u202e", "\u2066", "\u2028"}, repr(text)


@INERT
@example({"id": "n:\x1b]0;t\x07", "name": "x", "tagline": "##[error]v1", "tag": "\n::error file=a::forged\n",
          "trl": "\u202e", "webpage": "::warning::x"}, True)  # a workflow command in a literal block (found)
# the name of a field outside the profile is a key of the exported record (found: keys were not escaped)
@example({"id": "n:x", "name": "\u202e##[error]", "tagline": "t", "tag": "v", "trl": "x", "webpage": "y"}, True)
@given(st.fixed_dictionaries({"id": FUZZ, "name": FUZZ, "tagline": FUZZ, "tag": FUZZ, "trl": FUZZ, "webpage": FUZZ}),
       st.booleans())
def test_record_text_reaches_the_terminal_inert(fuzz: dict[str, str], valid: bool) -> None:
    """Fuzzed ids, names, values and the name of a field outside the profile (valid records and records the
    profile refuses): import and export never crash and print nothing a terminal or a CI runner would act on."""
    record = json.loads((REPO / "tests" / "data" / "eosc" / "genome-annotation.json").read_text(encoding="utf-8"))
    service = record["service"]
    record["id"] = service["id"] = fuzz["id"]
    service["name"], service["tagline"], service["tags"] = fuzz["name"], fuzz["tagline"], [fuzz["tag"]]
    service[fuzz["name"]] = fuzz["tag"]  # a field outside the profile: kept, reported and written back
    if not valid:
        service["trl"], service["webpage"] = fuzz["trl"], fuzz["webpage"]
    with tempfile.TemporaryDirectory() as tmp:
        root, code, out, err = import_into_new_sms(tmp, record, "record.json")
        assert code in (0, 1), err
        assert_inert(out + err)
        for fmt in ("yaml", "json"):
            code, out, err = run("export", "eosc", "--sms", root, "--format", fmt)
            assert code in (0, 2), err  # 2: nothing was imported, so there is no catalogue
            assert_inert(out + err)
