"""The site's building blocks: inert text, Markdown a user wrote, links, shortened text, the iCalendar writer."""

from __future__ import annotations

import datetime as dt
import html as std_html
import re
import time

import icalendar
import markdown
import pytest

from fitsm_kit.site import ics
from fitsm_kit.site.markdown import (
    SHORT,
    link,
    mermaid_label,
    prose,
    relative,
    safe_url,
    short,
    site_root,
    table,
    text,
    url,
)

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


# --- what a user writes in Markdown (long descriptions), links from YAML, shortened text ---------------------

PROSE = [*HOSTILE,
         "# Heading\n## Sub | pipe\ntext",
         "- [bad](javascript:alert(1))\n- [bad](JaVaScRiPt:alert(1))\n- [bad]( javascript:alert(1))",
         "![img](https://x.example/p.png) [ok](https://ok.example/)",
         "<details open ontoggle=alert(1)>\n| a | b |\n|---|---|\n<https://auto.example/>",
         "[x](data:text/html,<script>alert(1)</script>) [y](vbscript:msgbox) [z](//evil.example/)",
         "**[x](javascript:alert(1))** *<b>em</b>* `<script>`",
         "    indented code?\n\n```\nfence\n```\n$$ math $$\n!!! note\n=== tab"]
SAFE_HREF = re.compile(r'href="(https?://|mailto:)')


@pytest.mark.parametrize("payload", PROSE)
def test_prose_keeps_only_the_safe_subset(payload: str) -> None:
    html = markdown.markdown(str(prose(payload)), extensions=EXTENSIONS)
    for tag in ("<script", "<img", "<h1", "<h2", "<h3", "<table", "<blockquote", "<pre", "<hr", "<details",
                "<div", "<dl", "<iframe"):
        assert tag not in html, tag
    assert html.count("href=") == len(SAFE_HREF.findall(html)) == html.count("<a ")  # only links with a safe scheme
    tags = re.findall(r"<[^>]*>", html)  # text is written as references: every < left is a real tag
    kept = re.compile(r'</?(p|ul|ol|li|strong|em|code|br)>|<a href="[^"]*">|</a>|<!-- -->')
    assert all(kept.fullmatch(t) for t in tags), tags


def test_prose_renders_paragraphs_lists_emphasis_code_and_safe_links() -> None:
    source = ("# Title\nFirst line\nsecond line with **strong**, *em*, _em_, `a<b` and snake_case_name.\n\n"
              "- one [site](https://example.org/a_b?x=1&y=2)\n- two\n  continued\n\n1. first\n2. second\n\n"
              "[mail](mailto:ops@example.org) \\*literal\\*")
    html = markdown.markdown(str(prose(source)), extensions=EXTENSIONS)
    assert "<p><strong>Title</strong></p>" in html
    assert "<strong>strong</strong>" in html and html.count("<em>em</em>") == 2 and "<code>a&#60;b</code>" in html
    assert "snake&#95;case&#95;name" in html  # underscores inside a word are no emphasis
    assert '<a href="https://example.org/a_b?x=1&amp;y=2">site</a>' in html
    assert "<li>two\n  continued</li>" in html or "<li>two continued</li>" in html
    assert re.search(r"<ol>\s*<li>first</li>\s*<li>second</li>\s*</ol>", html)  # not merged into the bullets
    assert '<a href="mailto:ops@example.org">mail</a>' in html and "&#42;literal&#42;" in html


@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd",
    "//evil.example/", "/relative/path", "https:no-host", "mailto:", "https://exa mple.org/", "https://x.org/\u202e",
    "ftp://files.example/", "https://[::1",
])
def test_a_url_with_an_unsafe_scheme_is_text(value: str) -> None:
    assert safe_url(value) is None
    html = markdown.markdown(str(url(value)), extensions=EXTENSIONS)
    assert "href" not in html and "<a" not in html


@pytest.mark.parametrize(("value", "href"), [
    ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&amp;c=2"),
    ('https://example.org/"onmouseover="alert(1)', "https://example.org/%22onmouseover=%22alert%281%29"),
    ("http://example.org/<script>", "http://example.org/%3Cscript%3E"),
    ("HTTPS://Example.org/ä", "HTTPS://Example.org/%C3%A4"),
    ("mailto:help@example.org", "mailto:help@example.org"),
])
def test_a_safe_url_is_a_link_whose_target_cannot_break_out(value: str, href: str) -> None:
    html = markdown.markdown(str(url(value)), extensions=EXTENSIONS)
    assert f'<a href="{href}">' in html
    label = re.search(r'<a href="[^"]*">(.*?)</a>', html)
    assert label and std_html.unescape(label.group(1)) == value  # the label is the URL as written


@pytest.mark.parametrize(("value", "shown"), [
    ("Virtual machines, e.g. OpenStack. Second sentence.", "Virtual machines, e.g. OpenStack."),
    ("Runs **fast** on [GPUs](https://x.example/). More.", "Runs fast on GPUs."),
    ("# Overview\nThe service stores data. It is replicated.", "Overview The service stores data."),
    ("One line without a full stop", "One line without a full stop"),
    ("Version 2.1 is live. Next", "Version 2.1 is live."),
    ("word " * 60 + "end.", ("word " * 32).strip() + "…"),
    ("x" * 200, "x" * 159 + "…"),
])
def test_short_is_the_first_sentence_within_the_cap(value: str, shown: str) -> None:
    assert std_html.unescape(str(short(value))) == shown
    assert len(shown) <= SHORT


def test_short_tagline_is_capped_not_cut_at_a_sentence_and_stays_inert() -> None:
    assert std_html.unescape(str(short("Fast. Cheap.", sentence=False))) == "Fast. Cheap."
    html = markdown.markdown(str(short("<script>x</script> | [a](javascript:b) # h")), extensions=EXTENSIONS)
    assert "<script" not in html and "href" not in html and "<h1" not in html
    assert std_html.unescape(html.removeprefix("<p>").removesuffix("</p>")) == "<script>x</script> | a # h"


@pytest.mark.parametrize("payload", ["**a *" * 20000, "*a " * 30000, "__a _" * 20000, "[a](" * 30000,
                                     "a. " * 40000, "_a" * 50000, "# " * 50000, "- x\n" * 20000, "`" * 100000])
def test_prose_and_short_take_linear_time(payload: str) -> None:
    started = time.perf_counter()
    prose(payload)
    short(payload)
    assert time.perf_counter() - started < 5
