"""The result cache: an SMS that has not changed is not checked twice.

The key covers everything a result depends on: fitsm-kit's own code, the effective configuration,
the date that counts as today, the bytes of every document file and the Git state (HEAD, refs, index and
what ``git status`` reports, see :func:`fitsm_kit.engine.replay.git_state`).
The cache lives where no commit can plant it — inside the repository's ``.git`` directory, or in the
user's cache directory outside Git — because a forged cached result in a pull request would otherwise
let a broken SMS pass CI. A ``.git`` can still come from elsewhere (an archive, a CI cache), so the file
is sealed with the per-user key (:mod:`fitsm_kit.sealed`) over this SMS and the key of its inputs, and
used only when the seal holds. Files are JSON (never pickle or marshal) and written atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from fitsm_kit import __version__, sealed
from fitsm_kit.engine.replay import code_fingerprint, git_state
from fitsm_kit.errors import FitsmError, io_error
from fitsm_kit.findings import Finding, Result, Severity
from fitsm_kit.gitcontrol.repo import cache_dir
from fitsm_kit.sms.config import CONFIG_NAME, Config, config_path
from fitsm_kit.sms.discovery import Source
from fitsm_kit.sms.loader import LoadProblem, read_file

_FORMAT = 2  # 2: Result.no_evidence


def key(root: Path, config: Config, as_of: dt.date, options: str, sources: list[Source]) -> str | None:
    """The cache key of a check of ``sources``, or None when some file could not be read (then nothing
    is cached: a permission fixed later changes no byte this key sees).

    ``options`` carries whatever else shapes the result (the command line), so no flag is forgotten.
    """
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{_FORMAT}\0{__version__}\0{code_fingerprint()}\0{options}\0".encode())
    digest.update(f"{config.model_dump_json()}\0{as_of.isoformat()}\0".encode())
    config_bytes = read_file(config_path(root) or root / CONFIG_NAME)
    if isinstance(config_bytes, LoadProblem):
        return None
    digest.update(config_bytes)
    for source in sources:
        if source.data is None:
            return None
        # a file name that is not UTF-8 arrives with surrogate escapes: hashed as its bytes
        digest.update(f"\0{source.rel}\0{source.link}\0".encode("utf-8", "surrogateescape"))
        digest.update(source.data)
    try:
        digest.update(git_state(root).encode("utf-8", "surrogateescape"))
    except (OSError, FitsmError):
        return None  # the Git state cannot be read: nothing would say when a cached result went stale
    return digest.hexdigest()


def ref_key(sha: str, prefix: str, options: str) -> str:
    """The cache key of a check of the SMS at ``prefix`` in commit ``sha`` (pull-request mode's comparison):
    the commit fixes its files and its history; ``options`` carries the configuration flags and the date."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{_FORMAT}\0{__version__}\0{code_fingerprint()}\0{sha}\0{prefix}\0{options}".encode())
    return digest.hexdigest()


def load(root: Path, cache_key: str | None, name: str = "last-check") -> Result | None:
    """The cached result for ``cache_key``, re-rooted at ``root``; None on a miss or a bad cache file."""
    if cache_key is None:
        return None
    try:
        sealed_data = sealed.unseal(_context(root, cache_key), (cache_dir(root) / f"{name}.json").read_bytes())
        if sealed_data is None:
            return None  # not sealed by this user's key for this SMS and key: another's, edited, or copied
        data = json.loads(sealed_data.decode("utf-8"))
        if data.get("key") != cache_key:
            return None
        fields = {k: _decode(v) for k, v in data["result"].items()}
        return dataclasses.replace(Result(**fields), root=str(root))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # a missing, old or damaged cache is just a miss


def store(root: Path, cache_key: str | None, result: Result, name: str = "last-check") -> str:
    """Remember ``result``; a failure (read-only checkout, full disk) only skips caching: the notice to show
    (empty when stored or nothing to store)."""
    if cache_key is None:
        return ""
    payload = {"key": cache_key, "result": {f.name: _encode(getattr(result, f.name))
                                            for f in dataclasses.fields(result)}}
    blob = sealed.seal(_context(root, cache_key), json.dumps(payload).encode("utf-8"))
    if blob is None:
        return ""  # no per-user key: an unsealed result could not be trusted later
    try:
        directory = cache_dir(root)
    except OSError as e:
        return f"the result cache was skipped: {io_error('find', 'the cache directory', e)}"
    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
        os.replace(tmp, directory / f"{name}.json")
    except OSError as e:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return f"the result cache was skipped: {io_error('write', directory, e)}"
    return ""


def _context(root: Path, cache_key: str) -> str:
    """What a sealed result is bound to: this SMS (its real path) and the exact key of its inputs."""
    return f"result\0{_FORMAT}\0{root.resolve()}\0{cache_key}"


def _encode(value: Any) -> Any:
    if isinstance(value, Finding):
        return {"__finding__": value.to_dict()}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, Severity):
        return value.value
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "__finding__" in value:
        f = value["__finding__"]
        return Finding(f["path"], f["line"], f["column"], f["requirement"], f["rule"], f["message"],
                       Severity(f["severity"]), f["fix"], f["document"], f.get("waiver", ""))
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value
