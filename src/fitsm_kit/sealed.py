"""Cache files that only this user's fitsm can have written: an HMAC with a key kept outside every repository.

A cache in ``.git/`` can arrive from anywhere: an unpacked archive that carries its ``.git``, a CI cache
restored from another branch's run, another user's checkout. Its content decides findings, so it is
used only when it carries a valid HMAC-SHA256 made with the per-user secret key in
``$XDG_CONFIG_HOME/fitsm-kit/cache.key`` (``~/.config/…``; created on first use, mode 0600) over a
``context`` that names exactly what the cache summarises (the repository, its HEAD, the format). A file
in a repository cannot forge that, and a cache copied from another repository or state fails the check
and is rebuilt. When no key can be kept (read-only home), nothing is cached. CI runs that share a cache
(restored from an earlier run, on another runner) share the key through the ``FITSM_CACHE_KEY``
variable, a secret only trusted pipelines get: whoever knows it can forge caches.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

_MAGIC = b"fitsm-sealed-1\n"
_MAC_HEX = 64


def key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fitsm-kit" / "cache.key"


KEY_VARIABLE = "FITSM_CACHE_KEY"


def _key() -> bytes | None:
    """The key: ``FITSM_CACHE_KEY`` when set (a CI secret shared by the runs that share a cache), else the
    per-user key, created when missing; None when it cannot be kept or is not private to this user."""
    shared = os.environ.get(KEY_VARIABLE, "")
    if shared:
        return hashlib.sha256(b"fitsm-kit cache key\0" + shared.encode("utf-8", "surrogateescape")).digest()
    path = key_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            key = file.read(64)
    except OSError:
        return None
    # a key others can write (or that belongs to someone else) proves nothing about who wrote a cache
    if (hasattr(os, "getuid") and info.st_uid != os.getuid()) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return key if len(key) >= 32 else None


def _mac(key: bytes, context: str, data: bytes) -> bytes:
    return hmac.new(key, context.encode("utf-8", "surrogateescape") + b"\0" + data, hashlib.sha256).hexdigest().encode()


def seal(context: str, data: bytes) -> bytes | None:
    """``data`` with its HMAC over ``context``; None when no key can be kept (then do not cache)."""
    key = _key()
    return None if key is None else _MAGIC + _mac(key, context, data) + b"\n" + data


def unseal(context: str, blob: bytes | None) -> bytes | None:
    """The data of a sealed ``blob`` when its HMAC over ``context`` is valid, else None (rebuild)."""
    if not blob or not blob.startswith(_MAGIC):
        return None
    mac, data = blob[len(_MAGIC):len(_MAGIC) + _MAC_HEX], blob[len(_MAGIC) + _MAC_HEX + 1:]
    key = _key()
    if key is None or not hmac.compare_digest(mac, _mac(key, context, data)):
        return None
    return data
