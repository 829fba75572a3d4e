"""Every YAML value fitsm writes reads back equal to what it meant to write: a property test per writer.

The strings are random Unicode with what breaks YAML writers mixed in: backslashes (ruamel.yaml 0.19.1
reads a folded double-quoted string wrongly when the fold follows an escaped backslash), quotes, ``#``,
``: ``, leading and trailing spaces, line-break characters and very long lines. Each writer's output is
read back with the SMS's own loader (and with PyYAML, which mkdocs uses for front matter and mkdocs.yml).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from fitsm_kit.engine.load import read_sms
from fitsm_kit.errors import FitsmError
from fitsm_kit.evaluation import records, report
from fitsm_kit.evaluation.evaluate import Evaluation, TargetResult
from fitsm_kit.gitcontrol.review import stamp
from fitsm_kit.model.service import Provenance, SourceFile
from fitsm_kit.scaffold import init
from fitsm_kit.scaffold import new as scaffold
from fitsm_kit.site.page import Page
from fitsm_kit.site.writer import front_matter, write_config
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.loader import LoadProblem, iter_documents
from fitsm_kit.yamltext import scalar

from conftest import EXAMPLES

FIXED = settings(derandomize=True, deadline=None, database=None, max_examples=120,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
AS_OF = dt.date(2026, 11, 26)
PIECES = ["\\", "\\\\", "$\\nabla", '"', "'", "#", " #", ": ", ":", "- ", " ", "  ", "\t", "\n", "\r", "\x85",
          "\u2028", "\u2029", "\ufeff", "\x00", "\x7f", "\x9f", "é", "😀", "\u202e", "{", "}", "[", "]", ",", "&a",
          "*a", "!tag", "%", "@", "`", "|", ">", "---", "...", "yes", "no", "null", "~", "1.10", "0o17", ".inf",
          "x" * 70, "y" * 300]
texts = st.one_of(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=12).map("".join),
                  st.text(max_size=200))
titles = texts.filter(lambda t: t.strip() != "")


def load_one(text: str) -> Any:
    docs = list(iter_documents(text))
    assert len(docs) == 1 and not isinstance(docs[0], LoadProblem), (docs, text)
    return docs[0][1]


@functools.cache
def acme() -> Any:
    """The example SMS, loaded once (not a fixture: Hypothesis would print its repr with every example)."""
    root = EXAMPLES / "acme"
    return read_sms(root, load_config(root), AS_OF)


@FIXED
@given(value=st.one_of(texts, st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                       st.none(), st.dates()))
def test_a_scalar_reads_back_equal(value: object) -> None:
    text = f"v: {scalar(value)}\n"
    assert "\n" not in text[:-1]  # one line: nothing to fold
    # the SMS loader leaves dates as text (the models read them); PyYAML reads them as dates
    assert load_one(text)["v"] == (value.isoformat() if isinstance(value, dt.date) else value)
    assert yaml.safe_load(text)["v"] == value


@settings(FIXED, max_examples=25)  # init renders ~60 files, schemas included: slow per example
@given(title=titles, organisation=texts, owner=texts)
def test_init_and_new_write_what_they_were_given(tmp_path: Path, title: str, organisation: str,
                                                 owner: str) -> None:
    try:
        options = init.options(organisation, owner.replace("<", "").replace(">", ""), None, AS_OF)
    except FitsmError as refused:  # a name that cannot go into a commit trailer is refused, not written
        assert "one plain line" in str(refused)
        return
    written = init.files(options)
    policy = load_one(written["general/policy.yaml"])
    assert policy["metadata"]["title"] == f"{options.organisation} service management policy".strip()
    person = load_one(written[f"people/{options.owner.id}.yaml"])
    assert person["spec"]["name"] == (options.owner.name or "TODO: full name of the SMS owner")
    draft = scaffold.Draft(EXAMPLES / "acme", acme().config, acme(), "Service", AS_OF)
    values = scaffold.answer(draft, "svc-new", {"title": title}, None)
    context = {**scaffold.derived(draft, values), **values, "today": AS_OF.isoformat(), "schema": "x.json",
               "processes": scaffold.process_info()}
    assert load_one(scaffold.render("Service", context))["metadata"]["title"] == title.strip()  # answers are trimmed


@FIXED
@given(detail=texts, path=titles, statement=texts)
def test_evaluation_records_read_back(detail: str, path: str, statement: str) -> None:
    sla = acme().get("sla-default")
    target = sla.spec.targets[0]
    evaluation = Evaluation(sla, dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                            (TargetResult(target, None, None, detail), TargetResult(target, 99.5, True, detail)))
    source = Provenance(generated_by=statement or "x", as_of=AS_OF, files=[SourceFile(path=path, sha256="0" * 64)],
                        statements=[statement])
    data = load_one(records.render(evaluation, "2026-10", source))
    assert data["spec"]["results"][0] == {"target": target.id, "note": detail}
    assert data["spec"]["results"][1] == {"target": target.id, "measured": 99.5, "met": True}
    assert data["spec"]["source"]["files"][0]["path"] == path
    assert data["spec"]["source"]["statements"] == [statement]
    assert data["spec"]["source"]["generated_by"] == (statement or "x")


@FIXED
@given(title=titles, recipients=st.lists(titles, min_size=1, max_size=3), location=texts)
def test_delivery_records_read_back(title: str, recipients: list[str], location: str) -> None:
    spec = acme().get("report-sla-quarterly")
    model = spec.model.model_copy(update={"metadata": spec.model.metadata.model_copy(update={"title": title})})
    built = report.Report(dataclasses.replace(spec, model=model), "2026-10", dt.date(2026, 10, 1),
                          dt.date(2026, 10, 31), (), (), ())
    delivery = report.Delivery(tuple(recipients), AS_OF)
    source = Provenance(generated_by="fitsm report", as_of=AS_OF, statements=[delivery.statement])
    data = load_one(report.delivery_record(built, delivery, location, source))
    assert data["metadata"]["title"] == f"{title} 2026-10"
    assert data["spec"]["recipients"] == recipients and data["spec"]["location"] == location
    assert data["spec"]["source"]["statements"] == [delivery.statement]


@FIXED
@given(title=titles, note=texts, by=st.sampled_from(["carla-rossi", "a.b_c-1"]))
def test_review_stamp_keeps_every_value(title: str, note: str, by: str) -> None:
    text = ("apiVersion: fitsm.eu/v1\nkind: Policy\nmetadata:\n  id: p\n"
            f"  title: {scalar(title)}\n  owner: o\n  review: {{interval: P12M, x-note: {scalar(note)}}}\n"
            "spec: {}\n")
    stamped = load_one(stamp(text, "p", by, AS_OF, "p.yaml"))
    assert stamped["metadata"]["title"] == title
    assert stamped["metadata"]["review"] == {"interval": "P12M", "x-note": note, "last_reviewed": AS_OF.isoformat(),
                                             "reviewed_by": by}


@FIXED
@given(title=titles)
def test_site_front_matter_and_config_read_back(tmp_path: Path, title: str) -> None:
    matter = front_matter(Page("x.md", title, "t.md", hide=("toc",)))
    assert yaml.safe_load(matter.strip().strip("-"))["title"] == str(escape(title))
    config = write_config(tmp_path, tmp_path / "site", title)
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["site_name"] == str(escape(title))


@pytest.mark.parametrize("column", range(60, 90))
def test_an_escaped_backslash_where_ruamel_would_fold_reads_back(column: int) -> None:
    """The case from issue 17: ``$\\nabla`` near column 76 of a long double-quoted string."""
    note = "x" * (column - 20) + " $\\nabla f" + " long words" * 12
    other = "a\\b " + note
    text = ("apiVersion: fitsm.eu/v1\nkind: Policy\nmetadata:\n  id: p\n  title: t\n  owner: o\n"
            f"  review:\n    interval: P12M\n    x-note: {scalar(note)}\n    x-other: {scalar(other)}\nspec: {{}}\n")
    stamped = load_one(stamp(text, "p", "carla-rossi", AS_OF, "p.yaml"))
    assert stamped["metadata"]["review"]["x-note"] == note
    assert stamped["metadata"]["review"]["x-other"] == other
