"""How history is read: documents in blob text, the streamed git pass, the forked build and its cache."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fitsm_kit.gitcontrol import docread, histcache
from fitsm_kit.gitcontrol import history as history_module
from gitsms import GitSms, isolated_env, no_user_git_config, scenario

_isolated = pytest.fixture(autouse=True)(no_user_git_config)

DOC = """\
apiVersion: fitsm.eu/v1
kind: SLA
metadata:
  id: sla-x   # a comment
  title: X
  version: "1.2"
{review}  owner: alice
spec:
  service: svc
"""
REVIEWS = [
    "",
    "  review:\n    interval: P12M\n",
    "  review:\n    last_reviewed: 2026-01-01\n\n    # who\n    reviewed_by: bob\n",
    "  review: {interval: P6M, last_reviewed: 2026-02-01}\n",
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitSms:
    return scenario(tmp_path_factory.mktemp("history-build") / "sms")


@pytest.mark.parametrize("review", REVIEWS)
def test_a_review_entry_does_not_change_the_content_fingerprint(review: str) -> None:
    plain = docread.documents(DOC.format(review="").encode())
    reviewed = docread.documents(DOC.format(review=review).encode())
    assert [(d.id, d.version, d.content) for d in reviewed] == [(d.id, d.version, d.content) for d in plain]
    assert (reviewed[0].full == plain[0].full) == (review == "")


def test_other_changes_do_change_the_content_fingerprint() -> None:
    base = docread.documents(DOC.format(review=REVIEWS[1]).encode())[0]
    for old, new in (("title: X", "title: Y"), ("interval: P12M", "interval: P12M\n  status: draft"),
                     ("service: svc", "service: other")):
        changed = docread.documents(DOC.format(review=REVIEWS[1]).replace(old, new).encode())[0]
        assert changed.content != base.content, new


def test_documents_of_a_file_with_several_and_flow_metadata() -> None:
    text = (DOC.format(review="") + "---\nkind: OLA\nmetadata: {id: 'ola-y', version: 2, review: {interval: P1Y}}\n"
            "---\nkind: Note\nspec: {}\n")
    docs = docread.documents(text.encode())
    assert [(d.id, d.version) for d in docs] == [("sla-x", "1.2"), ("ola-y", "2")]
    flow = text.replace(", review: {interval: P1Y}", "")
    assert docread.documents(flow.encode())[1].content == docs[1].content


def _fresh_history(root: Path, cache: Path) -> history_module.History:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()
    return histcache.start(root.resolve(), "", head, cache)()


def test_the_forked_build_equals_the_build_in_this_process(repo: GitSms, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    forked = _fresh_history(repo.root, tmp_path / "forked")
    assert list((tmp_path / "forked").iterdir())  # the child stored the cache
    from_cache = _fresh_history(repo.root, tmp_path / "forked")
    monkeypatch.delattr(os, "fork")  # as on Windows
    here = _fresh_history(repo.root, tmp_path / "here")
    assert forked == here == from_cache
    assert len(here.commits) >= 5 and "sm-policy" in here.documents


def test_a_process_with_threads_builds_it_itself(repo: GitSms, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked a process that has threads")

    monkeypatch.setattr(os, "fork", no_fork)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        built = _fresh_history(repo.root, tmp_path)
    finally:
        stop.set()
        worker.join()
    assert "sm-policy" in built.documents


def test_a_failing_child_leaves_the_build_to_the_parent(repo: GitSms, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    parent, real_encode = os.getpid(), histcache._encode

    def encode_only_here(history: history_module.History) -> bytes:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real_encode(history)

    monkeypatch.setattr(histcache, "_encode", encode_only_here)
    built = _fresh_history(repo.root, tmp_path / "cache")
    monkeypatch.setattr(histcache, "_encode", real_encode)
    assert built == _fresh_history(repo.root, tmp_path / "other")


def test_a_damaged_cache_is_rebuilt(repo: GitSms, tmp_path: Path) -> None:
    good = _fresh_history(repo.root, tmp_path)
    (cached,) = tmp_path.glob("history-*")
    cached.write_bytes(b"\x00 not a sealed cache")
    assert _fresh_history(repo.root, tmp_path) == good


def test_a_run_that_stops_early_neither_hangs_nor_leaves_files(repo: GitSms, tmp_path: Path) -> None:
    """The history child starts before the selectors are checked; a usage error must not wait for it."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True, env=isolated_env(tmp_path))
    done = subprocess.run([sys.executable, "-m", "fitsm_kit", "check", ".", "--select", "no-such-rule"],
                          cwd=clone, capture_output=True, text=True, timeout=60, env=isolated_env(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "no-such-rule" in done.stderr
    assert not list((clone / ".git").glob("fitsm-kit/*.tmp"))


def test_the_program_stores_the_history_cache_before_it_exits(repo: GitSms, tmp_path: Path) -> None:
    # The `fitsm` program takes the history from its reader and goes on checking while the reader stores the
    # cache (histcache.store_behind); it still waits for that at its end, so the next command finds it.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True, env=isolated_env(tmp_path))
    for _ in range(3):
        for cached in (clone / ".git" / "fitsm-kit").glob("*"):
            cached.unlink()
        done = subprocess.run([sys.executable, "-m", "fitsm_kit", "check", ".", "--format", "json", "--no-cache"],
                              cwd=clone, capture_output=True, text=True, timeout=120, env=isolated_env(tmp_path))
        assert done.returncode in (0, 1), done.stderr
        assert len(list((clone / ".git" / "fitsm-kit").glob("history-*.json"))) == 1
        assert not list((clone / ".git" / "fitsm-kit").glob("*.tmp"))
