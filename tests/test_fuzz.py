"""Fuzz (issue 18): random names, handles, file names and commit messages — control characters, ``\\x1e``,
NUL-free binary, bidi marks, workflow commands, forged trailers, very long strings — through a real
repository and the real CLI: ``check`` in every format, ``status``, ``history``, ``codeowners`` and
``review --commit``.

For every run: exit 0, 1 or 2 (never a crash), no line of stdout or stderr that a CI runner reads as a
workflow command, no CODEOWNERS line beyond one per SMS file and no owner that is not a handle, no trailer
beyond the ones ``review`` writes, and each run within a time linear in its input allows.
Hypothesis with a fixed seed and a small budget (the whole test stays well under a minute on two cores).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from fitsm_kit.gitcontrol import codeowners
from fitsm_kit.output import FORMATTERS
from gitsms import GitSms, copy_sms, isolated_env, no_user_git_config

from conftest import Run

_isolated = pytest.fixture(autouse=True)(no_user_git_config)
# no shrinking: a failing example is reported as found (shrinking 100 KB inputs takes minutes)
FUZZ = settings(derandomize=True, deadline=None, database=None, max_examples=6,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])
SECONDS_PER_RUN = 20  # the SMS is tiny; a run slower than this is not linear in its (at most ~100 KB) input
_HANDLE = re.compile(r"@[A-Za-z0-9_][A-Za-z0-9_./-]*\Z")
# fitsm's own annotations in --format github: properties escape ':' and ',', messages escape line breaks
_OWN_COMMAND = re.compile(r"::(error|warning|notice) file=[^:,]*,line=\d+,col=\d+,title=[^:,]*::")

FRAGMENTS = ["\x1e", "\x1f", "\x1b]0;title\x07", "\x1b[2J", "\r", "\n", "\n::error file=a::forged\n", "::warning::x",
             "##[error]v1", "##[stop-commands]tok", "%0A::error::x", "\u202e", "\u2066", "\u2028", "\x85", "\x9b31m",
             "\nApproved-by: Alice Martin <alice.martin@acme-rc.example>\n", "\n\nReviewed-by: @glind",
             "* @attacker", "\t@org/admins", "<", ">", "@", "#", "[x]", "\\", "'", '"', "{", "}", "---", "é", "日本"]
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
PIECE = st.one_of(st.sampled_from(FRAGMENTS), st.text(_CHARS, max_size=12))
TEXT = st.one_of(st.lists(PIECE, max_size=8).map("".join),
                 st.tuples(st.sampled_from(FRAGMENTS + ["a", "a@", "<a@a@"]), st.integers(1, 20_000))
                 .map(lambda t: t[0] * t[1]))  # very long strings, up to ~100 KB
BINARY = st.binary(max_size=200).map(lambda b: b.replace(b"\0", b""))  # NUL-free, not necessarily UTF-8


def file_name(raw: bytes) -> bytes:
    """A legal file name (no '/' or NUL, at most 255 bytes) ending in .yaml, from any bytes."""
    name = raw.replace(b"/", b"_").replace(b"\0", b"")[:240].lstrip(b".") or b"x"
    return name + b".yaml"


PERSON = """apiVersion: fitsm.eu/v1
kind: Person
metadata: {{id: fuzz-person, title: Fuzz, owner: fuzz-person, status: recorded}}
spec:
  name: {name}
  email: fuzz@acme-rc.example
  github: {handle}
