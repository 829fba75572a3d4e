"""The site's building blocks: inert text, links between pages, the iCalendar writer."""

from __future__ import annotations

import datetime as dt
import html as std_html

import icalendar
import markdown
import pytest

from fitsm_kit.site import ics
from fitsm_kit.site.markdown import link, mermaid_label, relative, site_root, table, text

EXTENSIONS = ["tables", "admonition", "toc"]  # as in the generated mkdocs.yml

HOSTILE = [
    "<script>window.__pwned=1</script>",
    "[click me](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<javascript:alert(1)>",
    "&lt;script&gt; stays as typed",
    "`code` *em* _em_ **strong** | pipe | {: onclick=alert(1) }",
    "# heading\n- list\n1. ordered\n---\n> quote\n~~~\nfence\n~~~",
    "[ref]: javascript:alert(1)\n[x][ref]",
]


def _html(value: str) -> str:
    return markdown.markdown(str(text(value)), extensions=EXTENSIONS)


@pytest.mark.parametrize("payload", HOSTILE)
def test_text_from_yaml_is_inert_in_markdown(payload: str) -> None:
    html = _html(payload)
    assert "<script" not in html and "<img" not in html and "<a " not in html and "href" not in html
    for tag in ("<h1", "<ul", "<ol", "<hr", "<blockquote", "<code", "<em", "<strong", "<pre"):
        assert tag not in html
    # the browser shows exactly what was typed (lines joined)
    shown = std_html.unescape(html.removeprefix("<p>").removesuffix("</p>").replace("<br>", "\n"))
    assert shown == "\n".join(line.strip() for line in payload.splitlines() if line.strip())


def test_text_in_a_table_cell_stays_in_its_cell() -> None:
    html = markdown.markdown(str(table(["A", "B"], [["x | y", "<b>z</b>"]])), extensions=EXTENSIONS)
    assert html.count("<td>") == 2
    assert "x &#124; y" in html and "&#60;b&#62;z&#60;/b&#62;" in html


def test_empty_table_is_a_note() -> None:
    assert table(["A"], [], "Nothing here.") == "*Nothing here.*"


@pytest.mark.parametrize(("target", "page", "expected"), [
    ("services/a.md", "services/b.md", "a.md"),
    ("services/a.md", "index.md", "services/a.md"),
    ("index.md", "services/a.md", "../index.md"),
    ("documents/index.md", "requirements/GR1.1.md", "../documents/index.md"),
])
def test_relative_links(target: str, page: str, expected: str) -> None:
    assert relative(target, page) == expected
    assert link("T", target, page, anchor="x") == f"[T]({expected}#x)"


def test_site_root_for_directory_urls() -> None:
    assert site_root("index.md") == "./"
    assert site_root("reviews/index.md") == "../"
    assert site_root("services/a.md") == "../../"


def test_mermaid_labels_cannot_break_out() -> None:
    label = mermaid_label('a"] --> x[<b>"`')
    assert all(c.isalnum() or c in " .,-/#;" for c in label)
    assert '"' not in label and "[" not in label and "<" not in label


def test_ics_escapes_folds_and_parses() -> None:
    summary = "Review due: Überprüfung; SLA, \"gold\" \\ tier " + "ä" * 60
    out = ics.calendar("Reviews, ACME", [ics.Event("sla-1.review@fitsm-kit", dt.date(2027, 1, 5), summary,
                                                  "line one\nline two")], dt.date(2026, 11, 26))
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")
    physical = out.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)  # the long summary was folded
    assert "SUMMARY:Review due: Überprüfung\\; SLA\\, \"gold\" \\\\ tier" in out.replace("\r\n ", "")
    cal = icalendar.Calendar.from_ical(out)
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == "line one\nline two"
    assert event["DTSTART"].dt == dt.date(2027, 1, 5) and event["DTEND"].dt == dt.date(2027, 1, 6)
    assert "X-WR-CALNAME:Reviews\\, ACME\r\n" in out  # x-properties are TEXT too (RFC 5545 3.8.8.2)


def test_ics_folding_never_splits_a_character() -> None:
    line = "SUMMARY:" + "€" * 100
    folded = ics.fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(p.encode("utf-8")) <= 74 for p in parts[1:]) and len(parts[0].encode("utf-8")) <= 75
