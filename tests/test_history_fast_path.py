"""History read the fast way equals history read by parsing every version from scratch.

The fast way derives most versions from the next newer one (:mod:`fitsm_kit.gitcontrol.docread`), finds a
changed line's document by counting its ``---`` markers, and splits the reading of older versions with a
forked helper (:class:`fitsm_kit.gitcontrol.gitlog.Objects`). Here real repositories get random histories
of multi-document files: one-value edits, edits of two lines, comment-only changes, review stamps, a
document moved to another file, a file renamed and edited in one commit, deletions, new files, and topic
branches merged with --no-ff; the history is built with the helper forced on, without it, and with every
version parsed by a fresh reader (no base, nothing remembered between versions), and the three are equal.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from fitsm_kit.gitcontrol import docread, gitlog, histcache
from fitsm_kit.gitcontrol import history as history_module
from gitsms import no_user_git_config
from test_history_incremental import Repo as IncrementalRepo

_isolated = pytest.fixture(autouse=True)(no_user_git_config)

DOC = ("kind: Policy\nmetadata:\n  id: {id}\n  title: first {id}\n  version: '1'\n  status: draft\n"
       "spec:\n  text: t0\n  items:\n    - name: a\n      value: v0\n")


class Repo(IncrementalRepo):
    """test_history_incremental's repository (its git with a clock), with random changes of multi-document files."""

    def files(self, under: str = "") -> list[Path]:
        return sorted(p for p in (self.root / under).rglob("*.yaml") if ".git" not in p.parts)

    def new_file(self, under: str) -> None:
        docs = [DOC.format(id=f"doc-{self.tick}-{i}") for i in range(self.rng.randint(1, 4))]
        lead = "# a file of several documents\n" if self.rng.random() < 0.5 else ""
        path = self.root / under / f"f{self.tick}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(lead + "---\n".join(docs), encoding="utf-8")

    def step(self, under: str = "") -> None:
        """One random change of the files below ``under``, committed."""
        rng, files = self.rng, self.files(under)
        kind = rng.choice(["new", *["value"] * 6, "item", "item", "two", "comment", "stamp", "move", "rename",
                           "delete"] if len(files) > 1 else ["new"])
        if kind == "new":
            self.new_file(under)
        else:
            path = rng.choice(files)
            text = path.read_text(encoding="utf-8")
            ids = [line.split(": ", 1)[1] for line in text.split("\n") if line.startswith("  id: ")]
            doc = rng.choice(ids) if ids else ""
            if kind == "value":  # one line: a title, a status, a text, quoted or not
                old = rng.choice([f"  title: {t}" for t in _values(text, "  title: ")] or ["  text: t0"])
                new = f"  title: {rng.choice([f'v{self.tick}', repr(str(self.tick)), '2026-01-02', 'yes'])}"
                text = text.replace(old, new if old.startswith("  title") else f"  text: t{self.tick}", 1)
            elif kind == "item":
                text = text.replace("      value: v", f"      value: w{self.tick}v", 1)
            elif kind == "two":  # two lines of one document
                text = text.replace("  status: draft\n", "  status: approved\n", 1).replace(
                    "  text: t", f"  text: u{self.tick}", 1)
            elif kind == "comment":
                text = text.replace("spec:\n", f"spec:  # checked {self.tick}\n", 1)
            elif kind == "stamp":
                text = text.replace("  status:", f"  review: {{last_reviewed: 2026-01-{rng.randint(10, 28)}}}\n"
                                    "  status:", 1)
            if kind == "move" and len(ids) > 1:  # a document to another file, in one commit
                pieces = text.split("---\n")
                moved = next(p for p in pieces if f"id: {doc}\n" in p)
                pieces.remove(moved)
                path.write_text("---\n".join(pieces), encoding="utf-8")
                other = rng.choice([f for f in files if f != path])
                other_text = other.read_text(encoding="utf-8")
                other.write_text(other_text + ("" if other_text.endswith("\n") else "\n") + "---\n" + moved,
                                 encoding="utf-8")
            elif kind == "rename":  # renamed and edited in one commit
                target = path.parent / f"renamed-{self.tick}.yaml"
                self.git("mv", str(path.relative_to(self.root)), str(target.relative_to(self.root)))
                target.write_text(text.replace("  text: t", f"  text: r{self.tick}", 1), encoding="utf-8")
            elif kind == "delete":
                path.unlink()
            elif kind != "move":
                path.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"{kind} {self.tick}")


