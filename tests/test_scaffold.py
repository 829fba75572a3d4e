"""``fitsm new``: every kind renders a valid document into a real SMS, in the right place, never over a file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.engine.collect import Collector
from fitsm_kit.engine.load import load_sms
from fitsm_kit.engine.run import check
from fitsm_kit.errors import FitsmError
from fitsm_kit.model import schemas
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.scaffold import new as scaffold
from fitsm_kit.scaffold import templating
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.index import Sms
from fitsm_kit.sms.loader import iter_documents

from conftest import EXAMPLES, REPO, Run

# What would mean a generated document is broken: it does not load, validate or resolve its references.
BROKEN = {"yaml-syntax", "document-shape", "unknown-kind", "schema", "duplicate-id", "unresolved-reference",
          "unsafe-path"}


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    return root


def load(root: Path) -> Sms:
    config = load_config(root)
    return load_sms(root, config, config.as_of or dt.date.today(), Collector())[0]


def run_cli(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The installed command in a subprocess, so prompts read a real (piped) stdin."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "fitsm_kit", *args], cwd=root, input=stdin, text=True,
                          capture_output=True, env=env, check=False)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_a_document_that_loads_and_validates(kind: str, acme: Path,
                                                                fitsm: Callable[..., Run]) -> None:
    before = {p for p in acme.rglob("*") if p.is_file()}
    run = fitsm("new", kind, "--no-input", "--sms", acme)
    assert run.code == 0, run.err
    new = {p for p in acme.rglob("*") if p.is_file()} - before
    [path] = [p for p in new if p.suffix == ".yaml"]
    assert {p.relative_to(acme).as_posix() for p in new - {path}} == {f"schemas/{schemas.schema_file(kind)}"}
    rel = path.relative_to(acme).as_posix()
    text = path.read_text(encoding="utf-8")
    # the modeline names the SMS's own copy of the schema, written for it when missing (never a URL)
    modeline = text.splitlines()[0]
    assert modeline.startswith("# yaml-language-server: $schema=") and "://" not in modeline
    schema = (path.parent / modeline.split("=", 1)[1]).resolve()
    assert schema == (acme / "schemas" / schemas.schema_file(kind)).resolve()
    assert schema.read_text(encoding="utf-8") == schemas.render(kind)
    assert f"schemas/{schemas.schema_file(kind)}" in run.out
    [(_, data)] = list(iter_documents(text))  # type: ignore[misc]
    doc = load(acme).by_id[data["metadata"]["id"]]
    assert (doc.kind, doc.path) == (kind, rel)
    config = load_config(acme)
    findings = [f for f in check(acme, config, config.as_of or dt.date.today()).findings if f.path == rel]
    assert not [f for f in findings if f.rule in BROKEN], findings
    assert all(f.fix for f in findings)


def test_files_go_where_the_sms_keeps_the_kind(acme: Path, fitsm: Callable[..., Run]) -> None:
    # customers/ holds the example's customers; records/ its service reviews; kpis/ is the default for KPIs
    sms = load(acme)
    homes = {kind: {Path(d.path).parent.as_posix() for d in sms.of_kind(kind)} for kind in ("Customer", "SLA")}
    assert fitsm("new", "customer", "new-customer", "--no-input", "--sms", acme).code == 0
    assert (acme / homes["Customer"].pop() / "new-customer.yaml").is_file()
    (acme / "fitsm.yaml").write_text((acme / "fitsm.yaml").read_text() + "layout: {SLA: contracts/slas}\n")
    assert fitsm("new", "sla", "sla-new", "--no-input", "--sms", acme).code == 0
    assert (acme / "contracts" / "slas" / "sla-new.yaml").is_file()
    assert scaffold.directory("Audit", Sms(config=load_config(acme), as_of=dt.date.min), load_config(acme)) == \
        scaffold.KIND_DIRS["Audit"]


def test_layout_outside_the_sms_is_refused(acme: Path, fitsm: Callable[..., Run]) -> None:
    (acme / "fitsm.yaml").write_text((acme / "fitsm.yaml").read_text() + "layout: {SLA: ../elsewhere}\n")
    run = fitsm("new", "sla", "sla-new", "--no-input", "--sms", acme)
    assert run.code == 2 and "outside the SMS" in run.err
    assert not (acme.parent / "elsewhere").exists()


def test_new_refuses_an_existing_file_and_leaves_it_byte_for_byte(acme: Path, fitsm: Callable[..., Run]) -> None:
    target = acme / "agreements" / "sla-taken.yaml"
    original = b"# not a document yet \xe2\x80\x94 but someone's file\r\nnotes: [a, b]\r\n"
    target.write_bytes(original)
    stat = target.stat()
    run = fitsm("new", "sla", "sla-taken", "--no-input", "--sms", acme)
    assert run.code == 2
    assert "already exists" in run.err and "sla-taken.yaml" in run.err
    assert target.read_bytes() == original and target.stat().st_mtime_ns == stat.st_mtime_ns
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_new_refuses_an_id_in_use(acme: Path, fitsm: Callable[..., Run]) -> None:
    existing = load(acme).by_id["sla-default"]
    before = (acme / existing.path).read_bytes()
    run = fitsm("new", "sla", "sla-default", "--no-input", "--sms", acme)
    assert run.code == 2 and f"already used by the SLA at {existing.path}" in run.err
    assert (acme / existing.path).read_bytes() == before
    bad = fitsm("new", "sla", "SLA Default!", "--no-input", "--sms", acme)
    assert bad.code == 2 and "not a valid id" in bad.err


def test_write_new_never_follows_or_replaces(tmp_path: Path) -> None:
    dangling = tmp_path / "link.yaml"
    dangling.symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(FitsmError, match="already exists"):
        templating.write_new(dangling, "x: 1\n")
    assert not (tmp_path / "elsewhere.yaml").exists() and dangling.is_symlink()
    fresh = tmp_path / "sub" / "new.yaml"
    templating.write_new(fresh, "x: 1\n")
    assert fresh.read_text() == "x: 1\n"
    assert sorted(p.name for p in fresh.parent.iterdir()) == ["new.yaml"]  # no temporary file left


def test_kind_names_aliases_and_ambiguity() -> None:
    assert [scaffold.resolve_kind(n) for n in ("sla", "Sla", "ola", "UA", "service-review", "ServiceReview",
                                               "control", "kpi", "report", "plan", "availability_continuity_plan")] \
        == ["SLA", "SLA", "OLA", "UA", "ServiceReview", "ServiceReview", "SecurityControl", "KPI",
            "ReportSpecification", "Plan", "AvailabilityContinuityPlan"]
    with pytest.raises(FitsmError, match="management-review .*service-review"):
        scaffold.resolve_kind("review")
    with pytest.raises(FitsmError, match="unknown kind 'slaa'"):
        scaffold.resolve_kind("slaa")


def test_required_reference_without_candidates_says_what_to_create(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    assert fitsm("init", tmp_path / "sms", "--no-input").code == 0
    run = fitsm("new", "ola", "--no-input", "--sms", tmp_path / "sms")
    assert run.code == 2 and "fitsm new supplier --set type=internal" in run.err
    assert fitsm("new", "service", "compute", "--no-input", "--sms", tmp_path / "sms").code == 0
    assert fitsm("new", "supplier", "ops", "--no-input", "--set", "type=internal", "--sms", tmp_path / "sms").code == 0
    assert fitsm("new", "ola", "ola-ops", "--no-input", "--sms", tmp_path / "sms").code == 0
    ola = load(tmp_path / "sms").by_id["ola-ops"]
    assert ola.spec.supplier == "ops" and [c.service for c in ola.spec.supports] == ["compute"]
    # an SMS created by init keeps its own schemas: the modeline is a relative path that resolves
    first = (tmp_path / "sms" / ola.path).read_text().splitlines()[0]
    ref = first.split("$schema=", 1)[1]
    assert not ref.startswith("http") and ((tmp_path / "sms" / ola.path).parent / ref).is_file()


def test_flags_are_checked_against_the_sms(acme: Path, fitsm: Callable[..., Run]) -> None:
    sms = load(acme)
    external = sorted(d.id for d in sms.of_kind("Supplier") if d.spec.type == "external"
                      and not d.spec.federation_member)
    run = fitsm("new", "ola", "--no-input", "--set", f"supplier={external[0]}", "--sms", acme)
    assert run.code == 2 and f"'{external[0]}' is not one of" in run.err
    unknown = fitsm("new", "sla", "--no-input", "--set", "custmer=x", "--sms", acme)
    assert unknown.code == 2 and "'custmer'" in unknown.err and "customer" in unknown.err
    malformed = fitsm("new", "sla", "--no-input", "--set", "customer", "--sms", acme)
    assert malformed.code == 2


def test_sla_with_flags_has_the_fitsm4_contents(acme: Path, fitsm: Callable[..., Run]) -> None:
    sms = load(acme)
    customer = sorted(d.id for d in sms.of_kind("Customer"))[0]
    service = sorted(d.id for d in sms.of_kind("Service"))[0]
    run = fitsm("new", "sla", "sla-x", "--no-input", "--title", 'SLA "X": gold #1', "--owner", "carla-rossi",
                "--set", f"customer={customer}", "--set", f"services={service}", "--sms", acme)
    assert run.code == 0, run.err
    doc = load(acme).by_id["sla-x"]
    assert (doc.model.metadata.title, doc.model.metadata.owner) == ('SLA "X": gold #1', "carla-rossi")
    assert (doc.spec.type, doc.spec.customer, doc.spec.services) == ("specific", customer, [service])
    text = (acme / doc.path).read_text()
    for section in ("Parties and validity", "Scope and description", "Service hours and exceptions",
                    "components and dependencies", "Support", "Service level targets", "Limitations and constraints",
                    "Communication, reporting and escalation", "Information security and data protection",
                    "responsibilities of the service provider", "Customer responsibilities", "review", "Glossary"):
        assert section in text, section


@pytest.mark.parametrize("value", ["a: b", "#hash", "yes", "1.10", 'say "hi"', "tab\there", "new\nline", " lead",
                                   "Zoë", "[x]", "@at", "- dash", "null", "~", "2026-01-01", "x, y", "50%"])
def test_yaml_scalar_reads_back_as_the_same_string(value: str) -> None:
    [(_, data)] = list(iter_documents(f"k: {templating.yaml_scalar(value)}\nl: {templating.yaml_list([value])}\n"))  # type: ignore[misc]
    assert data == {"k": value, "l": [value]}


def test_prompts_offer_references_from_the_sms_and_reask_on_a_wrong_answer(acme: Path) -> None:
    sms = load(acme)
    internal = sorted(d.id for d in sms.of_kind("Supplier") if d.spec.type == "internal" or d.spec.federation_member)
    external = sorted(set(d.id for d in sms.of_kind("Supplier")) - set(internal))
    services = sorted(d.id for d in sms.of_kind("Service"))
    # title, id (default), owner (default), supplier: first an external one (refused), then an internal one,
    # services: an unknown one (refused), then two
    answers = ["Network OLA", "", "", external[0], internal[-1], "nope", f"{services[0]}, {services[1]}"]
    done = run_cli(acme, "new", "OLA", stdin="\n".join(answers) + "\n")
    assert done.returncode == 0, done.stderr
    assert f"supplier: {', '.join(internal)}\n" in done.stdout  # only internal suppliers are offered
    assert f"'{external[0]}' is not one of" in done.stderr and "'nope' is not one of" in done.stderr
    doc = load(acme).by_id["network-ola"]
    assert doc.kind == "OLA" and doc.spec.supplier == internal[-1]
    assert [c.service for c in doc.spec.supports] == services[:2]
    home = Path(sms.of_kind("OLA")[0].path).parent.as_posix()
    assert doc.path == f"{home}/network-ola.yaml" and f"wrote {home}/network-ola.yaml" in done.stdout


def test_prompt_with_closed_stdin_is_a_clear_usage_error(acme: Path) -> None:
    done = run_cli(acme, "new", "sla", stdin="")
    assert done.returncode == 2
    assert "input ended" in done.stderr and "--no-input" in done.stderr and "Traceback" not in done.stderr


def test_templates_are_shipped_for_every_kind() -> None:
    shipped = {p.name for p in (REPO / "templates" / "documents").glob("*.yaml.j2")}
    assert {Path(templating.template_name(k)).name for k in KINDS} <= shipped


def test_a_new_agreement_evaluation_claims_no_measurement(acme: Path, fitsm: Callable[..., Run]) -> None:
    # a scaffold is not data: each target is left not measured (a note), never "measured: 0, met: false"
    run = fitsm("new", "AgreementEvaluation", "--no-input", "--sms", acme)
    assert run.code == 0, run.err
    [path] = [p for p in acme.rglob("*.yaml") if "AgreementEvaluation" in p.read_text(encoding="utf-8")
              and "TODO: not measured yet" in p.read_text(encoding="utf-8")]
    [(_, data)] = list(iter_documents(path.read_text(encoding="utf-8")))  # type: ignore[misc]
    spec = data["spec"]
    assert spec["results"] and all("measured" not in r and "met" not in r for r in spec["results"])
    assert spec["period_end"] < spec["evaluated_on"]  # a period that has ended, made after it
    config = load_config(acme)
    rel = path.relative_to(acme).as_posix()
    rules = {f.rule for f in check(acme, config, config.as_of or dt.date.today()).findings if f.path == rel}
    assert "placeholder-text" in rules, rules  # the notes are TODOs until data replaces them
    assert "evaluation-after-period" not in rules
