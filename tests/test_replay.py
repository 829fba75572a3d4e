"""A ``fitsm check`` whose inputs are unchanged replays the last output without importing the models, and
prints exactly what the full command prints: same standard output, standard error and exit code.

Every run here is the real ``fitsm`` program in a subprocess, in a real Git repository. A replay is told
from a full run by the modules it imported (``PYTHONPROFILEIMPORTTIME`` lists them on standard error,
outside what the program writes, so it is left out of the comparison).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from fitsm_kit.engine import baseline, replay

from conftest import EXAMPLES

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Output:
    code: int
    out: str
    err: str
    replayed: bool  # the run imported no pydantic, no typer and no rule


def env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C.UTF-8",
            "PYTHONPROFILEIMPORTTIME": "1", "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
            "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org", **extra}


def fitsm(root: Path, *args: str, **extra: str) -> Output:
    done = subprocess.run([str(BIN / "fitsm"), "check", *args], cwd=root, env=env(root.parent, **extra),
                          capture_output=True, text=True, check=False)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    err = "".join(line for line in done.stderr.splitlines(keepends=True) if not line.startswith("import time:"))
    assert "fitsm_kit.cli.fast" in imported or "check" not in args[:1]
    replayed = not ({"pydantic", "typer", "fitsm_kit.rules", "rich"} & imported)
    return Output(done.returncode, done.stdout, err, replayed)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=env(root.parent), check=True, capture_output=True)


def example_repo(tmp_path: Path, name: str) -> Path:
    """A bundled example in a Git repository (history rules on), committed, with one staged change."""
    root = tmp_path / name
    shutil.copytree(EXAMPLES / name, root)
    config = root / "fitsm.yaml"
    text = config.read_text(encoding="utf-8").replace("document_control: {git: false}\n", "")
    config.write_text(text + "\ndocument_control:\n  git: true\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import")
    target = sorted(p for p in root.rglob("*.yaml") if p.name != "fitsm.yaml")[0]
    target.write_text(target.read_text(encoding="utf-8") + "# staged\n", encoding="utf-8")
    git(root, "add", "-A")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return example_repo(tmp_path, "acme")


def same(a: Output, b: Output) -> bool:
    return (a.code, a.out, a.err) == (b.code, b.out, b.err)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if (p / "fitsm.yaml").is_file()))
def test_a_second_run_replays_what_the_full_command_prints(tmp_path: Path, example: str) -> None:
    repo = example_repo(tmp_path, example)
    first = fitsm(repo)
    assert not first.replayed and first.code == 1 and "approved-in-git" in first.out
    second = fitsm(repo)
    assert second.replayed
    assert same(second, first)
    full = fitsm(repo, "--no-cache")  # no result cache, no record: everything checked again
    assert not full.replayed and same(full, first)


@pytest.mark.parametrize("args", [("--format", "json"), ("-f", "sarif"), ("--matrix",), ("--select", "GR2"),
                                  ("--as-of", "2027-06-01", "--fail-on", "error"), ("--no-baseline", "general")])
def test_every_replayable_form_replays_its_own_output(repo: Path, args: tuple[str, ...]) -> None:
    first = fitsm(repo, *args)
    second = fitsm(repo, *args)
    assert second.replayed and same(second, first)
    assert same(fitsm(repo, *args, "--no-cache"), first)


def test_any_changed_input_is_a_full_run_with_the_new_output(repo: Path) -> None:
    def check_now() -> None:
        """A full run (nothing replayed) whose output is the uncached command's; the next run replays it."""
        first = fitsm(repo)
        assert not first.replayed
        assert same(first, fitsm(repo, "--no-cache"))
        again = fitsm(repo)
        assert again.replayed and same(again, first)

    check_now()
    sla = repo / "agreements" / "sla-default.yaml"
    sla.write_text(sla.read_text(encoding="utf-8").replace("status: approved", "status: draft", 1), encoding="utf-8")
    check_now()  # an SMS file
    git(repo, "add", "-A")
    check_now()  # the index
    git(repo, "commit", "-q", "-m", "Draft")
    check_now()  # HEAD
    (repo / "new.yaml").write_text("kind: Nothing\n", encoding="utf-8")
    check_now()  # a new, untracked SMS file
    (repo / ".gitignore").write_text("new.yaml\n", encoding="utf-8")
    check_now()  # ignored now: no longer an uncommitted change (git status changed, no SMS byte did)
    with (repo / "fitsm.yaml").open("a", encoding="utf-8") as config:
        config.write("fail_on: error\n")
    check_now()  # the configuration
    (repo / baseline.FILE).write_text('{"version": 1, "findings": []}\n', encoding="utf-8")
    check_now()  # the baseline
    git(repo, "branch", "-q", "feature")
    check_now()  # a new ref
    assert not fitsm(repo, GITHUB_ACTIONS="true").replayed  # the environment (here: the default format)
    assert not fitsm(repo, "--format", "text").replayed  # other arguments


def test_a_record_not_sealed_by_this_user_is_never_replayed(repo: Path) -> None:
    first = fitsm(repo)
    record = repo / ".git" / "fitsm-kit" / replay.NAME
    data = record.read_bytes()
    assert fitsm(repo).replayed
    forged = data.replace(b"approved-in-git", b"all-clear-here")  # the seal no longer matches
    record.write_bytes(forged)
    run = fitsm(repo)
    assert not run.replayed and same(run, first)
    shutil.rmtree(repo.parent / "config")  # another user's key: the record cannot be verified
    run = fitsm(repo)
    assert not run.replayed and (run.code, run.out) == (first.code, first.out)
    assert "does not verify" in run.err  # nor can the history cache: the full run says so