def _values(text: str, prefix: str) -> list[str]:
    return [line[len(prefix):] for line in text.split("\n") if line.startswith(prefix)]


class _FromScratch(docread.Reader):
    """Every version parsed by a reader of its own: no base to derive from, no piece read before."""

    def read(self, data: bytes, base: docread.Version | None = None) -> docread.Version:
        return docread.Reader.read(docread.Reader(), data)


def _view(history: history_module.History | None) -> Any:
    assert history is not None
    return history.head, history.commits, history.documents


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_fast_path_equals_parsing_every_version_from_scratch(seed: int, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    repo = Repo(tmp_path / "sms", rng)
    for _ in range(3):
        repo.new_file("a")
    for round_ in range(8):
        if round_ % 3 == 2:  # a topic branch with its own files, merged as a pull request is
            repo.git("checkout", "-q", "-b", f"topic-{round_}")
            for _ in range(rng.randint(2, 4)):
                repo.step(f"t{round_}")
            repo.git("checkout", "-q", "main")
            repo.step("a")
            repo.git("merge", "-q", "--no-ff", "-m", f"Merge topic {round_}", f"topic-{round_}")
        else:
            for _ in range(rng.randint(3, 8)):
                repo.step("a")
    top = repo.root.resolve()
    head = repo.git("rev-parse", "HEAD").strip()

    helpers: list[int] = []
    real_helper = gitlog._Helper

    def counted(*args: Any) -> gitlog._Helper:
        helpers.append(1)
        return real_helper(*args)

    monkeypatch.setattr(gitlog, "_Helper", counted)
    monkeypatch.setattr(gitlog, "SPLIT_AT", 1)  # a helper for any history
    helped = history_module.build(top, "", head)
    assert helpers, "the helper read part of the history"
    monkeypatch.setattr(gitlog, "SPLIT_AT", 10**9)
    alone = history_module.build(top, "", head)
    monkeypatch.setattr(gitlog, "Reader", _FromScratch)
    scratch = history_module.build(top, "", head)
    assert _view(helped) == _view(scratch)
    assert _view(alone) == _view(scratch)
    assert scratch is not None and len(scratch.commits) > 30
    moved = [d for d, changes in scratch.documents.items() if len({c.path for c in changes}) > 1]
    assert moved, "a document moved to another file, or its file renamed"
    # and as a check reads it: the helper forked by the forked reader, then the cached history
    monkeypatch.setattr(gitlog, "Reader", docread.Reader)
    monkeypatch.setattr(gitlog, "SPLIT_AT", 1)
    assert _view(histcache.start(top, "", head, tmp_path / "cache")()) == _view(scratch)
    assert _view(histcache.start(top, "", head, tmp_path / "cache")()) == _view(scratch)


def _crash(found: object) -> bytes:
    raise MemoryError  # the helper ends with status 1 before it sends anything


def _twelve_changes(tmp_path: Path, seed: int) -> tuple[Path, str, history_module.History | None]:
    """A repository with twelve random changes: its top, HEAD and the history built here."""
    repo = Repo(tmp_path / "sms", random.Random(seed))
    for _ in range(12):
        repo.step("a")
    top = repo.root.resolve()
    head = repo.git("rev-parse", "HEAD").strip()
    return top, head, history_module.build(top, "", head)


@pytest.mark.parametrize("send", [lambda found: b"\x00not marshal", _crash])
def test_a_failing_helper_leaves_its_part_to_the_reader(send: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    top, head, expected = _twelve_changes(tmp_path, 5)
    monkeypatch.setattr(gitlog, "SPLIT_AT", 1)
    monkeypatch.setattr(gitlog, "_pack_states", send)
    assert _view(history_module.build(top, "", head)) == _view(expected)


def test_no_fork_for_a_helper_reads_it_all_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top, head, expected = _twelve_changes(tmp_path, 6)
    forks: list[int] = []

    def refused() -> int:
        forks.append(1)
        raise BlockingIOError(11, "Resource temporarily unavailable")  # what fork says at a process limit

    monkeypatch.setattr(gitlog, "SPLIT_AT", 1)
    monkeypatch.setattr(gitlog.os, "fork", refused)
    assert _view(history_module.build(top, "", head)) == _view(expected)
    assert forks == [1]
