"""Absence of evidence is not conformity: a requirement whose rules had nothing to check is ``no-evidence``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Run

CORPORA = Path(__file__).resolve().parent / "conformity" / "sms"


def status(fitsm: Callable[..., Run], root: Path) -> dict[str, dict[str, object]]:
    run = fitsm("status", root, "--format", "json", "--no-cache")
    return {row["id"]: row for row in json.loads(run.out)["requirements"]}


def test_an_sms_without_services_or_customers_has_no_evidence_for_them(tmp_path: Path,
                                                                        fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0  # the skeleton: no service, customer or supplier yet
    rows = status(fitsm, root)
    for req in ("PR1.1", "PR1.2", "PR1.4", "PR2.2", "PR4.1", "PR4.2", "PR4.4", "PR5.1", "PR7.1"):
        assert rows[req]["state"] == "no-evidence", rows[req]
        assert "no Service" in str(rows[req]["note"])
    for req in ("PR7.2", "PR7.3", "PR7.4"):
        assert rows[req]["state"] == "no-evidence" and "no Customer" in str(rows[req]["note"]), rows[req]
    for req in ("PR7.5", "PR7.6"):  # the CRM procedures they ask for are missing: findings rather than no evidence
        assert rows[req]["state"] in ("findings", "no-evidence"), rows[req]
    assert rows["PR2.3"]["note"] == "no SLA in force"
    assert not [r for r in rows.values() if r["id"].startswith(("PR1", "PR2", "PR4", "PR5", "PR7"))
                and r["state"] == "satisfied"]
    totals = json.loads(fitsm("status", root, "--format", "json").out)["totals"]
    assert totals["no-evidence"] >= 20 and totals["satisfied"] + totals["no-evidence"] + totals["findings"] == 52


def test_assess_does_not_count_requirements_without_evidence(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "sms"
    assert fitsm("init", root, "--no-input").code == 0
    areas = {a["area"]: a for a in json.loads(fitsm("assess", root, "--format", "json").out)["areas"]}
    for area in ("PR1", "PR2", "PR4", "PR5", "PR7", "PR8"):
        assert areas[area]["satisfied"] == 0 and areas[area]["level"] < 3, areas[area]


def test_an_sla_not_in_force_is_no_evidence_for_its_evaluation(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    import shutil

    root = Path(shutil.copytree(CORPORA / "uni-hpc", tmp_path / "sms"))
    for path in (root / "docs" / "agreements" / "sla").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: draft"), encoding="utf-8")
    rows = status(fitsm, root)
    assert rows["PR2.3"]["state"] == "no-evidence" and rows["PR2.3"]["note"] == "no SLA in force"


def test_the_independent_corpora_satisfy_all_52(fitsm: Callable[..., Run]) -> None:
    for base in sorted(CORPORA.iterdir()):
        rows = status(fitsm, base)
        assert {r["state"] for r in rows.values()} == {"satisfied"}, base.name


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


_CONFIG = "as_of: 2026-11-30\ndocument_control: {git: false}\n"


def test_an_empty_sms_satisfies_no_requirement(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """No document at all: nothing is controlled (GR2.4) and nothing improved (GR7.2) — both were shown satisfied."""
    rows = status(fitsm, _write(tmp_path / "sms", {"fitsm.yaml": _CONFIG}))
    assert [r["id"] for r in rows.values() if r["state"] == "satisfied"] == []
    assert rows["GR2.4"]["state"] == "no-evidence" and "no approved documents" in str(rows["GR2.4"]["note"])
    assert rows["GR7.2"]["state"] == "no-evidence" and "no Policy documents" in str(rows["GR7.2"]["note"])


# A small lab's first steps, written by hand: one person, one live storage service whose suppliers are
# simply left out, a customer and an approved SLA for it; no OLA, UA or proposal yet.
_YOUNG = {
    "fitsm.yaml": _CONFIG,
    "people.yaml": """\
apiVersion: fitsm.eu/v1
kind: Person
metadata: {id: jo, title: Jo Smith, owner: jo, status: recorded}
spec: {name: Jo Smith, email: jo@lab.example}
""",
    "storage.yaml": """\
apiVersion: fitsm.eu/v1
kind: Service
metadata: {id: storage, title: Lab storage, owner: jo, status: draft}
spec:
  description: Disk space for the lab's research groups.
  lifecycle_status: live
  components:
    - {id: nas, description: The lab NAS}
""",
    "customers.yaml": """\
apiVersion: fitsm.eu/v1
kind: Customer
metadata: {id: bio-group, title: Biology group, owner: jo, status: draft}
spec: {organisation: Biology group}
""",
    "sla.yaml": """\
apiVersion: fitsm.eu/v1
kind: SLA
metadata:
  id: sla-bio
  title: Storage for the biology group
  owner: jo
  status: approved
  approval: {approved_by: jo, approved_on: 2026-10-01}
  review: {interval: P12M}
spec:
  customer: bio-group
  services: [storage]
  validity: {start: 2026-10-01}
  targets:
    - {id: avail, metric: availability, value: 99.0, unit: "%", period: P1M}
