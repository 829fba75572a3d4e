"""Output safety: text from the SMS cannot drive a terminal, break a format or forge a line.

The payload reaches the output through an unknown key (quoted as is in the schema message) and through a
file name. Every registered check format is covered; format-specific checks prove the text survives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.escape import safe, safe_lines
from fitsm_kit.output import FORMATTERS

from conftest import Run, write_tree

# ESC colour + clear screen, an OSC 8 hyperlink and OSC 0 window title, CR overwrite, C1 CSI,
# a GitHub workflow command after a newline and URL-encoded, an old-style one (read anywhere in a line),
# rich markup and emoji codes, a bidi override
PAYLOAD = ("\x1b[31mred\x1b[2J \x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ \x1b]0;title\x07"
           "\rover \x9b31m\n::error file=x::forged%0A::warning::x [/bold][red] :thumbs_up: \u202eevil "
           "##[error]v1 forged")
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e")
EVIL_NAME = "evil\x1b[2J\x1b]0;pwned\x07.yaml"

PERSON = """\
apiVersion: fitsm.eu/v1
kind: Person
metadata:
  id: eve
  title: Eve
  owner: eve
  status: approved
  {key}: 1
spec:
  name: Eve
"""


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    key = json.dumps(PAYLOAD)  # a JSON string is a valid double-quoted YAML scalar
    root = write_tree(tmp_path / "sms", {})
    (root / "people.yaml").write_text(PERSON.format(key=key), encoding="utf-8")
    (root / EVIL_NAME).write_text("- a list, not a document\n", encoding="utf-8")
    return root


def _run(fitsm: Callable[..., Run], sms: Path, fmt: str) -> Run:
    run = fitsm("check", sms, "--format", fmt, "--no-cache")
    assert run.code == 1, run.err
    return run


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_no_format_lets_control_characters_through(fmt: str, sms: Path, fitsm: Callable[..., Run]) -> None:
    """Any format may reach a terminal or a CI log: ESC, BEL and CR from the SMS must arrive escaped."""
    run = _run(fitsm, sms, fmt)
    for char in ("\x1b", "\x07", "\r"):
        assert char not in run.out, f"--format {fmt} lets {char!r} from the SMS through; escape it (formatters.safe)"


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_no_format_lets_the_sms_start_a_workflow_command(fmt: str, sms: Path, fitsm: Callable[..., Run]) -> None:
    """GitHub runs '::command::' at the start of any line of a step's output, whatever the format."""
    out = _run(fitsm, sms, fmt).out
    forged = [line for line in out.splitlines() if line.lstrip().startswith(("::error file=x", "::warning::x"))]
    assert not forged, f"--format {fmt}: a newline from the SMS starts a workflow command: {forged}"
    assert "##[" not in out, f"--format {fmt}: '##[' (a workflow command anywhere in a line) reaches the log"
    assert "\x9b" not in out and "\u202e" not in out, f"--format {fmt}: a C1 control or bidi mark is shown raw"


def test_text_shows_escapes_and_keeps_one_line_per_finding(sms: Path, fitsm: Callable[..., Run]) -> None:
    out = _run(fitsm, sms, "text").out
    for char in RAW:
        assert char not in out
    (line,) = [x for x in out.splitlines() if "unknown field" in x]
    assert safe(PAYLOAD) in line and "\\x1b[31mred" in line and "\\x0a::error" in line
    assert "[/bold][red] :thumbs_up:" in line  # neither rich markup nor emoji codes are interpreted
    assert f"{safe(EVIL_NAME)}:1:1:" in out


def test_json_keeps_the_text_exactly(sms: Path, fitsm: Callable[..., Run]) -> None:
    out = _run(fitsm, sms, "json").out
    assert "\x1b" not in out and "\r" not in out  # JSON escapes every C0 control character
    findings = json.loads(out)["findings"]
    (hit,) = [f for f in findings if "unknown field" in f["message"]]
    assert PAYLOAD in hit["message"]
    assert any(f["path"] == EVIL_NAME for f in findings)


def test_config_errors_on_stderr_are_escaped(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    root = write_tree(tmp_path / "sms", {"fitsm.yaml": f"as_of: 2026-11-26\n{json.dumps(PAYLOAD)}: 1\n"})
    run = fitsm("check", root, "--no-cache")
    assert run.code == 2
    assert "fitsm: error:" in run.err and "\\x1b[31mred" in run.err
    for char in RAW:
        assert char not in run.err


def test_safe_lines_keeps_line_breaks_only() -> None:
    assert safe_lines("a\x1b[1m\nb\r") == "a\\x1b[1m\nb\\x0d"
    assert safe("plain ASCII, é and 漢字 stay") == "plain ASCII, é and 漢字 stay"


@pytest.mark.parametrize("fmt", [f for f in ("sarif",) if f in FORMATTERS])
def test_sarif_keeps_the_text_exactly(fmt: str, sms: Path, fitsm: Callable[..., Run]) -> None:
    out = _run(fitsm, sms, fmt).out
    texts = [r["message"]["text"] for run in json.loads(out)["runs"] for r in run["results"]]
    assert any(PAYLOAD in t for t in texts)


@pytest.mark.parametrize("fmt", [f for f in ("junit",) if f in FORMATTERS])
def test_junit_is_well_formed_xml(fmt: str, sms: Path, fitsm: Callable[..., Run]) -> None:
    """XML 1.0 cannot hold ESC even as a character reference: the report must still parse."""
    from xml.etree import ElementTree

    out = _run(fitsm, sms, fmt).out
    tree = ElementTree.fromstring(out.encode("utf-8"))
    failures = " ".join((f.get("message") or "") + (f.text or "") for f in tree.iter("failure"))
    assert "unknown field" in failures and "thumbs_up" in failures
