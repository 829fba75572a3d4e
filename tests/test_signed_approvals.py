"""Signed approvals (issue 18, item 10): with document_control.require_signed_approvals only an approval
from a commit signed by a key on the approver's Person — or by a trusted platform key, for the merge's
author — counts. Keys are throwaway SSH and OpenPGP keys made in the test; commits are signed by real git.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fitsm_kit.engine.run import check
from fitsm_kit.sms.config import load_config
from gitsms import PEOPLE, GitSms, copy_sms, isolated_env, no_user_git_config

from conftest import Run

AS_OF = dt.date(2026, 11, 26)
_isolated = pytest.fixture(autouse=True)(no_user_git_config)
needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
needs_gpg = pytest.mark.skipif(shutil.which("gpg") is None or shutil.which("gpgconf") is None,
                               reason="gpg is not installed")
SIGNED_RULES = ("approved-in-git", "changed-after-approval")


def ssh_keypair(where: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key without passphrase: its private key file and its public key line."""
    key = where / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (where / f"{name}.pub").read_text(encoding="ascii").strip()


def add_keys(root: Path, person: str, keys: list[str]) -> None:
    """Give the Person ``person`` (in people/people.yaml) these signing keys."""
    path = root / "people" / "people.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = f"  id: {person}\n"
    start = text.index(anchor)
    spec = text.index("spec:\n", start) + len("spec:\n")
    listed = "".join(f"    - {json.dumps(k)}\n" for k in keys)
    path.write_text(text[:spec] + "  signing_keys:\n" + listed + text[spec:], encoding="utf-8")


