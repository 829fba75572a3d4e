"""Signed approvals (``document_control.require_signed_approvals``): who signed each approving commit.

An ``Approved-by`` trailer or a merge commit's author is a claim by whoever committed. A signature by a
key on the approver's Person (``spec.signing_keys``) is evidence: only that person could have made it.
A signature by a ``document_control.trusted_signers`` key — a platform's key that signs the merges made
in its web interface, such as GitHub's web-flow key — vouches for the commit's author instead.

Git verifies, with nothing of the machine's own trust: SSH keys go into a temporary allowed-signers
file (``gpg.ssh.allowedSignersFile``), OpenPGP keys into a temporary ``GNUPGHOME`` that holds only them
(with ``no-autostart``, so no agent is left running). Only the approving commits are verified, in one
``git log --no-walk`` call, so a check without this setting, or a long history, costs nothing more.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol.repo import git_env, run_git
from fitsm_kit.model.signing import is_openpgp, ssh_fingerprint, ssh_key
from fitsm_kit.sms.index import Sms

TRUSTED = ""  # the owner of a trusted signer's key: the author of the commit it signed
_GOOD_OPENPGP = frozenset("GUXY")  # good signature; trust and later expiry are beside the point with pinned keys
_GOOD_SSH = frozenset("G")  # U would mean "valid, but no principal in the allowed-signers file"


@dataclass(frozen=True)
class Signature:
    """What git says of one commit's signature: its ``%G?`` status and the key that made it."""

    status: str  # N unsigned, G good, B bad, E cannot be checked, …
    keys: tuple[str, ...]  # the signing key's fingerprints (subkey, primary), "" dropped
    owners: frozenset[str]  # Person ids whose key it is (TRUSTED for a trusted signer), when the signature is good

    @property
    def signed(self) -> bool:
        return self.status != "N"


@dataclass
class KeyRing:
    """The keys of an SMS: SSH keys by fingerprint, OpenPGP key blocks, each with the Person ids it belongs to."""

    ssh: dict[str, tuple[str, str, set[str]]] = field(default_factory=dict)  # fingerprint -> (type, base64, owners)
    openpgp: list[tuple[str, str]] = field(default_factory=list)  # (armoured key, owner)

    def __bool__(self) -> bool:
        return bool(self.ssh or self.openpgp)


def keyring(sms: Sms) -> KeyRing:
    """Every signing key the SMS names: on Persons, and the trusted signers of ``fitsm.yaml``."""
    ring = KeyRing()
    keys = [(TRUSTED, k) for k in sms.config.document_control.trusted_signers]
    keys += [(doc.id, k) for doc in sms.of_kind("Person") for k in getattr(doc.spec, "signing_keys", ())]
    for owner, text in keys:
        if (parsed := ssh_key(text)) is not None:
            kind, blob = parsed
            entry = ring.ssh.setdefault(ssh_fingerprint(blob), (kind, text.split()[1], set()))
            entry[2].add(owner)
        elif is_openpgp(text):
            ring.openpgp.append((text, owner))
    return ring


def verify(top: Path, shas: Iterable[str], ring: KeyRing) -> dict[str, Signature]:
    """The signature of each commit in ``shas`` (hex names), checked against ``ring`` and nothing else."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    with tempfile.TemporaryDirectory(prefix="fitsm-sig-") as tmp:
        allowed = Path(tmp) / "allowed_signers"
        allowed.write_text("".join(f'key{i} namespaces="git" {kind} {b64}\n'
                                   for i, (kind, b64, _) in enumerate(ring.ssh.values())), encoding="ascii")
        home = Path(tmp) / "gnupg"
        home.mkdir(mode=0o700)
        (home / "gpg.conf").write_text("no-autostart\n", encoding="ascii")  # verifying needs no agent
        owners: dict[str, set[str]] = {fpr: set(entry[2]) for fpr, entry in ring.ssh.items()}
        for fingerprint, owner in _import_openpgp(home, ring.openpgp):
            owners.setdefault(fingerprint, set()).add(owner)
        env = git_env() | {"GNUPGHOME": str(home)}
        settings = (f"gpg.ssh.allowedSignersFile={allowed}", "gpg.ssh.revocationFile=/dev/null",
                    "gpg.minTrustLevel=undefined")
        out = run_git(top, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x00%G?%x00%GF%x00%GP",
                      stdin="".join(f"{s}\n" for s in wanted).encode(), env=env, config=settings)
    found: dict[str, Signature] = {}
    for line in out.decode("ascii", "replace").splitlines():
        sha, status, *keys = line.split("\0")
        fingerprints = tuple(dict.fromkeys(k.upper() if not k.startswith("SHA256:") else k for k in keys if k))
        good = _GOOD_SSH if any(k.startswith("SHA256:") for k in fingerprints) else _GOOD_OPENPGP
        who = frozenset(o for k in fingerprints for o in owners.get(k, ())) if status in good else frozenset()
        found[sha] = Signature(status, fingerprints, who)
    return found


def _import_openpgp(home: Path, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Import the armoured keys into the keyring at ``home``; (fingerprint, owner) for each key and subkey."""
    if not keys:
        return []
    gpg = shutil.which("gpg")
    if gpg is None:
        raise FitsmError("OpenPGP signing keys are configured, but gpg is not installed: install GnuPG (Debian: "
                         "apt-get install gnupg) to verify signed approvals")
    found: list[tuple[str, str]] = []
    env = {**os.environ, "GNUPGHOME": str(home), "LC_ALL": "C"}
    for text, owner in keys:
        listed = _gpg([gpg, "--batch", "--with-colons", "--import-options", "show-only", "--import"], text, env)
        found += [(line.split(":")[9].upper(), owner) for line in listed.splitlines()
                  if line.startswith("fpr:") and len(line.split(":")) > 9]
        _gpg([gpg, "--batch", "--quiet", "--import"], text, env)
    return found


def _gpg(command: list[str], stdin: str, env: dict[str, str]) -> str:
    try:
        done = subprocess.run(command, input=stdin.encode(), env=env, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise FitsmError(f"gpg could not read a signing key: {e}") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FitsmError(f"gpg could not read a signing key ({lines[-1] if lines else done.returncode}): check the "
                         "armoured keys in spec.signing_keys and document_control.trusted_signers")
    return done.stdout.decode("utf-8", "replace")
