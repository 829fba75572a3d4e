"""History extended by new commits equals history built from scratch, and history reads what check loads.

Real repositories: random sequences of edits, comment-only edits, review stamps, renames, deletions,
branches merged with --no-ff, a rebase and a reset that rewrites the branch. After every step the
history the cache extends (or falls back from) is compared with a build from scratch: commits, and per
document every change (what, path, version, content), which is all records, versions, approvals and
reviews are made from.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from fitsm_kit.engine.validate import raw_id
from fitsm_kit.gitcontrol import docread, histcache
from fitsm_kit.gitcontrol import history as history_module
from fitsm_kit.sms.discovery import discover
from fitsm_kit.sms.loader import load_bytes
from gitsms import isolated_env, no_user_git_config

_isolated = pytest.fixture(autouse=True)(no_user_git_config)


class Repo:
    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng, self.tick = root, rng, 0
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        self.tick += 1
        when = f"{1_767_000_000 + self.tick * 60} +0000"
        env = isolated_env(self.root.parent) | {
            "GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.org", "GIT_COMMITTER_NAME": "Bob",
            "GIT_COMMITTER_EMAIL": "bob@example.org", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        return subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True,
                              check=True).stdout

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def files(self, under: str = "") -> list[Path]:
        return sorted(p for p in self.root.rglob("*.yaml")
                      if ".git" not in p.parts and p.relative_to(self.root).as_posix().startswith(under))

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        trailer = "\n\nApproved-by: Alice <alice@example.org>" if self.rng.random() < 0.5 else ""
        self.git("commit", "-q", "--allow-empty", "-m", message + trailer)

    def step(self, under: str = "") -> None:
        """One random change of the SMS (of the files in ``under``, when given), committed."""
        rng, files = self.rng, self.files(under)
        kind = rng.choice(["new", "edit", "edit", "comment", "stamp", "rename", "delete"] if files else ["new"])
        if kind == "new":
            n = rng.randint(1, 3)
            name = f"{under or 'd' + str(rng.randint(0, 3))}/f{self.tick}.yaml"
            docs = [f"kind: Policy\nmetadata:\n  id: doc-{self.tick}-{i}\n  version: '1'\nspec:\n  text: t0\n"
                    for i in range(n)]
            (self.root / name).parent.mkdir(exist_ok=True)
            (self.root / name).write_text("---\n".join(docs), encoding="utf-8")
        else:
            path = rng.choice(files)
            text = path.read_text(encoding="utf-8")
            if kind == "edit":
                text = text.replace("text: t", f"text: t{self.tick}x", 1)
            elif kind == "comment":
                text += f"# note {self.tick}\n"
            elif kind == "stamp":
                stamp = f"  review: {{last_reviewed: 2026-01-{rng.randint(10, 28)}}}\n"
                text = text.replace("metadata:\n", "metadata:\n" + stamp, 1)
            if kind == "rename":
                self.git("mv", str(path.relative_to(self.root)), f"{path.parent.name}/moved-{self.tick}.yaml")
            elif kind == "delete":
                path.unlink()
            else:
                path.write_text(text, encoding="utf-8")
        self.commit(f"{kind} {self.tick}")


def _same(a: history_module.History | None, b: history_module.History) -> None:
    assert a is not None
    assert (a.head, a.commits) == (b.head, b.commits)
    assert a.documents == b.documents


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_history_equals_a_full_build(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    repo = Repo(tmp_path / "sms", rng)
    top, cache = repo.root.resolve(), tmp_path / "cache"
    bases: list[str] = []
    real_build = histcache.build

    def spy(top: Path, prefix: str, head: str, exclude: tuple[str, ...] = (),
            base: history_module.History | None = None) -> history_module.History | None:
        bases.append(base.head if base is not None else "")
        return real_build(top, prefix, head, exclude, base)

    monkeypatch.setattr(histcache, "build", spy)
    monkeypatch.setattr(histcache, "_may_fork", lambda: False)
    for round_ in range(6):
        shape = rng.choice(["linear", "merge", "rebase", "reset"]) if round_ else "linear"
        before = repo.head() if round_ else ""
        if shape == "linear":
            for _ in range(rng.randint(1, 4)):
                repo.step()
        elif shape in ("merge", "rebase"):
            repo.git("checkout", "-q", "-b", f"topic-{round_}")
            for _ in range(rng.randint(1, 3)):
                repo.step(f"topic-{round_}")  # its own files: merges and rebases without conflicts
            repo.git("checkout", "-q", "main")
            repo.step("d")
            if shape == "merge":
                repo.git("merge", "-q", "--no-ff", "-m", f"Merge topic {round_}", f"topic-{round_}")
            else:
                repo.git("checkout", "-q", f"topic-{round_}")
                repo.git("rebase", "-q", "main")
                repo.git("checkout", "-q", "main")
                repo.git("merge", "-q", "--ff-only", f"topic-{round_}")
        else:  # rewritten history: main goes back one commit and on another way
            repo.git("reset", "-q", "--hard", "HEAD~1")
            repo.step()
        head = repo.head()
        bases.clear()
        extended = histcache.start(top, "", head, cache)()
        full = history_module.build(top, "", head)
        assert full is not None
        _same(extended, full)
        if shape in ("linear", "merge", "rebase") and round_:
            assert bases == [before], shape  # only the commits since the previous check were read
        if shape == "reset":
            assert before not in bases  # not an ancestor any more: never extended
        # and directly: from every cached commit on the first-parent chain
        for commit in repo.git("rev-list", "--first-parent", "-n", "4", "HEAD").split()[1:]:
            base = history_module.build(top, "", commit)
            _same(history_module.build(top, "", head, base=base), full)
    assert len(list(cache.glob("history-*.json"))) <= histcache.KEEP


@pytest.mark.parametrize("prefix", ["", "sms"])
def test_reading_the_newest_files_ahead_changes_nothing(prefix: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full build reads the files at HEAD while git log runs; the history equals one read in log order
    only: with the SMS in a subdirectory or not, an excluded file, a link, a file whose content is an older
    version of another one, renames and deletions."""
    repo = Repo(tmp_path / "repo", random.Random(11))
    for _ in range(20):
        repo.step()
    under = f"{prefix}/" if prefix else ""
    if prefix:
        (repo.root / prefix).mkdir()
        for folder in sorted(p.name for p in repo.root.iterdir() if p.name.startswith("d")):
            (repo.root / folder).rename(repo.root / prefix / folder)
        repo.commit("the SMS into a subdirectory")
    for step in range(10):
        path = repo.rng.choice(repo.files(under))
        path.write_text(path.read_text(encoding="utf-8").replace("text: t", f"text: s{step}", 1), encoding="utf-8")
        repo.commit(f"edit {step}")
    first = repo.files(under)[0]
    older = first.read_text(encoding="utf-8")
    first.write_text(older.replace("text: t", "text: changed", 1), encoding="utf-8")
    (first.parent / "copy.yaml").write_text(older, encoding="utf-8")  # its newest = the other's older version
    (first.parent / "skipped.yaml").write_text("kind: Policy\nmetadata:\n  id: skipped\n", encoding="utf-8")
    (first.parent / "link.yaml").symlink_to(first.name)
    (repo.root / "outside.yaml").write_text("kind: Policy\nmetadata:\n  id: outside\n", encoding="utf-8")
    repo.commit("copy, link, excluded")
    top, head = repo.root.resolve(), repo.head()
    exclude = ("**/skipped.yaml",)
    newest = history_module._newest_blobs(top, prefix, head, lambda path: path.endswith(".yaml"))
    assert len(newest) == len(repo.files(under)) - 1  # every file at HEAD below the prefix, not the link
    ahead = history_module.build(top, prefix, head, exclude)
    monkeypatch.setattr(history_module, "_newest_blobs", lambda *args: [])
    _same(history_module.build(top, prefix, head, exclude), ahead)  # type: ignore[arg-type]
    assert ahead is not None and "skipped" not in ahead.documents
    assert ("outside" in ahead.documents) == (not prefix)


