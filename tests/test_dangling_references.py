"""A reference with a typo is one finding, on the document that has it: the reference probe.

For one reference of each kind of document and field in each outside base, the probe appends ``zz`` to the id it
names (a typo: the reference now names nothing) and checks the SMS. The typo is reported where it is
(``unresolved-reference``); no other document may get a finding for it. Before, the document the reference was
meant for was reported as lacking it: "never evaluated", "no service review with this customer recorded", "live
service is in no service catalogue", "no OLA or UA in force with X supports this service", and more (87 cases
on the five bases). Such a rule now holds back (its requirement is no-evidence, the note naming the reference),
as for a reference cut out as invalid.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from fitsm_kit.engine.run import check_sms
from fitsm_kit.findings import Finding
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.index import Doc, Reference, references
from fitsm_kit.sms.loader import Pos, YList, YMap

BASES = Path(__file__).resolve().parent / "conformity" / "sms"
# rules that say a document is missing something another refers to: never for a typo in the reference itself
LOOKS_FOR = ("supplier-evaluated", "sla-evaluated", "supporting-agreement-evaluated", "report-delivered",
             "service-review-recent", "live-service-in-catalogue", "live-service-has-sla", "service-suppliers-covered")


def check(root: Path) -> tuple[dict[str, Doc], list[Finding]]:
    config = load_config(root)
    sms, result = check_sms(root, config, config.as_of or dt.date.today())
    return sms.by_id, result.findings


def position(raw: object, loc: tuple[str | int, ...]) -> Pos | None:
    """Where the id a reference names is written; None when it is not a plain value of its own."""
    pos = None
    for part in loc:
        if isinstance(raw, YMap) and isinstance(part, str) and part in raw:
            pos, raw = raw.value_pos.get(part), raw[part]
        elif isinstance(raw, YList) and isinstance(part, int) and part < len(raw):
            pos, raw = raw.item_pos[part], raw[part]
        else:
            return None
    return pos if isinstance(raw, str) else None


def probes(docs: dict[str, Doc]) -> list[tuple[Doc, Reference, Pos]]:
    """One reference per kind of document and field (list indexes left out)."""
    found: dict[tuple[str, tuple[str, ...]], tuple[Doc, Reference, Pos]] = {}
    for doc in docs.values():
        for ref in references(doc.model):
            where = position(doc.raw, ref.loc)
            if where is not None:
                found.setdefault((doc.kind, tuple(p for p in ref.loc if isinstance(p, str))), (doc, ref, where))
    return list(found.values())


@pytest.mark.parametrize("base", sorted(p.name for p in BASES.iterdir()))
def test_a_typo_in_a_reference_is_reported_only_where_it_is(base: str, tmp_path: Path) -> None:
    docs, clean = check(BASES / base)
    before = {(f.rule, f.document, f.message) for f in clean}
    cases = probes(docs)
    assert len(cases) >= 15
    elsewhere = []
    for doc, ref, (line, col) in cases:
        root = tmp_path / "sms"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(BASES / base, root)
        path = root / doc.path
        lines = path.read_text(encoding="utf-8-sig").split("\n")
        at = lines[line - 1].index(ref.target, col - 1)
        lines[line - 1] = lines[line - 1][:at] + ref.target + "zz" + lines[line - 1][at + len(ref.target):]
        path.write_text("\n".join(lines), encoding="utf-8")
        _, found = check(root)
        new = [f for f in found if (f.rule, f.document, f.message) not in before]
        assert "unresolved-reference" in [f.rule for f in new if f.document == doc.id], (doc.id, ref.loc)
        # besides the typo, only what holds whatever it was meant to name: on the document itself, a rule that
        # reads the name as written ("approved by X, who is not the SMS owner") says what the document says
        elsewhere += [f"{doc.id} {'.'.join(map(str, ref.loc))}: {f.rule} on {f.document}: {f.message}"
                      for f in new if f.document != doc.id or f.rule in LOOKS_FOR]
    assert elsewhere == []
