from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from fitsm_kit import __version__
from test_examples import planted

from conftest import EXAMPLES, SEED, Run, write_tree

POLICY = """\
apiVersion: fitsm.eu/v1
kind: SecurityPolicy
metadata: {id: %s, title: A policy, owner: %s, status: draft, review: {interval: P12M, last_reviewed: 2026-06-01}}
spec: {statement: We protect data.}
"""
PERSON = """\
apiVersion: fitsm.eu/v1
kind: Person
metadata: {id: alice, title: Alice, owner: alice, status: draft}
spec: {name: Alice, email: alice@example.org}
"""


def test_version(fitsm: Callable[..., Run]) -> None:
    run = fitsm("--version")
    assert run.code == 0 and __version__ in run.out


def test_the_command_says_everything_before_its_hard_exit(tmp_path: Path) -> None:
    """``fitsm`` (cli.run) ends with os._exit: its output must be complete and its exit codes kept."""

    def fitsm_process(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "fitsm_kit", *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=120)

    broken = fitsm_process("check", str(EXAMPLES / "acme-broken"), "--format", "json", "--no-cache")
    assert broken.returncode == 1
    assert {f["rule"] for f in json.loads(broken.stdout)["findings"]} >= {"yaml-syntax", "duplicate-id", "unknown-kind"}
    clean = fitsm_process("check", str(EXAMPLES / "acme"), "--no-cache")
    assert (clean.returncode, clean.stdout.strip()[:17]) == (0, "All checks passed")
    usage = fitsm_process("check", str(EXAMPLES / "acme"), "--format", "nope")
    assert usage.returncode == 2 and "nope" in usage.stderr


def test_text_output_names_file_line_col_and_requirement(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", EXAMPLES / "acme-broken")
    assert run.code == 1
    assert "acme-broken/agreements/olas.yaml:38:13: PR2.4 OLA with external supplier research-net" in run.out
    assert "fix: use an OLA for internal suppliers" in run.out
    assert f"Found {len(planted())} findings" in run.out


def test_syntax_error_among_good_files_still_checks_the_rest(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    write_tree(tmp_path, {
        "a.yaml": PERSON,
        "b.yaml": "apiVersion: fitsm.eu/v1\nkind: Person\nmetadata: [unclosed\n",
        "c.yaml": POLICY % ("policy", "nobody"),
    })
    run = fitsm("check", tmp_path, "--format", "json", "--select", "GR2.4")
    findings = json.loads(run.out)["findings"]
    assert run.code == 1
    assert [(f["path"], f["line"], f["rule"]) for f in findings] == [
        ("b.yaml", 4, "yaml-syntax"),
        ("c.yaml", 3, "unresolved-reference"),
    ]


def test_as_of_drives_date_rules(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    approved = POLICY.replace("status: draft", "status: approved")  # only what is in force falls due for review
    write_tree(tmp_path, {"a.yaml": PERSON, "b.yaml": approved % ("policy", "alice")})
    assert fitsm("check", tmp_path, "--select", "security-policy-reviewed", "--as-of", "2027-06-30").code == 0
    late = fitsm("check", tmp_path, "--select", "security-policy-reviewed", "--as-of", "2027-07-02")
    assert late.code == 1
    assert "fell due 2027-06-01" in late.out


def test_select_by_prefix_is_dotted(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", EXAMPLES / "acme-broken", "--format", "json", "--select", "PR2")
    reqs = {f["requirement"] for f in json.loads(run.out)["findings"]}
    assert reqs == {"PR2.1", "PR2.4"}
    run = fitsm("check", EXAMPLES / "acme-broken", "--format", "json", "--ignore", "GR,PR2,PR6.3")
    reqs = {f["requirement"] for f in json.loads(run.out)["findings"]}
    assert reqs == {"PR1.1", "PR6.5", "PR8.2"}  # PR6.3 ignores PR6.3 only


def test_usage_and_config_errors_exit_2(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    missing = fitsm("check", tmp_path)
    assert missing.code == 2 and "no fitsm.yaml found" in missing.err
    assert fitsm("check", EXAMPLES / "acme", "--as-of", "tomorrow").code == 2
    assert fitsm("check", EXAMPLES / "acme", "--format", "xml").code == 2
    write_tree(tmp_path, {"fitsm.yaml": "grace: 30 days\nselct: [PR1]\n"})
    bad = fitsm("check", tmp_path)
    assert bad.code == 2
    assert "grace" in bad.err and "selct" in bad.err


def test_output_file(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    report = tmp_path / "report.json"
    run = fitsm("check", EXAMPLES / "acme-broken", "--format", "json", "--output", report)
    assert run.code == 1 and run.out == ""
    assert json.loads(report.read_text())["summary"]["findings"] == len(planted())


def test_explain_prints_the_requirement_text_from_the_seed(fitsm: Callable[..., Run]) -> None:
    run = fitsm("explain", "PR2.2")
    assert run.code == 0
    text = ("For all services delivered to customers, service level agreements (SLAs) shall be in place and "
            "reviewed at planned intervals.")
    assert text in run.out
    if SEED.exists():
        assert f"- PR2.2 {text}" in SEED.read_text(encoding="utf-8")
    assert "live-service-has-sla" in run.out
    assert "CC BY 4.0" in run.out


def test_explain_unknown_is_a_usage_error(fitsm: Callable[..., Run]) -> None:
    run = fitsm("explain", "PR99.1")
    assert run.code == 2 and "neither a requirement" in run.err


def test_a_run_builds_only_its_command_and_it_reads_as_with_the_whole_app() -> None:
    # A run builds the command line of the command it runs only (typer inspects every command it builds); its
    # options, arguments and help must be those the whole app gives it, and the root keeps its own options.
    import typer.core
    import typer.main

    from fitsm_kit.cli.application import app, app_for

    whole = typer.main.get_command(app)
    assert isinstance(whole, typer.core.TyperGroup)
    names = sorted(whole.commands)
    assert len(names) > 10 and {"check", "server", "import"} <= set(names)

    def described(group: typer.core.TyperGroup, name: str) -> object:
        command = group.commands[name]
        params = [(p.name, p.opts, p.secondary_opts, p.required, p.default) for p in command.params]
        return command.help, params, sorted(getattr(command, "commands", {}) or {})

    for name in names:
        one = typer.main.get_command(app_for([name]))
        assert isinstance(one, typer.core.TyperGroup)
        assert list(one.commands) == [name]
        assert described(one, name) == described(whole, name)
        assert [p.opts for p in one.params] == [p.opts for p in whole.params]  # --install-completion, ...
    for other in (["--help"], ["chek"], []):  # what names no command gets the whole app (and its suggestions)
        assert app_for(other) is app


def test_a_command_run_alone_reports_usage_as_before(fitsm: Callable[..., Run]) -> None:
    run = fitsm("check", "--bogus")
    assert run.code == 2 and "No such option: --bogus" in run.err and "fitsm check --help" in run.err
    run = fitsm("chek")
    assert run.code == 2 and "No such command 'chek'" in run.err and "'check'" in run.err