def test_a_history_off_the_first_parent_chain_is_not_extended(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "sms", random.Random(7))
    repo.step()
    repo.git("checkout", "-q", "-b", "topic")
    repo.step()
    topic = repo.head()
    repo.git("checkout", "-q", "main")
    repo.step()
    repo.git("merge", "-q", "--no-ff", "-m", "Merge topic", "topic")
    top = repo.root.resolve()
    base = history_module.build(top, "", topic)
    assert history_module.build(top, "", repo.head(), base=base) is None  # an ancestor, but not a prefix


def test_a_foreign_or_damaged_cache_is_ignored_with_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "sms", random.Random(3))
    for _ in range(3):
        repo.step()
    top, cache = repo.root.resolve(), tmp_path / "cache"
    good = histcache.start(top, "", repo.head(), cache)()
    assert good.notices == ()
    monkeypatch.setenv("FITSM_CACHE_KEY", "a secret shared by CI runs, at least 32 characters")
    other = histcache.start(top, "", repo.head(), cache)()  # sealed with the per-user key: not trusted
    assert other == good and len(other.notices) == 1 and "does not verify" in other.notices[0]
    assert histcache.start(top, "", repo.head(), cache)().notices == ()  # rebuilt and sealed with the shared key
    repo.step()
    (cached,) = cache.glob("history-*.json")
    cached.write_bytes(cached.read_bytes()[:-10])  # truncated: not a base either
    extended = histcache.start(top, "", repo.head(), cache)()
    assert "does not verify" in extended.notices[0]
    _same(extended, history_module.build(top, "", repo.head()) or good)


