"""Pull-request mode: ``fitsm check --changed-since REF`` in a real Git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from fitsm_kit.output.markdown import inert

from conftest import EXAMPLES, Run


def git_env(home: Path) -> dict[str, str]:
    """An isolated Git: no global or system config, fixed identity and dates."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
            "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org",
            "GIT_AUTHOR_DATE": "2026-11-20T10:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-20T10:00:00+00:00"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=git_env(repo.parent), capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The clean example SMS in a Git repository below ``sms/``: main, then a branch ``feature``."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "acme", repo / "sms")
    (repo / "README.md").write_text("not part of the SMS\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "SMS")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def report(fitsm: Callable[..., Run], *args: str | Path) -> tuple[int, list[tuple[str, str]], list[str]]:
    run = fitsm("check", *args, "--format", "json", "--no-cache")
    data = json.loads(run.out)
    return run.code, [(f["path"], f["rule"]) for f in data["findings"]], data["notices"]


def test_a_change_is_reported_with_everything_it_breaks_wherever_that_is(repo: Path, fitsm: Callable[..., Run]) -> None:
    sms = repo / "sms"
    # committed on the branch: the supplier that the UA, a service and an evaluation rely on is renamed
    suppliers = sms / "suppliers" / "suppliers.yaml"
    code, everything, _ = report(fitsm, sms)
    assert code == 0 and everything == []
    replace(suppliers, "  id: research-net\n", "  id: research-network\n")
    git(repo, "commit", "-q", "-am", "rename a supplier")
    # uncommitted and untracked changes count too
    (sms / "broken.yaml").write_text("apiVersion: fitsm.eu/v1\nkind: Nonsense\n", encoding="utf-8")

    code, full, _ = report(fitsm, sms)
    dangling = [(p, r) for p, r in full if r == "unresolved-reference"]
    assert dangling, "renaming the supplier breaks references in unchanged agreements"
    assert all(p != suppliers.relative_to(sms).as_posix() for p, _ in dangling)

    code, new, notices = report(fitsm, sms, "--changed-since", "main")
    assert code == 1
    assert ("broken.yaml", "unknown-kind") in new
    assert new == full, "main was clean: everything found now is what the change caused, in any file"
    assert notices[-1] == f"compared with main: {len(full)} new findings, 0 fixed, 0 already there"


def test_deleting_a_person_reports_the_references_left_elsewhere(repo: Path, fitsm: Callable[..., Run]) -> None:
    sms = repo / "sms"
    people = sms / "people" / "people.yaml"
    docs = people.read_text(encoding="utf-8").split("\n---\n")
    greta = next(d for d in docs if "id: greta-lind" in d)
    people.write_text("\n---\n".join(d for d in docs if d is not greta), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "greta left")
    code, new, _ = report(fitsm, sms, "--changed-since", "main")
    assert code == 1
    elsewhere = {p for p, _ in new} - {"people/people.yaml"}
    assert elsewhere, "greta's role assignments and documents are in other files"
    assert ("general/roles.yaml", "unresolved-reference") in new
    code, full, _ = report(fitsm, sms)
    assert sorted(new) == sorted(full)


def test_what_the_change_fixes_and_what_was_already_there(repo: Path, fitsm: Callable[..., Run]) -> None:
    sms = repo / "sms"
    olas = next(p for p in sms.rglob("*.yaml") if "kind: OLA" in p.read_text(encoding="utf-8"))
    good = olas.read_text(encoding="utf-8")
    supplier = good.split("supplier: ", 1)[1].split()[0]
    git(repo, "checkout", "-q", "main")  # main gets a broken OLA and an overdue date
    olas.write_text(good.replace(f"supplier: {supplier}", "supplier: no-such-supplier", 1), encoding="utf-8")
    replace(sms / "fitsm.yaml", "as_of: 2026-11-26", "as_of: 2031-01-01")
    git(repo, "commit", "-q", "-am", "broken on main")
    git(repo, "checkout", "-q", "-b", "fix", "main")
    olas.write_text(good, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "fix the OLA")
    run = fitsm("check", sms, "--changed-since", "main", "--format", "json", "--no-cache")
    data = json.loads(run.out)
    # on main the OLA's supplier names nothing, so whether the services' suppliers are covered was held back (the
    # typo may name one of them); fixed, it can be judged: as of 2031 their agreements have expired. That is what
    # main will say once this is merged, so it is new here, and nothing else is
    assert run.code == 1, run.err
    assert sorted((f["rule"], f["message"]) for f in data["findings"]) == [
        ("service-suppliers-covered", "no OLA or UA in force with nordhalle supports this service"),
        ("service-suppliers-covered", "no OLA or UA in force with research-net supports this service")]
    fixed = [(f["path"], f["rule"]) for f in data["fixed"]]
    assert (olas.relative_to(sms).as_posix(), "unresolved-reference") in fixed  # and what it caused elsewhere
    assert data["known"] and all(f["rule"] != "unresolved-reference" for f in data["known"])
    assert data["compared_with"] == "main"
    text = fitsm("check", sms, "--changed-since", "main", "--no-cache")
    assert f"Fixed by this change ({len(fixed)}):" in text.out
    assert f"2 new findings (2 errors) in 83 documents in 28 files, as of 2031-01-01; compared with main: " \
           f"{len(fixed)} fixed; {len(data['known'])} already there." in text.out


def test_the_check_of_ref_is_cached_and_leaves_no_worktree(repo: Path, fitsm: Callable[..., Run],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    sms = repo / "sms"
    replace(sms / "people" / "people.yaml", "id: greta-lind", "id: greta-l")
    first = fitsm("check", sms, "--changed-since", "main", "--format", "json")
    assert first.code == 1
    assert git(repo, "worktree", "list").count("\n") == 1
    assert (repo / ".git" / "fitsm-kit" / "ref-check.json").is_file()
    from fitsm_kit.gitcontrol import reftree

    def no_checkout(*args: object) -> None:
        raise AssertionError("REF was checked out again although it did not change")

    monkeypatch.setattr(reftree, "checkout", no_checkout)
    replace(sms / "people" / "people.yaml", "greta-l", "greta-x")  # HEAD's result changes; REF's does not
    again = fitsm("check", sms, "--changed-since", "main", "--format", "json")
    assert again.code == 1 and json.loads(again.out)["findings"]


def test_an_sms_new_in_the_change_is_all_new(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("before the SMS\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "checkout", "-q", "-b", "sms")
    shutil.copytree(EXAMPLES / "acme-broken", repo / "sms")
    code, new, notices = report(fitsm, repo / "sms", "--changed-since", "main")
    assert code == 1 and new == report(fitsm, repo / "sms")[1]
    assert notices[-1].startswith(f"compared with main: {len(new)} new findings, 0 fixed")


def test_nothing_changed_passes_even_with_findings_elsewhere(repo: Path, fitsm: Callable[..., Run]) -> None:
    sms = repo / "sms"
    replace(sms / "fitsm.yaml", "as_of: 2026-11-26", "as_of: 2031-01-01")  # everything is overdue by then
    git(repo, "commit", "-q", "-am", "time passes")
    git(repo, "checkout", "-q", "-b", "later")
    assert report(fitsm, sms)[0] == 1
    code, narrowed, _ = report(fitsm, sms, "--changed-since", "feature")
    assert (code, narrowed) == (0, [])


def test_git_environment_of_a_hook_does_not_leak(repo: Path, fitsm: Callable[..., Run],
                                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """pre-commit and git hooks export GIT_DIR / GIT_INDEX_FILE; the diff must still be of the SMS's repo."""
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "main")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    (repo / "sms" / "broken.yaml").write_text("kind: Nonsense\n", encoding="utf-8")
    assert report(fitsm, repo / "sms", "--changed-since", "main")[1] == [("broken.yaml", "unknown-kind")]


@pytest.mark.parametrize("ref", ["no-such-branch", "--output=/tmp/x"])
def test_a_bad_ref_is_a_usage_error(repo: Path, fitsm: Callable[..., Run], ref: str) -> None:
    run = fitsm("check", repo / "sms", f"--changed-since={ref}")
    assert run.code == 2
    assert f"--changed-since {ref!r}" in run.err and "Traceback" not in run.err


def test_outside_git_is_a_usage_error(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    shutil.copytree(EXAMPLES / "acme", tmp_path / "sms")
    run = fitsm("check", tmp_path / "sms", "--changed-since", "main")
    assert run.code == 2 and "--changed-since 'main'" in run.err


def test_matrix_and_changed_since_do_not_combine(repo: Path, fitsm: Callable[..., Run]) -> None:
    assert fitsm("check", repo / "sms", "--matrix", "--changed-since", "main").code == 2


def test_the_pull_request_summary_in_markdown(repo: Path, fitsm: Callable[..., Run]) -> None:
    sms = repo / "sms"
    replace(sms / "agreements" / "sla-bio-institute.yaml", "value: 99.5, unit", "value: 99.0, unit")
    replace(sms / "services" / "hpc-batch.yaml", "lifecycle_status: live", "lifecycle_status: retired")
    suppliers = sms / "suppliers" / "suppliers.yaml"
    new_supplier = suppliers.read_text(encoding="utf-8").split("\n---\n")[0].replace(
        "id: datacentre-ops", "id: new-dc").replace("Data Centre Operations team", "New <b>DC</b> | team")
    suppliers.write_text(suppliers.read_text(encoding="utf-8") + "\n---\n" + new_supplier, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a pull request")
    run = fitsm("check", sms, "--changed-since", "main", "--format", "markdown", "--no-cache")
    lines = run.out.splitlines()
    assert lines[0] == "## fitsm: this change against main"
    rows = {line.split(" | ")[0].lstrip("| ") + " " + line.split(" | ")[1].split("<br>")[0]: line
            for line in lines if line.startswith("| ") and "<br>" in line}
    assert set(rows) == {"changed sla-bio-institute", "retired hpc-batch", "added new-dc"}
    assert inert("spec.targets[0].value: 99.5 → 99.0") in rows["changed sla-bio-institute"]
    assert "spec.targets&#91;0&#93;.value: 99.5 → 99.0" in rows["changed sla-bio-institute"]  # renders as typed
    assert rows["changed sla-bio-institute"].endswith(
        "| the SLM process manager or its owner: carla-rossi (@crossi), eva-novak (@evanovak) |")
    assert inert("spec.lifecycle_status: 'live' → 'retired'") in rows["retired hpc-batch"]
    # text from the SMS stays text: no HTML, no extra table cell
    assert "New &#60;b&#62;DC&#60;/b&#62; &#124; team" in rows["added new-dc"] and "<b>" not in run.out
    # retiring a live service with customers and an SLA breaks what depends on it: reported as introduced
    assert run.code == 1 and "### Findings this change introduces (" in run.out
    json_run = fitsm("check", sms, "--changed-since", "main", "--format", "json", "--no-cache")
    new = json.loads(json_run.out)["findings"]
    assert len([line for line in lines if line.startswith("- ")]) == len(new)