"""


def lines_of(run: Run) -> list[str]:
    return (run.out + "\n" + run.err).splitlines()


def assert_inert(run: Run, what: str, own_commands: int = 0) -> None:
    """No workflow command in the output but ``own_commands`` annotations that fitsm writes itself."""
    assert run.code in (0, 1, 2), f"{what}: exit {run.code}\n{run.err[-2000:]}"
    assert "Traceback" not in run.err, f"{what}: {run.err[-2000:]}"
    commands = [line for line in lines_of(run) if line.lstrip().startswith("::")]
    assert len(commands) == own_commands, f"{what}: {len(commands) - own_commands} workflow command lines too many"
    assert all(_OWN_COMMAND.match(line) for line in commands), f"{what}: a forged annotation"
    assert "##[" not in run.out + run.err, f"{what}: an old-style workflow command"


def timed(fitsm: Callable[..., Run], *args: str | Path) -> Run:
    started = time.monotonic()
    run = fitsm(*args)
    took = time.monotonic() - started
    assert took < SECONDS_PER_RUN, f"fitsm {args[0]} took {took:.1f} s"
    return run


def git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    bob = ("Bob Keller", "bob.keller@acme-rc.example", "2026-02-01T10:00:00+01:00")
    env = isolated_env(root.parent) | {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                                       for what, value in zip(("NAME", "EMAIL", "DATE"), bob, strict=True)}
    return subprocess.run(["git", *args], cwd=root, env=env, input=data, capture_output=True, check=True).stdout


@FUZZ
@example(name="Eve ##[error]x ::warning::y", handle="eve", raw_name=b"people-\xc3\xa9 #x",  # review succeeds
         message=b"Policy\n\n\x1e" + b"f" * 40 + b"\x1fAlice\n\nApproved-by: Alice <alice.martin@acme-rc.example>",
         note="fine\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>\n::error::x")
@example(name="Eve\nApproved-by: Alice Martin <alice.martin@acme-rc.example>", handle="eve @org/admins\n* @attacker",
         raw_name=b"x\n*\t@attacker", message=b"\xc3(" * 30_000, note="\u202e" * 50_000)
@example(name="Eve", handle="eve", raw_name=b"\x10\xc6\xc8H\xeb\x03", message=b"x", note="")  # found: exit 3
@given(name=TEXT, handle=TEXT, raw_name=BINARY, message=st.one_of(TEXT.map(str.encode), BINARY), note=TEXT)
def test_fuzzed_names_handles_files_and_messages_stay_inert(fitsm: Callable[..., Run], monkeypatch: pytest.MonkeyPatch,
                                                            name: str, handle: str, raw_name: bytes, message: bytes,
                                                            note: str) -> None:
    for who in ("AUTHOR", "COMMITTER"):  # the identity 'fitsm review --commit' commits with
        monkeypatch.setenv(f"GIT_{who}_NAME", "Bob Keller")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "bob.keller@acme-rc.example")
    with tempfile.TemporaryDirectory(prefix="fitsm-fuzz-") as tmp:
        root = Path(tmp) / "sms"
        copy_sms(root)
        repo = GitSms(root)
        repo.git("init", "-q", "-b", "main")
        repo.commit("import", "Import the SMS", who="farid", when="2026-01-05T10:00:00+01:00")
        fuzzed = os.fsdecode(file_name(raw_name))
        (root / fuzzed).write_text(PERSON.format(name=json.dumps(name), handle=json.dumps(handle)), encoding="utf-8")
        (root / "general" / "policy.yaml").write_text(
            (root / "general" / "policy.yaml").read_text(encoding="utf-8").replace("Every change", "Each change"),
            encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty-message", "--cleanup=verbatim", "-F", "-", data=message or b"x")

        run = timed(fitsm, "check", root, "--format", "json")  # fills the result cache; the others format it
        assert_inert(run, "check --format json")
        findings = len(json.loads(run.out)["findings"])
        for fmt in sorted(FORMATTERS):
            assert_inert(timed(fitsm, "check", root, "--format", fmt), f"check --format {fmt}",
                         findings if fmt == "github" else 0)
        for args in (("history", "sm-policy"), ("history", "sm-policy", "--format", "json"), ("history", fuzzed)):
            assert_inert(timed(fitsm, *args, "--sms", root), " ".join(args))
        for fmt in ("text", "json"):
            assert_inert(timed(fitsm, "status", root, "--format", fmt), f"status --format {fmt}")

        run = timed(fitsm, "codeowners", root, "--stdout")
        assert_inert(run, "codeowners")
        if run.code == 0:
            files = {p.relative_to(root).as_posix() for p in root.rglob("*.yaml")}
            rules = codeowners.parse(run.out)
            assert len(rules) <= len(files) + 1, run.out  # "*" and at most one line per SMS file
            for _, pattern, owners in rules:
                assert pattern == "*" or pattern.lstrip("/") in files, f"a line for no SMS file: {pattern!r}"
                assert all(_HANDLE.match(o) for o in owners), f"an owner that is not a handle: {owners!r}"

        before = git(root, "rev-parse", "HEAD")
        run = timed(fitsm, "review", "sm-policy", "--by", "fuzz-person", "--note", note, "--on", "2026-02-02",
                    "--commit", "--sms", root)
        assert_inert(run, "review --commit")
        if git(root, "rev-parse", "HEAD") != before:  # a commit was written: only review's own trailers
            parsed = git(root, "log", "-1", "--format=%(trailers:only,unfold)").decode("utf-8", "replace")
            keys = [line.split(":", 1)[0].lower() for line in parsed.splitlines() if line.strip()]
            assert sorted(keys) == ["fitsm-review", "reviewed-by"], parsed
            assert_inert(timed(fitsm, "history", "sm-policy", "--sms", root), "history after review")

        # the other commands: their messages and notices quote SMS text, file names and what the user typed
        work = Path(tmp)
        for args in (("evaluate", root, "--period", "2026-10", "--as-of", "2026-11-26", "--dry-run"),
                     ("report", "report-sla-quarterly", "--sms", root, "--period", "2026-Q3", "--as-of", "2026-11-26",
                      "--no-record", "--out", work / "reports"),
                     ("new", "service", "--sms", root, "--no-input", "--set", f"title={note[:300] or 'x'}"),
                     ("new", "customer", "fuzz-customer", "--sms", root, "--no-input", "--set", f"title={name or 'x'}"),
                     ("init", work / "new-sms", "--no-input", "--organisation", name, "--owner", f"{name} <{handle}>"),
                     ("render", root, "--out", work / "site", "--engine", "mkdocs")):
            assert_inert(timed(fitsm, *args), str(args[0]))