""",
}


def test_what_a_young_sms_leaves_out_is_no_evidence_not_conformity(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """Each of these requirements was shown satisfied: PR1.2 with no proposal and no service being designed,
    PR1.4 with the service's suppliers left out, PR2.4 with no OLA or UA and nothing they would underpin."""
    rows = status(fitsm, _write(tmp_path / "sms", _YOUNG))
    notes = {req: str(rows[req]["note"]) for req in ("PR1.2", "PR1.4", "PR2.4")}
    assert {req: rows[req]["state"] for req in notes} == dict.fromkeys(notes, "no-evidence"), rows
    assert "no ServiceProposal documents, and no service proposed, in design or in transition" in notes["PR1.2"]
    assert "no service in the portfolio names a supplier (spec.suppliers)" in notes["PR1.4"]
    assert "no live service names a supplier" in notes["PR2.4"] and "no OLA or UA documents" in notes["PR2.4"]
    assert "no SLA in force has an OLA or UA behind a critical supplied component" in notes["PR2.4"]


def test_an_sms_of_drafts_has_no_evidence_of_document_control(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    """Everything still a draft: nothing has been approved, so GR2.4 (creation and approval) is not shown met."""
    young = {**_YOUNG, "sla.yaml": _YOUNG["sla.yaml"].replace("status: approved", "status: draft")}
    rows = status(fitsm, _write(tmp_path / "sms", young))
    assert (rows["GR2.4"]["state"], rows["GR2.4"]["note"]) == ("no-evidence", "no approved documents")


def test_a_portfolio_with_no_live_service_has_no_evidence_of_live_service_rules(tmp_path: Path,
                                                                                fitsm: Callable[..., Run]) -> None:
    """The lab's storage is still in design: nothing is monitored (PR4.4), no customer is served (PR7.1) and
    no availability risk of a live service can be assessed (PR4.2). These were shown satisfied."""
    young = {**_YOUNG, "storage.yaml": _YOUNG["storage.yaml"].replace("lifecycle_status: live",
                                                                       "lifecycle_status: design")}
    rows = status(fitsm, _write(tmp_path / "sms", young))
    for req in ("PR4.2", "PR4.4"):
        assert (rows[req]["state"], rows[req]["note"]) == ("no-evidence", "no live service"), rows[req]
    assert rows["PR7.1"]["state"] == "no-evidence" and "no live customer-facing service" in str(rows["PR7.1"]["note"])


def test_a_service_whose_lifecycle_is_left_out_is_not_skipped_unchecked(tmp_path: Path,
                                                                         fitsm: Callable[..., Run]) -> None:
    """The maintainer deletes batch-compute's lifecycle_status line: PR1.1 reports it missing, and the rules
    that judge live services cannot tell whether it is one. They skipped it, and PR2.2 (its SLA), PR4.4 (its
    monitoring) and PR7.1 (its customers) were shown satisfied without it."""
    import shutil

    root = Path(shutil.copytree(CORPORA / "uni-hpc", tmp_path / "sms"))
    service = root / "services" / "batch-compute.yaml"
    text = service.read_text(encoding="utf-8")
    assert text.count("  lifecycle_status: live\n") == 1
    service.write_text(text.replace("  lifecycle_status: live\n", ""), encoding="utf-8")
    rows = status(fitsm, root)
    assert rows["PR1.1"]["state"] == "findings"
    for req in ("PR2.2", "PR4.4", "PR7.1"):
        assert rows[req]["state"] == "no-evidence", rows[req]
        assert "spec.lifecycle_status of batch-compute (services/batch-compute.yaml) is left out" in str(
            rows[req]["note"])


def test_a_policy_approved_by_nobody_on_record_is_no_evidence_for_gr1_2(tmp_path: Path,
                                                                        fitsm: Callable[..., Run]) -> None:
    """uni-hpc keeps no Git history of its SMS here. Its maintainer deletes the policy's approval line, leaving
    status approved: GR2.4 reports the missing record, and GR1.2 (approved by the SMS owner, communicated
    since its approval) cannot be judged. It was shown satisfied."""
    import shutil

    root = Path(shutil.copytree(CORPORA / "uni-hpc", tmp_path / "sms"))
    policy = root / "sms" / "governance" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    line = "  approval:\n    approved_by: hdekker\n    approved_on: 2026-01-20\n"
    assert text.count(line) == 1
    policy.write_text(text.replace(line, ""), encoding="utf-8")
    rows = status(fitsm, root)
    assert rows["GR2.4"]["state"] == "findings"
    assert rows["GR1.2"]["state"] == "no-evidence", rows["GR1.2"]
    assert "metadata.approval of" in str(rows["GR1.2"]["note"]) and "is left out" in str(rows["GR1.2"]["note"])
    policy.write_text(_without_distribution(text.replace(line, "")), encoding="utf-8")
    run = fitsm("check", root, "--format", "json", "--no-cache", "--select", "GR1.2")
    assert [f["message"] for f in json.loads(run.out)["findings"]] == [
        "the approved policy has not been communicated: no dated distribution"]


def _without_distribution(text: str) -> str:
    """The policy's metadata.distribution block removed (its entries are the indented lines after it)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("  distribution:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    return "\n".join(lines[:start] + lines[end:])
