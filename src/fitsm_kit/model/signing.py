"""Public keys that sign approvals: a Person's ``spec.signing_keys`` and ``document_control.trusted_signers``.

A key is either an SSH public key line (``ssh-ed25519 AAAA… comment``, as in ``~/.ssh/id_ed25519.pub``
or an allowed-signers file) or an ASCII-armoured OpenPGP public key block (``gpg --armor --export``).
Key material, not a bare fingerprint: a check in CI must verify a signature without a keyring of its own.
The SSH form goes into a generated allowed-signers file, one line each, so it is read strictly here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from fitsm_kit.model.dates import as_text

SSH_TYPES = frozenset(("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                       "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"))
PGP_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
PGP_END = "-----END PGP PUBLIC KEY BLOCK-----"
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def ssh_key(text: str) -> tuple[str, bytes] | None:
    """(type, key blob) of an SSH public key line, else None; the blob must name the same type."""
    words = text.strip().split()
    if len(words) < 2 or "\n" in text.strip() or words[0] not in SSH_TYPES or not set(words[1]) <= _BASE64:
        return None
    try:
        blob = base64.b64decode(words[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    size = int.from_bytes(blob[:4], "big")
    return (words[0], blob) if blob[4:4 + size] == words[0].encode() else None


def ssh_fingerprint(blob: bytes) -> str:
    """``SHA256:…`` as ``ssh-keygen -l`` and git's ``%GF`` show it."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def is_openpgp(text: str) -> bool:
    lines = text.strip().splitlines()
    return len(lines) >= 3 and lines[0].strip() == PGP_BEGIN and lines[-1].strip() == PGP_END


def _check(text: str) -> str:
    if ssh_key(text) is None and not is_openpgp(text):
        raise ValueError("not a public key: give an SSH public key line ('ssh-ed25519 AAAA… name', as in "
                         "~/.ssh/id_ed25519.pub) or an armoured OpenPGP public key ('gpg --armor --export KEYID')")
    return text.strip()


SigningKey = Annotated[str, BeforeValidator(as_text), Field(min_length=1, max_length=64_000), AfterValidator(_check)]