# -- history sees what check loads ---------------------------------------------------------------------

FORMS = [
    lambda d: d,
    lambda d: d.replace("\n", "\r\n"),
    lambda d: d.replace("\n", "\r"),
    lambda d: d.replace("\n", "\u2028"),
    lambda d: d.replace("metadata:\n  id: {id}\n", "metadata: {{\"id\": {id}, version: '2'}}\n"),
    lambda d: d.replace("  id: {id}", "  'id': \"{id}\"").replace("kind:", "\"kind\":"),
    lambda d: d.replace("  id: {id}", "  id: !!str {id}"),
    lambda d: "%YAML 1.2\n---\n" + d,
    lambda d: "# only a comment\n" + d + "# and a trailing one\n...\n",
    lambda d: d.replace("  text: {text}", "  text: !!str {text}  # a comment"),
    lambda d: d.replace("spec:\n  text: {text}\n", "spec: {{text: {text}}}\n"),
    lambda d: d.replace("kind: Policy", "kind: Policy\nmetadata: {{}}"),  # a duplicate key: not loaded
    lambda d: d.replace("  id: {id}", "  id: [{id}]"),  # not a string id: not a document
]
BASE = "kind: Policy\nmetadata:\n  id: {id}\nspec:\n  text: {text}\n"


def _check_view(root: Path) -> dict[str, str]:
    """What ``fitsm check`` loads: every document's id and content fingerprint, from the files it reads."""
    found: dict[str, str] = {}
    for rel, path in discover(root, ()):
        loaded = load_bytes(path.read_bytes(), rel)
        for _, data in loaded.documents:
            state = docread.document_state(data)
            if raw_id(data):
                assert state is not None
                found[state.id] = state.content
    return found


def _history_view(history: history_module.History) -> dict[str, str]:
    alive: dict[str, str] = {}
    for doc_id, changes in history.documents.items():
        last = [c for c in changes if c.what != "named"][-1]
        if last.what != "deleted":
            alive[doc_id] = last.content
    return alive


@pytest.mark.parametrize("seed", [11, 12])
def test_history_sees_exactly_what_check_loads(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    repo = Repo(tmp_path / "sms", rng)
    (repo.root / "fitsm.yaml").write_text("as_of: 2026-11-26\n", encoding="utf-8")
    top = repo.root.resolve()
    places = ["a.yaml", "b/c.yml", "node_modules/x.yaml", ".hidden/y.yaml", "b/.z.yaml", "notes.txt"]
    for step in range(14):
        for place in rng.sample(places, 2):
            docs = []
            for i in range(rng.randint(1, 3)):
                form = rng.choice(FORMS)
                docs.append(form(BASE).format(id=f"{place.split('/')[-1].split('.')[0]}-{i}",
                                              text=rng.choice(["a", "b", "'a'", "\"b\""])))
            path = repo.root / place
            path.parent.mkdir(exist_ok=True)
            path.write_bytes("---\n".join(docs).encode("utf-8"))
        repo.commit(f"step {step}")
        history = histcache.start(top, "", repo.head(), tmp_path / "cache")()
        assert _history_view(history) == _check_view(repo.root), json.dumps(step)
