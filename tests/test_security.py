"""Issue 18: attacks by one pull request, each reproduced on real repositories and shown to fail.

One test (or a few) per item of the issue; the test names say which. Git runs with no user or system
configuration (gitsms.isolated_env); fitsm's own calls see the same.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit import escape
from fitsm_kit.engine.load import read_sms
from fitsm_kit.engine.run import check
from fitsm_kit.errors import FitsmError
from fitsm_kit.evaluation import records
from fitsm_kit.evaluation.evaluate import Evaluation, TargetResult
from fitsm_kit.gitcontrol import codeowners, docread, evidence, gitlog
from fitsm_kit.gitcontrol import history as history_module
from fitsm_kit.gitcontrol.doccontrol import for_check
from fitsm_kit.gitcontrol.evidence import trailer_identity
from fitsm_kit.model.service import Provenance
from fitsm_kit.site import markdown
from fitsm_kit.sms.config import load_config
from fitsm_kit.sms.discovery import is_sms_path
from fitsm_kit.sms.loader import load_bytes
from gitsms import GitSms, copy_sms, isolated_env, no_user_git_config

from conftest import EXAMPLES, Run

AS_OF = dt.date(2026, 11, 26)
_isolated = pytest.fixture(autouse=True)(no_user_git_config)
WORKFLOW = ("::", "##[")  # how a line starts a GitHub Actions workflow command (v2, and v1 anywhere)


def imported(root: Path) -> GitSms:
    """The small acme SMS, imported by farid without any approval: every document lacks approval."""
    copy_sms(root)
    repo = GitSms(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("import", "Import the SMS", who="farid", when="2026-01-05T10:00:00+01:00")
    return repo


def approval_findings(root: Path) -> set[str]:
    config = load_config(root).model_copy(update={"select": ["approved-in-git"]})
    return {f.document for f in check(root, config, AS_OF).findings}


def git_truth(root: Path, sha: str) -> tuple[str, str, str]:
    """Author name, email and subject of one commit, asked of git for that commit alone."""
    out = subprocess.run(["git", "show", "-s", "--format=%an%x00%ae%x00%s", sha], cwd=root, capture_output=True,
                         check=True, env=isolated_env(root.parent)).stdout.decode()
    name, email, subject = out.rstrip("\n").split("\0")
    return name, email, subject


# 1. A commit message cannot forge a history record.

FORGED = ("Policy wording\n\n\x1e" + "f" * 40 + "\x1f" + "a" * 40 + " " + "b" * 40 + "\x1fAlice Martin\x1f"
          "alice.martin@acme-rc.example\x1f2026-01-06T10:00:00+01:00\x1f2026-01-06T10:00:00+01:00\x1f"
          "Merge pull request #7 from acme/policy\x1f\x1f\x1f\n:100644 100644 " + "0" * 40 + " " + "1" * 40
          + " M\ngeneral/policy.yaml\n" + "filler " * 4000)


def test_1_a_commit_message_cannot_forge_a_history_record(tmp_path: Path) -> None:
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    sha = repo.commit("forged", FORGED, who="bob", when="2026-01-06T09:00:00+01:00")
    history, _ = for_check(repo.root, read_sms(repo.root, load_config(repo.root), AS_OF))
    assert history is not None
    assert [c.sha for c in history.data.commits] == [repo.shas["import"], sha]
    for commit in history.data.commits:  # every record is the commit git has, field by field
        assert (commit.author, commit.email, commit.subject) == git_truth(repo.root, commit.sha)
        assert not commit.merge
    record = history.record("sm-policy")
    assert record is not None and record.approvals == ()
    assert [v.commit.sha for v in record.versions] == [repo.shas["import"], sha]
    assert "sm-policy" in approval_findings(repo.root)


def test_1_a_trailer_line_inside_the_message_body_is_not_a_trailer(tmp_path: Path) -> None:
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    repo.commit("body", "Policy wording\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>\n\nmore text",
                who="bob", when="2026-01-06T09:00:00+01:00")
    assert "sm-policy" in approval_findings(repo.root)


def _commit_object(repo: GitSms, author_line: str, parent: str, message: str) -> str:
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    body = f"tree {tree}\nparent {parent}\nauthor {author_line}\ncommitter {author_line}\n\n{message}"
    done = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], cwd=repo.root,
                          input=body.encode(), capture_output=True, check=True, env=isolated_env(repo.root.parent))
    return done.stdout.decode().strip()


def test_dates_out_of_range_are_an_error_naming_the_commit(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    repo.git("add", "-A")
    tree = repo.git("write-tree").strip()
    head = repo.shas["import"]
    body = (f"tree {tree}\nparent {head}\nauthor Bob <b@x> 253402300800 +0000\n"
            f"committer Bob <b@x> 253402300800 +0000\n\nFrom the year 10000\n")
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.root, input=body.encode(),
                         capture_output=True, check=True, env=isolated_env(tmp_path)).stdout.decode().strip()
    repo.git("update-ref", "refs/heads/main", sha)
    run = fitsm("check", repo.root, "--no-cache", "--select", "approved-in-git")
    assert run.code == 2, run.err
    assert f"commit {sha}" in run.err and "outside the supported range" in run.err
    assert "Traceback" not in run.err


# 9. Git configuration from the checked tree runs nothing; untracked links are not followed.

def test_9_an_archives_git_config_runs_no_program(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\nexit 0\n", encoding="utf-8")
    script.chmod(0o755)
    hooks = repo.root / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in ("post-index-change", "reference-transaction", "pre-commit", "post-commit", "commit-msg",
                 "fsmonitor-watchman"):
        shutil.copy(script, hooks / hook)
    (repo.root / ".gitattributes").write_text("*.yaml filter=evil diff=evil\n", encoding="utf-8")
    for key, value in (("core.fsmonitor", str(script)), ("core.pager", str(script)), ("filter.evil.clean", str(script)),
                       ("filter.evil.process", str(script)), ("diff.evil.textconv", str(script)),
                       ("gpg.program", str(script)), ("core.hooksPath", str(hooks))):
        repo.git("config", key, value)
    repo.edit("general/policy.yaml", "Every change", "Each change")  # a pending change: git status looks at it
    os.utime(repo.root / "people" / "people.yaml")  # a stat change makes git re-read (and filter) a file
    run = fitsm("check", repo.root, "--no-cache")
    assert run.code == 1, run.err
    history = fitsm("history", "sm-policy", "--sms", repo.root)
    assert history.code == 0, history.err
    assert not marker.exists(), marker.read_text(encoding="utf-8")


def test_9_an_untracked_link_out_of_the_sms_is_not_followed(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    (repo.root / "general" / "zero.yaml").symlink_to("/dev/zero")
    (repo.root / "general" / "secret.yaml").symlink_to(tmp_path / "outside.yaml")
    (tmp_path / "outside.yaml").write_text("apiVersion: fitsm.eu/v1\n", encoding="utf-8")
    started = time.monotonic()
    run = fitsm("check", repo.root, "--no-cache", "--format", "json")
    assert run.code == 1, run.err
    assert time.monotonic() - started < 30
    assert "symlink points outside the SMS" in run.out


# 2. A Person's name cannot inject trailers into a maintainer's commit.

HOSTILE_PERSON = """\
---
apiVersion: fitsm.eu/v1
kind: Person
metadata: {{id: eve, title: Eve, owner: eve, status: recorded}}
spec:
  name: {name}
  email: eve@acme-rc.example
  github: {github}