def signed_commit(repo: GitSms, step: str, message: str, *, who: str, when: str, sign: list[str],
                  env: dict[str, str] | None = None, merge: str | None = None) -> str:
    """Commit everything (or merge ``merge``) as ``who``, signed with the git options ``sign`` (none: unsigned)."""
    name, email = PEOPLE[who]
    full = isolated_env(repo.root.parent) | {
        "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} | (env or {})
    options = [arg for setting in sign for arg in ("-c", setting)]
    if merge is None:
        subprocess.run(["git", "add", "-A"], cwd=repo.root, env=full, check=True)
        command = ["git", *options, "commit", "-q", "--allow-empty", "-m", message]
    else:
        command = ["git", *options, "merge", "-q", "--no-ff", "-m", message, merge]
    subprocess.run([*command, *(["-S"] if sign else [])], cwd=repo.root, env=full, check=True, capture_output=True)
    repo.shas[step] = repo.git("rev-parse", "HEAD").strip()
    return repo.shas[step]


def ssh_signing(key: Path) -> list[str]:
    return ["gpg.format=ssh", f"user.signingkey={key}"]


def approval_findings(root: Path) -> dict[str, str]:
    config = load_config(root).model_copy(update={"select": list(SIGNED_RULES)})
    found: dict[str, str] = {}
    for f in check(root, config, AS_OF).findings:
        found[f.document] = f"{found[f.document]}; {f.message}" if f.document in found else f.message
    return found


def require_signatures(root: Path, on: bool, trusted: tuple[str, ...] = ()) -> None:
    control = {"require_signed_approvals": on, "trusted_signers": list(trusted)}
    (root / "fitsm.yaml").write_text(f"as_of: 2026-11-26\ndocument_control: {json.dumps(control)}\n",
                                     encoding="utf-8")


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    where = tmp_path / "keys"
    where.mkdir()
    return {name: ssh_keypair(where, name) for name in ("alice", "carla", "bob", "mallory")}


def signed_sms(root: Path, keys: dict[str, tuple[Path, str]]) -> GitSms:
    """farid imports the SMS with alice's, carla's and bob's public keys on their Persons; then

    - bob changes the policy, with ``Approved-by: Alice Martin``, signed by alice's key (alice is the SMS owner);
    - eva changes sla-bio-institute, with ``Approved-by: Carla Rossi``, unsigned;
    - greta changes sla-default, with ``Approved-by: Carla Rossi``, signed by bob's key (on bob's Person);
    - farid changes the SPM process definition, with ``Approved-by: Alice Martin``, signed by mallory's
      key (on no Person).
    """
    copy_sms(root)
    for person, name in (("alice-martin", "alice"), ("carla-rossi", "carla"), ("bob-keller", "bob")):
        add_keys(root, person, [keys[name][1]])
    require_signatures(root, False)
    repo = GitSms(root)
    repo.git("init", "-q", "-b", "main")
    repo.commit("import", "Import the SMS", who="farid", when="2026-01-05T10:00:00+01:00")
    alice, carla = "Alice Martin <alice.martin@acme-rc.example>", "Carla Rossi <carla.rossi@acme-rc.example>"
    repo.edit("general/policy.yaml", "Every change", "Each change")
    signed_commit(repo, "policy", f"Policy wording\n\nApproved-by: {alice}", who="bob",
                  when="2026-01-06T09:00:00+01:00", sign=ssh_signing(keys["alice"][0]))
    repo.edit("agreements/slas.yaml", "Higher availability", "High availability")
    signed_commit(repo, "sla-bio", f"Reword the bio SLA\n\nApproved-by: {carla}", who="eva",
                  when="2026-01-07T09:00:00+01:00", sign=[])
    repo.edit("agreements/slas.yaml", "Standard service levels", "Service levels")
    signed_commit(repo, "sla-default", f"Shorten the default SLA\n\nApproved-by: {carla}", who="greta",
                  when="2026-01-08T09:00:00+01:00", sign=ssh_signing(keys["bob"][0]))
    repo.edit("processes/spd.yaml", "title: Service portfolio management (SPM)", "title: Service portfolio management")
    signed_commit(repo, "spd", f"Note on the SPD process\n\nApproved-by: {alice}", who="farid",
                  when="2026-01-09T09:00:00+01:00", sign=ssh_signing(keys["mallory"][0]))
    return repo


@needs_ssh_keygen
def test_only_an_approval_signed_by_the_approvers_key_counts(tmp_path: Path, keys: dict[str, tuple[Path, str]],
                                                              fitsm: Callable[..., Run]) -> None:
    repo = signed_sms(tmp_path / "sms", keys)
    claimed = {"sm-policy", "sla-bio-institute", "sla-default", "process-spm"}
    without = approval_findings(repo.root)
    assert not claimed & without.keys(), without  # trailers alone count while signatures are not required

    require_signatures(repo.root, True)
    found = approval_findings(repo.root)
    assert "sm-policy" not in found, found  # signed by alice's key: alice approved
    assert "unsigned" in found["sla-bio-institute"]
    assert "signed by a key of bob-keller, not of the approver" in found["sla-default"]  # bob's key, not carla's
    assert "signed by a key on no Person" in found["process-spm"]  # mallory's key, on nobody's Person

    run = fitsm("history", "sm-policy", "--sms", repo.root, "--format", "json")
    assert run.code == 0, run.err
    [approval] = json.loads(run.out)["documents"][0]["approvals"]
    assert approval["verified"] is True and approval["counted"] is True and approval["by"] == ["alice-martin"]
    assert approval["commit"] == repo.shas["policy"] and "signed by the key of alice-martin" in approval["signature"]
    text = fitsm("history", "sla-default", "--sms", repo.root).out
    assert "NOT verified: signed by a key of bob-keller, not of the approver" in text
    assert "not counted, signatures are required" in text


@needs_ssh_keygen
def test_history_marks_verified_approvals_even_when_not_required(tmp_path: Path, keys: dict[str, tuple[Path, str]],
                                                                 fitsm: Callable[..., Run]) -> None:
    repo = signed_sms(tmp_path / "sms", keys)
    run = fitsm("history", "agreements/slas.yaml", "--sms", repo.root, "--format", "json")
    assert run.code == 0, run.err
    approvals = {d["id"]: d["approvals"] for d in json.loads(run.out)["documents"]}
    assert [(a["verified"], a["counted"], a["signature"]) for a in approvals["sla-bio-institute"]] == [
        (False, True, "unsigned")]
    assert [a["verified"] for a in approvals["sla-default"]] == [False]
    policy = fitsm("history", "sm-policy", "--sms", repo.root).out
    assert "verified: signed by the key of alice-martin (SHA256:" in policy


@pytest.fixture
def platform_gpg() -> Iterator[tuple[dict[str, str], str]]:
    """A throwaway OpenPGP key standing for a platform's web-flow key: (env to sign with it, armoured public key).

    Its GNUPGHOME is short (the agent's socket path must fit) and its agent is stopped afterwards.
    """
    home = Path(tempfile.mkdtemp(prefix="fitsm-gpg-"))
    home.chmod(0o700)
    env = {"GNUPGHOME": str(home)}
    gpg_env = isolated_env(home) | env
    try:
        subprocess.run(["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "",
                        "--quick-gen-key", "Platform web-flow <noreply@platform.example>", "ed25519", "sign", "never"],
                       env=gpg_env, check=True, capture_output=True)
        public = subprocess.run(["gpg", "--batch", "--armor", "--export", "noreply@platform.example"], env=gpg_env,
                                check=True, capture_output=True, text=True).stdout
        yield env | {"FITSM_TEST_KEY": "noreply@platform.example"}, public
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], env=gpg_env, check=False,
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@needs_ssh_keygen
@needs_gpg
def test_a_merge_signed_by_a_trusted_platform_key_is_approved_by_its_author(
        tmp_path: Path, keys: dict[str, tuple[Path, str]], platform_gpg: tuple[dict[str, str], str],
        fitsm: Callable[..., Run]) -> None:
    env, public = platform_gpg
    repo = signed_sms(tmp_path / "sms", keys)
    sign = ["gpg.program=gpg", f"user.signingkey={env['FITSM_TEST_KEY']}"]
    platform = {"GNUPGHOME": env["GNUPGHOME"]}
    repo.git("checkout", "-q", "-b", "bio")  # eva's unsigned change to sla-bio-institute, merged by carla
    repo.edit("agreements/slas.yaml", "High availability", "Highest availability")
    repo.commit("bio-change", "Reword the bio SLA again", who="eva", when="2026-02-10T11:00:00+01:00")
    repo.git("checkout", "-q", "main")
    signed_commit(repo, "merge", "Merge pull request #4 from acme/bio\n\nReword", who="carla",
                  when="2026-02-12T12:00:00+01:00", sign=sign, env=platform, merge="bio")

    require_signatures(repo.root, True)  # the platform's key is not trusted yet: its signature proves nothing
    assert "signed by a key on no Person" in approval_findings(repo.root)["sla-bio-institute"]
    require_signatures(repo.root, True, (public,))
    assert "sla-bio-institute" not in approval_findings(repo.root)
    run = fitsm("history", "sla-bio-institute", "--sms", repo.root)
    assert "verified: signed by a trusted platform key for carla-rossi" in run.out, run.out

    # the same key on a merge by someone who may not approve the SLA proves only that they merged it
    repo.git("checkout", "-q", "-b", "bio-2")
    repo.edit("agreements/slas.yaml", "Highest availability", "Top availability")
    repo.commit("bio-change-2", "Reword the bio SLA once more", who="eva", when="2026-02-20T11:00:00+01:00")
    repo.git("checkout", "-q", "main")
    signed_commit(repo, "merge-2", "Merge pull request #5 from acme/bio-2", who="greta",
                  when="2026-02-21T12:00:00+01:00", sign=sign, env=platform, merge="bio-2")
    assert "approved by greta-lind" in approval_findings(repo.root)["sla-bio-institute"]


def test_signing_keys_must_be_public_keys(tmp_path: Path, fitsm: Callable[..., Run]) -> None:
    repo_root = tmp_path / "sms"
    copy_sms(repo_root)
    fingerprint = "0BCB52F03E9D1314245F48D89E9D66A4B3401B66"  # a fingerprint alone cannot verify anything in CI
    add_keys(repo_root, "alice-martin", ["ssh-ed25519 AAAA\nApproved-by: x", fingerprint])
    run = fitsm("check", repo_root, "--no-cache", "--format", "json")
    messages = [f["message"] for f in json.loads(run.out)["findings"] if "signing_keys" in f["message"]]
    assert sum("not a public key" in m for m in messages) == 2, messages