def test_standard_output_and_error_keep_their_order_in_one_pipe(repo: Path) -> None:
    def combined() -> str:
        done = subprocess.run(f"{BIN / 'fitsm'} check . 2>&1", shell=True, cwd=repo, env=env(repo.parent),
                              capture_output=True, text=True, check=False)
        return "".join(line for line in done.stdout.splitlines(keepends=True) if not line.startswith("import time:"))

    first = combined()
    assert "fitsm: note:" in first and "approved-in-git" in first
    assert combined() == first


def test_the_baseline_file_name_is_the_one_the_baseline_uses() -> None:
    assert replay.BASELINE == baseline.FILE


def test_only_plain_check_invocations_are_replayable() -> None:
    from fitsm_kit.cli.fast import replayable

    assert replayable(["check"]) == Path(".")
    assert replayable(["check", "sms", "--format", "json", "--select=GR2", "--no-baseline"]) == Path("sms")
    assert replayable(["check", "--as-of", "2026-01-01", "sub/dir"]) == Path("sub/dir")
    for argv in (["status"], ["check", "--output", "x.json"], ["check", "--no-cache"], ["check", "a", "b"],
                 ["check", "--changed-since", "main"], ["check", "--help"], ["check", "--format"],
                 ["check", "-fjson"], ["check", "--matrix=yes"], ["check", "--unknown"]):
        assert replayable(argv) is None, argv


def _mutate(root: Path, rng: random.Random) -> None:
    """Random, plausible edits of the example: statuses, dates, owners, removed documents and fields."""
    files = sorted(p for p in root.rglob("*.yaml") if p.name != "fitsm.yaml")
    for path in rng.sample(files, 4):
        text = path.read_text(encoding="utf-8")
        docs = text.split("\n---\n")
        i = rng.randrange(len(docs))
        choice = rng.randrange(5)
        if choice == 0 and len(docs) > 1:
            del docs[i]
        elif choice == 1:
            docs[i] = docs[i].replace("status: approved", "status: draft", 1)
        elif choice == 2:
            date = f"20{rng.randrange(20, 30)}-0{rng.randrange(1, 10)}-1{rng.randrange(10)}"
            docs[i] = re.sub(r"20\d\d-\d\d-\d\d", date, docs[i], count=1)
        elif choice == 3:
            docs[i] = re.sub(r"owner: [a-z-]+", f"owner: {rng.choice(['alice-martin', 'nobody', 'bob-keller'])}",
                             docs[i], count=1)
        else:
            lines = docs[i].split("\n")
            del lines[rng.randrange(3, len(lines))]
            docs[i] = "\n".join(lines)
        path.write_text("\n---\n".join(docs), encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_history_replays_the_full_output(tmp_path: Path, seed: int) -> None:
    """A random-ish tree: the example edited at random over a few commits, one more edit staged and one
    left unstaged; the replay equals the first (full) run and a run with no caches at all."""
    rng = random.Random(seed)
    root = tmp_path / "sms"
    shutil.copytree(EXAMPLES / "acme", root)
    with (root / "fitsm.yaml").open("a", encoding="utf-8") as config:
        config.write("document_control:\n  git: true\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>")
    for k in range(rng.randrange(1, 4)):
        _mutate(root, rng)
        git(root, "commit", "-q", "-a", "-m", f"Edit {k}")
    _mutate(root, rng)
    git(root, "add", "-A")
    _mutate(root, rng)
    first = fitsm(root, "--format", "json")
    second = fitsm(root, "--format", "json")
    assert not first.replayed and second.replayed
    assert same(second, first)
    assert same(fitsm(root, "--format", "json", "--no-cache"), first)


def test_a_notice_about_a_damaged_cache_is_not_replayed_once_the_cache_is_rebuilt(repo: Path) -> None:
    first = fitsm(repo)
    shutil.rmtree(repo.parent / "config")  # another user's key: the history cache no longer verifies
    rebuilt = fitsm(repo)
    assert not rebuilt.replayed and "does not verify" in rebuilt.err
    again = fitsm(repo)  # the history cache was rebuilt with this key: nothing to warn about any more
    assert not again.replayed and "does not verify" not in again.err
    assert (again.code, again.out) == (first.code, first.out)
    assert fitsm(repo).replayed  # and that run, with no notice about caches, is replayed next time


def test_one_run_reads_git_status_and_head_s_branch_once_and_again_only_to_close(repo: Path, tmp_path: Path) -> None:
    # The `fitsm` program judges one state of Git: its replay snapshot, result-cache key and history share one
    # `git status` and one `symbolic-ref HEAD`; only the closing snapshot (did anything change under the run?)
    # asks again. A git on PATH that logs its arguments counts them; the findings are those of a run that
    # shares nothing (--no-cache: no record, no snapshot).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git.log"
    real = shutil.which("git")
    assert real is not None
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    first = fitsm(repo, PATH=path)
    calls = log.read_text(encoding="utf-8").splitlines()
    assert not first.replayed
    assert sum(" status " in f" {c} " for c in calls) == 2, calls  # the one observation, then the closing one
    assert sum("symbolic-ref -q --short HEAD" in c for c in calls) == 1, calls
    alone = fitsm(repo, "--no-cache")
    assert (alone.code, alone.out) == (first.code, first.out)
    assert fitsm(repo, PATH=path).replayed  # the closing snapshot agreed: the record was stored