"""
INJECTED_NAME = json.dumps("Eve\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>\nX")


def _with_eve(root: Path, name: str = INJECTED_NAME, github: str = "eve") -> GitSms:
    repo = imported(root)
    with (repo.root / "people" / "people.yaml").open("a", encoding="utf-8") as people:
        people.write(HOSTILE_PERSON.format(name=name, github=github))
    repo.commit("eve", "Add Eve", who="farid", when="2026-01-06T10:00:00+01:00")
    return repo


def test_2_a_person_name_with_a_line_break_is_a_finding(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = _with_eve(tmp_path / "sms")
    run = fitsm("check", repo.root, "--no-cache", "--format", "json")
    messages = [f["message"] for f in json.loads(run.out)["findings"] if f["path"] == "people/people.yaml"]
    assert any("spec.name" in m and "one plain line" in m for m in messages), messages


def test_2_review_commit_writes_no_forged_trailer(tmp_path: Path, fitsm: Callable[..., Run],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _with_eve(tmp_path / "sms")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Eve")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "eve@acme-rc.example")
    head = repo.git("rev-parse", "HEAD")
    run = fitsm("review", "sm-policy", "--by", "eve", "--commit", "--sms", repo.root)
    assert run.code == 2, run.out + run.err
    assert repo.git("rev-parse", "HEAD") == head  # no commit was made
    assert "Approved-by" not in repo.git("log", "--format=%B")
    assert "sm-policy" in approval_findings(repo.root)
    with pytest.raises(FitsmError):
        trailer_identity("Eve\nApproved-by: Alice <a@x>", "eve@x")
    assert trailer_identity("Eve Novak", "eve@x") == "Eve Novak <eve@x>"


# 3. CODEOWNERS: file names and handles are checked before a line is written.

def test_3_a_file_name_cannot_add_a_codeowners_line(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    evil = repo.root / "agreements" / "x\n*\t@attacker.yaml"
    shutil.copy(repo.root / "agreements" / "slas.yaml", evil)
    (repo.root / "agreements" / "slas.yaml").unlink()
    repo.commit("evil-name", "Rename", who="bob", when="2026-01-07T10:00:00+01:00")
    run = fitsm("codeowners", repo.root)
    assert run.code == 2, run.out + run.err
    assert "cannot write CODEOWNERS" in run.err and "\\n" in run.err
    assert not (repo.root / ".github" / "CODEOWNERS").exists()


def test_3_a_handle_cannot_add_owners_or_lines(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = _with_eve(tmp_path / "sms", name="Eve", github=json.dumps("eve @org/admins\n* @attacker"))
    run = fitsm("check", repo.root, "--no-cache", "--format", "json")
    assert any("spec.github" in f["message"] for f in json.loads(run.out)["findings"])
    owners = codeowners.Owners(("@alice",), {"general/policy.yaml": ("@eve @org/admins\n* @attacker",)}, ())
    with pytest.raises(FitsmError, match="not a user or team handle"):
        codeowners.render(owners, "github")
    for path in ("a\nb.yaml", "a*.yaml", "a?.yaml", "[ab].yaml", "a\\b.yaml", "a\u2028b.yaml"):
        with pytest.raises(FitsmError, match="cannot write CODEOWNERS"):
            codeowners.render(codeowners.Owners((), {path: ("@alice",)}, ()), "github")
    written = codeowners.render(codeowners.Owners((), {"a b#c.yaml": ("@alice",)}, ()), "github")
    assert codeowners.owners_of(codeowners.parse(written), "a b#c.yaml") == {"@alice"}


# 4/5. No command's output starts a workflow command or reaches the terminal raw.

PAYLOAD = "x\n::error file=a::forged\n::add-mask::secret\n##[stop-commands]tok \x1b]0;title\x07\x1b[2J\u202eevil"


def _no_forged_line(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith("::") and "##[" not in line, line
    for char in ("\x1b", "\x07", "\u202e"):
        assert char not in text


def test_4_config_errors_and_codeowners_check_print_no_workflow_command(tmp_path: Path,
                                                                        fitsm: Callable[..., Run]) -> None:
    root = tmp_path / "conf"
    root.mkdir()
    (root / "fitsm.yaml").write_text(f"as_of: 2026-11-26\n{json.dumps(PAYLOAD)}: 1\n", encoding="utf-8")
    run = fitsm("check", root, "--no-cache")
    assert run.code == 2 and "unknown key" in run.err
    _no_forged_line(run.out + run.err)
    repo = imported(tmp_path / "sms")
    os.rename(repo.root / "general" / "policy.yaml", repo.root / "general" / "p\n::error::x.yaml")
    (repo.root / ".github").mkdir()
    (repo.root / ".github" / "CODEOWNERS").write_text("* @nobody\n", encoding="utf-8")
    run = fitsm("codeowners", repo.root, "--check")
    assert run.code == 1, run.err
    assert "p\\x0a::error::x.yaml" in run.out
    _no_forged_line(run.out + run.err)


def test_5_history_escapes_authors_subjects_and_notices(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    repo.git("add", "-A")
    env = isolated_env(tmp_path) | {"GIT_AUTHOR_NAME": "Mallory\x1b]0;owned\x07\x1b[2J", "GIT_AUTHOR_EMAIL": "m@x",
                                    "GIT_COMMITTER_NAME": "M", "GIT_COMMITTER_EMAIL": "m@x",
                                    # before the SMS's as_of (2026-11-26): history shows the commits up to it
                                    "GIT_AUTHOR_DATE": "2026-03-01T09:00:00+00:00",
                                    "GIT_COMMITTER_DATE": "2026-03-01T09:00:00+00:00"}
    subprocess.run(["git", "commit", "-q", "-m", "Wording \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ "
                    "##[add-mask]x \u202eevil"], cwd=repo.root, env=env, check=True)
    (repo.root / "general" / "p\n::warning::x.yaml").write_text("a: 1\n", encoding="utf-8")  # a pending file
    run = fitsm("history", "sm-policy", "--sms", repo.root)
    assert run.code == 0, run.err
    assert "Mallory\\x1b]0;owned\\x07" in run.out and "\\u202eevil" in run.out
    _no_forged_line(run.out + run.err)


# 6. Every pattern on user text runs in linear time.

N = 200_000


def _linear(call: Callable[[], object]) -> None:
    started = time.perf_counter()
    call()
    assert time.perf_counter() - started < 1.0, call


def test_6_patterns_stay_linear_on_long_adversarial_input() -> None:
    people = evidence.People(read_sms(EXAMPLES / "acme", load_config(EXAMPLES / "acme"), AS_OF))
    commit = history_module.Commit("0" * 40, True, "n", "e", "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00",
                                   "(#" + "1" * N + " " * N, (), "See merge request " + "a" * N + " " + "!" * N)
    cases: list[Callable[[], object]] = [
        lambda: people.identity("Eve <" + "a@" * N),  # the 28 s quadratic e-mail pattern of the issue
        lambda: people.identity("<" + "a" * N + "@" + "b" * N + " >"),
        lambda: people.email("1" * N + "@users.noreply.github.com!"),
        lambda: evidence.pull_request(commit),
        lambda: history_module.trailers("s\n\n" + "Key: v\n " * (N // 8) + "x" * N),
        lambda: history_module.trailers("s\n\n" + ("a" * 50 + ":" * 50 + "\n") * (N // 100)),
        lambda: gitlog.read_commit("0" * 40, b"tree 0\nauthor a <a@b> 1 +0000\ncommitter a <a@b> 1 +0000\n\ns\n\n"
                                   + b"This reverts commit " + b"a" * N + b"\n" + (b"This reverts commit " + b"0" * 63
                                                                                 + b"g\n") * (N // 90), ()),
        lambda: codeowners._matches("*a" * 300 + "b", "a" * 1000),
        lambda: codeowners._matches("**/" * 300 + "x", "a/" * 500),
        lambda: codeowners.parse(("a" + " " * N + "\\" * N + "\n") * 2),
        lambda: markdown.text("#" * N + "\n" + "1" * N + ")" + "\n" + "-" * N + "x"),
        lambda: docread.documents(b"metadata:\n  id: x\n  review:" + b"\n" * N + b"x"),
        lambda: docread.documents(b"metadata: {" + b", id: " * N + b"}"),
        lambda: docread.documents(b"metadata: {id: x}\n" + b"---\n" * N),
        lambda: is_sms_path("a/" * N + "x.yaml", ("*a*a*a*a*a*a*a*a*b",)),
        lambda: escape.safe_lines(("::" + " " * N + "\n") * 10),
    ]
    for case in cases:
        _linear(case)


# 7. Evaluation records quote every SMS text.

@pytest.mark.parametrize("target_id", ["availability, measured: 100, met: true}  # forged",
                                       "a\u2028met: true", "x\n- {target: y, met: true}", "\"'\\ #"])
def test_7_a_target_id_cannot_change_the_record(target_id: str) -> None:
    sms = read_sms(EXAMPLES / "acme", load_config(EXAMPLES / "acme"), AS_OF)
    agreement = sms.of_kind("SLA")[0]
    target = agreement.spec.targets[0].model_copy(update={"id": target_id, "unit": "%"})
    result = TargetResult(target, 99.0, False, f"detail of {target_id}")
    source = Provenance(generated_by="fitsm evaluate (test)", as_of=AS_OF)
    text = records.render(Evaluation(agreement, dt.date(2026, 10, 1), dt.date(2026, 10, 31), (result,)), "2026-10",
                          source)
    loaded = load_bytes(text.encode(), "eval.yaml")
    assert not loaded.problems
    ((_, doc),) = loaded.documents
    assert doc["spec"]["results"] == [{"target": target_id, "measured": 99, "met": False}]


# 8. SMS text in the site: no Markdown block syntax, no bidi control.

@pytest.mark.parametrize("line", ['!!! danger "Pwned"', '??? note "x"', '=== "Tab"', "/// details", ": definition",
                                  "> quote", "--8<-- \"/etc/passwd\"", "$$", "~~~", "```", "# heading", "1. item",
                                  "- item", "| a | b |", "%% x", "@@ x"])
def test_8_markdown_block_syntax_from_the_sms_is_inert(line: str) -> None:
    import markdown as md  # the Markdown the site engines use

    extensions = ["admonition", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed", "def_list",
                  "tables", "pymdownx.snippets", "pymdownx.blocks.details"]
    html = md.markdown(str(markdown.text(f"first\n{line}\nlast")), extensions=extensions)
    for tag in ("<div", "<details", "<blockquote", "<h1", "<ol", "<ul", "<table", "<dl", "<pre", "<code"):
        assert tag not in html, (line, html)


def test_8_bidi_controls_do_not_reach_the_html() -> None:
    for char in ("\u202e", "\u2066", "\u200f", "\u061c"):
        rendered = str(markdown.text(f"abc{char}def"))
        assert char not in rendered and f"u{ord(char):04x}" in rendered


# Caches are verified before use: tampered, truncated or copied ones are rebuilt, with the same findings.

def _all_findings(root: Path, fitsm: Callable[..., Run]) -> list[tuple[str, str, str]]:
    run = fitsm("check", root, "--format", "json")
    assert run.code in (0, 1), run.err
    return sorted((f["path"], f["rule"], f["message"]) for f in json.loads(run.out)["findings"])


@pytest.mark.parametrize("tamper", ["truncated", "edited", "copied"])
def test_tampered_caches_are_rejected_and_rebuilt(tamper: str, tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = imported(tmp_path / "sms")
    other = imported(tmp_path / "other")
    other.edit("general/policy.yaml", "Every change", "Each change")
    other.commit("approved", "Wording\n\nApproved-by: Alice Martin <alice.martin@acme-rc.example>", who="bob",
                 when="2026-02-01T10:00:00+01:00")
    clean = _all_findings(repo.root, fitsm)
    assert ("general/policy.yaml", "approved-in-git") in {(p, r) for p, r, _ in clean}
    _all_findings(other.root, fitsm)
    caches = {name: sorted((r.root / ".git" / "fitsm-kit").iterdir()) for name, r in (("repo", repo), ("other", other))}
    assert [p.name.split("-")[0] for p in caches["repo"]] == ["history", "last"]
    for mine, theirs in zip(caches["repo"], caches["other"], strict=True):
        data = mine.read_bytes()
        if tamper == "truncated":
            mine.write_bytes(data[: len(data) // 2])
        elif tamper == "edited":  # the forger removes the finding's cause: alice approves everything
            mine.write_bytes(data.replace(b"farid", b"alice").replace(b'"approved-in-git"', b'"x"'))
        else:  # another repository's caches (its own valid seals), under this repository's names
            mine.write_bytes(theirs.read_bytes())
    assert _all_findings(repo.root, fitsm) == clean
    # and the caches were rebuilt: a second run reads valid ones and still agrees
    assert _all_findings(repo.root, fitsm) == clean


def test_a_cache_sealed_by_another_user_is_not_trusted(tmp_path: Path, fitsm: Callable[..., Run],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    repo = imported(tmp_path / "sms")
    clean = _all_findings(repo.root, fitsm)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "another-user"))  # another key
    assert _all_findings(repo.root, fitsm) == clean
    assert (tmp_path / "another-user" / "fitsm-kit" / "cache.key").stat().st_mode & 0o077 == 0


def test_a_document_named_index_does_not_replace_a_section_page(tmp_path: Path) -> None:
    from fitsm_kit.site import render

    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "id: sm-policy", "id: index")
    config = load_config(repo.root)
    render(repo.root, tmp_path / "site", config, AS_OF)
    section = (tmp_path / "site" / "documents" / "index.html").read_text(encoding="utf-8")
    own = (tmp_path / "site" / "documents" / "_index" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Documents<", section)
    assert re.search(r"<h1[^>]*>ACME Research Computing service management policy<", own)


def test_replace_refs_cannot_forge_an_approval(tmp_path: Path) -> None:
    # `git replace` makes git show another object in place of a commit; evidence is read from the commits
    # themselves (GIT_NO_REPLACE_OBJECTS), so a replacement that looks like an approved pull request is not one
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    direct = repo.commit("direct", "Policy wording", who="bob", when="2026-01-06T09:00:00+01:00")
    tree, base = repo.git("rev-parse", "HEAD^{tree}").strip(), repo.shas["import"]
    side = repo.git("commit-tree", tree, "-p", base, "-m", "Policy wording", who="bob",
                    when="2026-01-06T08:00:00+01:00").strip()
    merge = repo.git("commit-tree", tree, "-p", base, "-p", side, "-m", "Merge pull request #7 from acme/policy",
                     who="alice", when="2026-01-06T10:00:00+01:00").strip()
    repo.git("replace", direct, merge)
    shown = repo.git("log", "-1", "--format=%an %s", "HEAD").strip()
    assert shown == "Alice Martin Merge pull request #7 from acme/policy"  # what plain git now shows
    history, _ = for_check(repo.root, read_sms(repo.root, load_config(repo.root), AS_OF))
    assert history is not None and [c.sha for c in history.data.commits] == [base, direct]
    assert not any(c.merge for c in history.data.commits)
    assert "sm-policy" in approval_findings(repo.root)


def test_a_graft_file_cannot_forge_an_approval(tmp_path: Path) -> None:
    # .git/info/grafts gives a commit other parents: a direct commit grafted onto a side branch looks like a
    # merge; git is told to read no graft file, so the commit keeps its one real parent
    repo = imported(tmp_path / "sms")
    repo.edit("general/policy.yaml", "Every change", "Each change")
    direct = repo.commit("direct", "Merge pull request #7 from acme/policy", who="alice",
                         when="2026-01-06T10:00:00+01:00")
    tree, base = repo.git("rev-parse", "HEAD^{tree}").strip(), repo.shas["import"]
    side = repo.git("commit-tree", tree, "-p", base, "-m", "Policy wording", who="bob",
                    when="2026-01-06T08:00:00+01:00").strip()
    (repo.root / ".git" / "info").mkdir(exist_ok=True)
    (repo.root / ".git" / "info" / "grafts").write_text(f"{direct} {base} {side}\n", encoding="utf-8")
    assert repo.git("log", "-1", "--format=%p", "HEAD").split() == [base[:7], side[:7]]  # plain git: a merge
    history, _ = for_check(repo.root, read_sms(repo.root, load_config(repo.root), AS_OF))
    assert history is not None and [c.sha for c in history.data.commits] == [base, direct]
    assert not any(c.merge for c in history.data.commits)
    assert "sm-policy" in approval_findings(repo.root)
