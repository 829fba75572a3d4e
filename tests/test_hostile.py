"""Hostile input: every case is reported with its file (and line), nothing runs, the rest is checked.

The CLI runs as a real subprocess under an address-space limit and a hang guard (the timeout is a bound
against hangs, not a timed assertion). The corpus is generated in tmp_path: some cases are megabytes.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from fitsm_kit.sms.loader import MAX_FILE_BYTES, MAX_NODES_PER_FILE, MAX_PARSE_DEPTH

MEMORY_LIMIT = 1 << 30  # 1 GiB of address space for the whole CLI process
HANG_GUARD = 120  # seconds; the whole corpus normally takes a few

PERSON = """\
apiVersion: fitsm.eu/v1
kind: Person
metadata:
  id: {id}
  title: A person
  titel: typo          # the good files' finding: an unknown field
  owner: {id}
  status: approved
spec:
  name: A person
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m fitsm_kit ARGS`` in a child process with fixed limits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITSM")}  # PYTHONPATH: the same code
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "fitsm_kit", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", errors="replace",
                          timeout=HANG_GUARD, preexec_fn=_limits, check=False)


def _billion_laughs() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


# file name -> (content, the line where it is reported, words the message contains)
CASES: dict[str, tuple[str | bytes, int, str]] = {
    "alias-bomb.yaml": (_billion_laughs(), 0, "nodes"),
    "deep-flow-seq.yaml": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", 1, "nesting"),
    "deep-flow-map.yaml": ("a: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", 1, "nesting"),
    "deep-block-seq.yaml": ("- " * 10_000 + "x\n", 1, "nesting"),
    "deep-block-map.yaml": ("? " * 10_000 + "x\n", 1, "nesting"),
    "deep-indented-map.yaml": ("".join(" " * i + "k:\n" for i in range(1_500)), 0, "nesting"),
    "huge.yaml": ("# padding\n" * (MAX_FILE_BYTES // 10 + 1), 1, "limit"),
    "long-line.yaml": ("title: " + "x" * (MAX_FILE_BYTES - 100) + "\n", 1, "kind"),
    "many-nodes.yaml": ("-\n" * (MAX_NODES_PER_FILE + 1), 0, "nodes"),
    "binary.yaml": (bytes(range(256)) * 4, 1, "NUL"),
    "latin-1.yaml": ("title: caf\xe9\n".encode("latin-1"), 1, "UTF-8"),
    "nul.yaml": (b"kind: Person\nmetadata:\x00\n", 2, "NUL"),
    "tabs.yaml": ("kind: Person\nmetadata:\n\tid: x\n", 3, "tab"),
    "duplicate-keys.yaml": ("kind: Person\nkind: SLA\n", 2, "duplicate key"),
    "python-object.yaml": ("!!python/object/apply:os.system ['touch PWNED']\n", 1, "tag"),
    "python-name.yaml": ("kind: !!python/name:os.system Person\n", 1, "tag"),
    "custom-tag.yaml": ("kind: Person\nmetadata: !include ../../etc/passwd\n", 2, "tag"),
    "top-scalar.yaml": ("just a sentence\n", 1, "string, not a mapping"),
    "top-list.yaml": ("- a\n- b\n", 1, "list, not a mapping"),
    "unknown-kind.yaml": ("apiVersion: fitsm.eu/v1\nkind: Spaceship\n", 2, "unknown kind"),
    "syntax.yaml": ("kind: [Person\n", 0, "syntax"),
}


@pytest.fixture(scope="module")
def hostile_sms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SMS with good documents and every hostile case next to them."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / "sms"
    (root / "people").mkdir(parents=True)
    (root / "fitsm.yaml").write_text("as_of: 2026-11-26\n", encoding="utf-8")
    (root / "people" / "good.yaml").write_text(PERSON.format(id="good-person"), encoding="utf-8")
    bad = root / "bad"
    bad.mkdir()
    for name, (content, _, _) in CASES.items():
        path = bad / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    # a BOM and CRLF line endings are fine: the finding keeps its line
    (root / "people" / "bom-crlf.yaml").write_bytes(
        b"\xef\xbb\xbf" + PERSON.format(id="bom-person").replace("\n", "\r\n").encode())
    # names with spaces and non-ASCII letters are fine too
    (root / "people" / "Ærø dépôt ünd space.yaml").write_text(PERSON.format(id="unicode-person"), encoding="utf-8")
    # three documents, the middle one bad: the third is still checked
    (root / "people" / "multi.yaml").write_text(
        PERSON.format(id="first") + "---\nkind: Spaceship\n---\n" + PERSON.format(id="third"), encoding="utf-8")
    (root / "people" / "multi-syntax.yaml").write_text(
        PERSON.format(id="before") + "---\nkind: [Person\n---\n" + PERSON.format(id="after"), encoding="utf-8")
    (root / "people" / "empty.yaml").write_text("", encoding="utf-8")
    # links: out of the SMS (to a file that must not leak), a loop, a dangling one
    (base / "secret.yaml").write_text("kind: Person\nmetadata: {id: secret-token-4711}\n", encoding="utf-8")
    (bad / "outside.yaml").symlink_to(base / "secret.yaml")
    (bad / "loop-a.yaml").symlink_to(bad / "loop-b.yaml")
    (bad / "loop-b.yaml").symlink_to(bad / "loop-a.yaml")
    (bad / "dangling.yaml").symlink_to(bad / "missing.yaml")
    os.mkfifo(bad / "fifo.yaml")  # reading it would block forever
    return root


@pytest.fixture(scope="module")
def json_run(hostile_sms: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    proc = run_cli("check", hostile_sms, "--format", "json", "--no-cache", cwd=hostile_sms.parent)
    return proc, json.loads(proc.stdout)


def test_the_result_cache_reads_the_same_files_as_safely(
        hostile_sms: Path, json_run: tuple[subprocess.CompletedProcess[str], dict[str, object]]) -> None:
    """With the cache on (the default), the cache key reads the files once, as the check does: the FIFO
    does not block it, and the result is the one without cache; such a tree is not cached."""
    _, uncached = json_run
    for _ in range(2):
        proc = run_cli("check", hostile_sms, "--format", "json", cwd=hostile_sms.parent)
        assert proc.returncode == 1, proc.stderr
        assert _findings(json.loads(proc.stdout)) == _findings(uncached)


def _findings(report: dict[str, object]) -> list[dict[str, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return findings


def test_no_traceback_and_exit_code_is_findings(json_run: tuple[subprocess.CompletedProcess[str], dict[str, object]],
                                               hostile_sms: Path) -> None:
    proc, _ = json_run
    assert proc.returncode in (1, 2), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stderr
    assert not (hostile_sms.parent / "PWNED").exists() and not (hostile_sms / "PWNED").exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hostile_file_is_named_with_its_line(
        name: str, json_run: tuple[subprocess.CompletedProcess[str], dict[str, object]]) -> None:
    _, report = json_run
    _, line, words = CASES[name]
    hits = [f for f in _findings(report) if f["path"] == f"bad/{name}"]
    assert hits, f"bad/{name} is not reported"
    assert any(words in str(f["message"]) for f in hits), hits
    if line:
        assert any(f["line"] == line for f in hits), hits


@pytest.mark.parametrize(("name", "words"), [("outside.yaml", "outside the SMS"), ("loop-a.yaml", "loop"),
                                             ("loop-b.yaml", "loop"), ("dangling.yaml", "broken"),
                                             ("fifo.yaml", "not a regular file")])
def test_links_and_special_files_are_reported_not_followed(
        name: str, words: str, json_run: tuple[subprocess.CompletedProcess[str], dict[str, object]]) -> None:
    proc, report = json_run
    hits = [f for f in _findings(report) if f["path"] == f"bad/{name}"]
    assert hits and all(words in str(f["message"]) for f in hits), hits
    assert "secret-token-4711" not in proc.stdout + proc.stderr


def test_good_documents_are_still_checked(json_run: tuple[subprocess.CompletedProcess[str], dict[str, object]]) -> None:
    _, report = json_run
    typo = {(f["path"], f["line"]) for f in _findings(report) if "titel" in str(f["message"])}
    line = PERSON.splitlines().index("  titel: typo          # the good files' finding: an unknown field") + 1
    second = line + PERSON.count("\n") + 3  # after two '---' and the bad middle document
    assert typo == {
        ("people/good.yaml", line),
        ("people/bom-crlf.yaml", line),
        ("people/Ærø dépôt ünd space.yaml", line),
        ("people/multi.yaml", line), ("people/multi.yaml", second),
        ("people/multi-syntax.yaml", line), ("people/multi-syntax.yaml", second),
    }
    assert not [f for f in _findings(report) if f["path"] == "people/empty.yaml"]


def test_text_output_names_every_bad_file(hostile_sms: Path) -> None:
    proc = run_cli("check", hostile_sms, "--no-cache", cwd=hostile_sms.parent)
    assert proc.returncode in (1, 2)
    assert "Traceback" not in proc.stdout + proc.stderr
    for name in [*CASES, "outside.yaml", "loop-a.yaml", "fifo.yaml", "Ærø dépôt ünd space.yaml"]:
        assert f"{name}:" in proc.stdout, name


def test_depth_is_checked_before_parsing_when_libyaml_has_no_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml before 0.2.6 segfaults composing ~35,000 levels: the pre-check must stop such files first."""
    from fitsm_kit.sms import loader

    monkeypatch.setattr(loader, "_PARSER_LIMITS_NESTING", False)
    deep = "x: [ok]\n" + "a: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert loader.too_deep(deep) == 2
    assert loader.too_deep("- " * (MAX_PARSE_DEPTH + 1) + "x\n") == 1
    # brackets inside quotes cannot hide real nesting, and quoted brackets are not nesting
    assert loader.too_deep('[ "]", ' * (MAX_PARSE_DEPTH + 1)) == 1
    assert loader.too_deep("a: '" + "[" * 5_000 + "'\n") is None
    ordinary = "".join(f"k{i}: [a, {{b: c}}]\n" for i in range(2_000))
    assert loader.too_deep(ordinary) is None
    (problem,) = loader.iter_documents(deep)
    assert isinstance(problem, loader.LoadProblem) and problem.line == 2 and "nesting" in problem.message
