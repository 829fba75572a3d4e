"""A rule that cannot judge holds back, and its requirement is then undetermined, never satisfied.

A mistyped SMS owner in a role assignment is one finding (GR1.1), not one per document the SMS owner
approved, chaired or attested; the requirements whose rules compare people with the SMS owner show
``no-evidence`` with the reason, until the assignment is fixed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fitsm_kit.engine.load import claimed_ids, claimed_kinds

from conftest import Run

BASE = Path(__file__).parent / "conformity" / "sms" / "federation-cloud"
OWNER = "    - {role: sms-owner, person: ivana.kovac}\n"


def status(fitsm: Callable[..., Run], root: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    run = fitsm("status", root, "--format", "json", "--no-cache")
    rows = {r["id"]: r for r in json.loads(run.out)["requirements"]}
    findings: list[dict[str, Any]] = json.loads(fitsm("check", root, "--format", "json", "--no-cache").out)[
        "findings"]
    return rows, findings


def variant(tmp_path: Path, old: str, new: str, file: str = "governance.yaml") -> Path:
    root = tmp_path / "sms"
    shutil.copytree(BASE, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_a_mistyped_sms_owner_is_one_finding_and_leaves_what_depends_on_it_undetermined(
        fitsm: Callable[..., Run], tmp_path: Path) -> None:
    rows, findings = status(fitsm, variant(tmp_path, OWNER, OWNER.replace("ivana.kovac", "ivana.kovacs")))
    assert {f["requirement"] for f in findings} <= {"GR1.1", "GR2.4"}, findings
    assert rows["GR1.1"]["state"] == "findings"
    for held_back in ("GR1.2", "GR1.3", "GR7.2"):  # approved by, chaired by, attested by the SMS owner
        assert rows[held_back]["state"] == "no-evidence", rows[held_back]
        assert "sms-owner" in rows[held_back]["note"]
    assert rows["GR2.1"]["state"] == "satisfied"  # nothing there depends on who holds a role


def test_a_broken_assignment_of_another_role_leaves_the_sms_owner_rules_judging(
        fitsm: Callable[..., Run], tmp_path: Path) -> None:
    manager = "    - {role: sms-manager, person: marek.novotny}\n"
    rows, _ = status(fitsm, variant(tmp_path, manager, manager.replace("marek.novotny", "marek.novotnyy")))
    assert rows["GR1.2"]["state"] == "satisfied"  # the SMS owner is known: the policy approval was judged
    assert rows["GR4.1"]["state"] in ("findings", "no-evidence")  # the SMS manager is not


def test_the_policy_approved_by_someone_else_is_still_a_finding(fitsm: Callable[..., Run], tmp_path: Path) -> None:
    old = ("  approval: {approved_by: ivana.kovac, approved_on: 2026-02-03}\n  review: {last_reviewed: 2026-02-03}\n"
           "  distribution:")
    rows, findings = status(fitsm, variant(tmp_path, old, old.replace("approved_by: ivana.kovac",
                                                                      "approved_by: marek.novotny")))
    assert rows["GR1.2"]["state"] == "findings"
    assert any(f["rule"] == "policy-approved-by-sms-owner" for f in findings)


CLIMATE = "  id: dc-sla-vo-climate\n"


def test_an_sla_that_cannot_be_read_leaves_what_its_rules_judge_undetermined(
        fitsm: Callable[..., Run], tmp_path: Path) -> None:
    """The SLA's id is refused (ids are lower case), so the document is left out: the SLA rules judged the
    other SLAs only, and the report that names the SLA cannot be checked against it. Neither is satisfied."""
    rows, findings = status(fitsm, variant(tmp_path, CLIMATE, CLIMATE.replace("dc-sla", "DC-SLA"),
                                           "agreements/slas.yaml"))
    assert [(f["requirement"], f["rule"]) for f in findings] == [("GR2.4", "schema")]
    assert rows["PR2.2"]["state"] == "no-evidence"
    assert rows["PR2.2"]["note"] == "SLA in agreements/slas.yaml could not be read"
    # the availability plan's requirement for that SLA cannot be compared with it
    assert rows["PR4.1"]["state"] == "no-evidence"
    assert rows["PR4.1"]["note"] == "'dc-sla-vo-climate' could not be read (named by dc-acp)"
    assert rows["PR8.1"]["state"] == "satisfied"  # the suppliers' rules do not read SLAs


def test_a_file_that_does_not_parse_leaves_the_kinds_it_holds_undetermined(
        fitsm: Callable[..., Run], tmp_path: Path) -> None:
    rows, findings = status(fitsm, variant(tmp_path, CLIMATE, CLIMATE + "  title: [unclosed\n",
                                           "agreements/slas.yaml"))
    assert [f["rule"] for f in findings] == ["yaml-syntax"]
    assert rows["PR2.2"]["state"] == "no-evidence"
    assert "SLA in agreements/slas.yaml could not be read" in rows["PR2.2"]["note"]


def test_an_approval_dated_with_a_time_is_one_finding_not_a_missing_approval(
        fitsm: Callable[..., Run], tmp_path: Path) -> None:
    old = "  approval: {approved_by: marek.novotny, approved_on: 2026-03-10}\n"
    rows, findings = status(fitsm, variant(tmp_path, old, old.replace("2026-03-10", "2026-03-10T14:02:11Z"),
                                           "agreements/slas.yaml"))
    assert [(f["requirement"], f["rule"], f["line"]) for f in findings] == [("GR2.4", "schema", 32)]


def test_the_ids_and_kinds_of_a_broken_file_are_read_from_json_style_quoted_keys() -> None:
    """A file that does not parse still claims its ids, also when its keys are quoted as JSON quotes them
    (posidonia's '{"id": "pers.cote", "title": "…" "owner": …}' lost a comma): references to pers.cote are
    that one mistake, not dangling owners and relationship managers everywhere."""
    flow = (b'---\r\napiVersion: "fitsm.eu/v1"\r\n"kind": "Person"\r\n'
            b'"metadata": {"id": "pers.cote", "title": "Ana\xc3\xafs C\xc3\xb4t\xc3\xa9" "owner": "pers.munoz"}\r\n')
    block = b"'kind' : Person\nmetadata:\n  \"id\" : 'pers.cote'\n  \"title\": x\nspec:\n  id: not-this\n"
    assert (claimed_ids(flow), claimed_kinds(flow)) == ({"pers.cote"}, ["Person"])
    assert (claimed_ids(block), claimed_kinds(block)) == ({"pers.cote"}, ["Person"])


def test_a_catalogued_service_of_unknown_lifecycle_status_is_one_finding_and_leaves_the_catalogue_undetermined(
        fitsm: Callable[..., Run], tmp_path: Path) -> None:
    root = tmp_path / "posidonia"
    shutil.copytree(BASE.parent / "posidonia", root)
    service = root / "svc_doi.yaml"
    text = service.read_text(encoding="utf-8")
    service.write_text(text.replace('lifecycle_status: "live"', 'lifecycle_status: "Live"'), encoding="utf-8")
    rows, findings = status(fitsm, root)
    assert [(f["requirement"], f["rule"]) for f in findings] == [("PR1.1", "evidence-field")]
    assert rows["PR2.1"]["state"] == "no-evidence"
    # the catalogue rule cannot compare it; the rule for live services skipped it unchecked (ctx.judged)
    assert rows["PR2.1"]["note"] == ("the lifecycle status of pos.doi is not known; spec.lifecycle_status of pos.doi "
                                     "(svc_doi.yaml) is invalid, so pos.doi was not checked")


def test_every_rule_that_asks_about_an_invalid_agreement_holds_back_for_itself(
        fitsm: Callable[..., Run], tmp_path: Path) -> None:
    # The default SLA's validity written as prose: nobody can tell whether it is in force. Each rule that asks
    # (PR2.3 evaluations, PR2.4 underpinning, PR3.1 reports, PR4.1 availability) keeps its own reasons; a rule
    # reusing another's answer without them would show its requirement as satisfied.
    validity = "  validity: {start: 2026-01-01, end: 2026-12-31}\n"
    rows, findings = status(fitsm, variant(tmp_path, validity, "  validity: calendar year 2026\n",
                                           "agreements/slas.yaml"))
    assert {f["requirement"] for f in findings} == {"PR2.2"}, findings
    for held_back in ("PR2.3", "PR2.4", "PR3.1", "PR4.1"):
        assert rows[held_back]["state"] == "no-evidence", rows[held_back]
        assert "spec.validity of dc-corporate-sla" in rows[held_back]["note"]


def test_a_lookup_shared_by_rules_holds_back_every_rule_that_uses_it() -> None:
    # A lookup built once per check (agreements in force, per service) is built by whichever rule asks first;
    # what it held back for (an agreement whose validity was cut out) must hold back every rule that reads it,
    # or a later rule's requirement would show as satisfied on a lookup it cannot trust.
    import dataclasses
    import datetime as dt

    from fitsm_kit.rules.base import Context
    from fitsm_kit.sms.config import Config
    from fitsm_kit.sms.index import Sms

    sms = Sms(config=Config(), as_of=dt.date(2026, 11, 20))
    base = Context(sms=sms, config=sms.config, as_of=sms.as_of)
    first, second = (dataclasses.replace(base, held=[]) for _ in range(2))
    first._hold("an earlier reason of the first rule")
    builds: list[str] = []

    def lookup(ctx: Context) -> dict[str, int]:
        builds.append("built")
        ctx._hold("spec.validity of ola-x is invalid, so ola-x was not checked")
        return {"svc": 1}

    assert first.memo("in-force", lambda: lookup(first)) == {"svc": 1}
    assert second.memo("in-force", lambda: lookup(second)) == {"svc": 1}
    assert builds == ["built"]  # built once
    assert first.held == ["an earlier reason of the first rule",
                          "spec.validity of ola-x is invalid, so ola-x was not checked"]
    assert second.held == ["spec.validity of ola-x is invalid, so ola-x was not checked"]


def test_a_lookup_built_after_its_builder_answered_once_still_carries_the_reason() -> None:
    # The rule that builds a shared lookup may have asked the same question before (Context.once, e.g. whether
    # an agreement is in force) and held back then; inside the build it is asked afresh, so the lookup's reasons
    # reach the rules that read it later.
    import dataclasses
    import datetime as dt

    from fitsm_kit.rules.base import Context
    from fitsm_kit.sms.config import Config
    from fitsm_kit.sms.index import Sms

    sms = Sms(config=Config(), as_of=dt.date(2026, 11, 20))
    base = Context(sms=sms, config=sms.config, as_of=sms.as_of)
    first, second = (dataclasses.replace(base, held=[]) for _ in range(2))
    why = "spec.validity of ola-x is invalid, so ola-x was not checked"

    def in_force(ctx: Context) -> bool:
        def judge() -> bool:
            ctx._hold(why)
            return False
        return ctx.once("in_force ola-x", judge)

    assert not in_force(first)  # asked before the lookup, held back then
    assert first.memo("supporting", lambda: {"svc": [] if not in_force(first) else ["ola-x"]}) == {"svc": []}
    assert first.once("in_force ola-x", lambda: True) is False  # the rule's own answers are kept
    assert second.memo("supporting", lambda: {}) == {"svc": []}
    assert second.held == [why]
