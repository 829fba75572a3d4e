"""The result cache: an SMS that has not changed is not checked twice.

The key covers everything a result depends on: fitsm-kit's own code, the effective configuration,
the date that counts as today, the bytes of every document file and the Git state (HEAD and index).
The cache lives where no commit can plant it — inside the repository's ``.git`` directory, or in the
user's cache directory outside Git — because a forged cached result in a pull request would otherwise
let a broken SMS pass CI. Files are JSON (never pickle) and written atomically.
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

from fitsm_kit import __version__
from fitsm_kit.errors import io_error
from fitsm_kit.findings import Finding, Result, Severity
from fitsm_kit.gitcontrol.repo import cache_dir
from fitsm_kit.sms.config import CONFIG_NAME, Config, config_path
from fitsm_kit.sms.discovery import Source
from fitsm_kit.sms.loader import LoadProblem, read_file

_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent


def key(root: Path, config: Config, as_of: dt.date, options: str, sources: list[Source]) -> str | None:
    """The cache key of a check of ``sources``, or None when some file could not be read (then nothing
    is cached: a permission fixed later changes no byte this key sees).

    ``options`` carries whatever else shapes the result (the command line), so no flag is forgotten.
    """
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{_FORMAT}\0{__version__}\0{_code_fingerprint()}\0{options}\0".encode())
    digest.update(f"{config.model_dump_json()}\0{as_of.isoformat()}\0".encode())
    config_bytes = read_file(config_path(root) or root / CONFIG_NAME)
    if isinstance(config_bytes, LoadProblem):
        return None
    digest.update(config_bytes)
    for source in sources:
        if source.data is None:
            return None
        digest.update(f"\0{source.rel}\0{source.link}\0".encode())
        digest.update(source.data)
    try:
        digest.update(_git_state(root).encode())
    except OSError:
        return None  # the Git state cannot be read: nothing would say when a cached result went stale
    return digest.hexdigest()


def load(root: Path, cache_key: str | None) -> Result | None:
    """The cached result for ``cache_key``, re-rooted at ``root``; None on a miss or a bad cache file."""
    if cache_key is None:
        return None
    try:
        data = json.loads((cache_dir(root) / "last-check.json").read_text(encoding="utf-8"))
        if data.get("key") != cache_key:
            return None
        fields = {k: _decode(v) for k, v in data["result"].items()}
        return dataclasses.replace(Result(**fields), root=str(root))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # a missing, old or damaged cache is just a miss


def store(root: Path, cache_key: str | None, result: Result) -> str:
    """Remember ``result``; a failure (read-only checkout, full disk) only skips caching: the notice to show
    (empty when stored or nothing to store)."""
    if cache_key is None:
        return ""
    payload = {"key": cache_key, "result": {f.name: _encode(getattr(result, f.name))
                                            for f in dataclasses.fields(result)}}
    try:
        directory = cache_dir(root)
    except OSError as e:
        return f"the result cache was skipped: {io_error('find', 'the cache directory', e)}"
    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".last-check-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out)
        os.replace(tmp, directory / "last-check.json")
    except OSError as e:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return f"the result cache was skipped: {io_error('write', directory, e)}"
    return ""


def _code_fingerprint() -> str:
    """Changes whenever fitsm-kit's code changes, also in an editable install without a version bump."""
    stats = sorted((str(p.relative_to(_PACKAGE)), p.stat().st_mtime_ns, p.stat().st_size)
                   for p in _PACKAGE.rglob("*") if p.suffix in (".py", ".yaml"))
    return hashlib.blake2b(repr(stats).encode(), digest_size=16).hexdigest()


def _git_state(root: Path) -> str:
    """HEAD, the branch it points to and the index, read from files (no subprocess on the fast path)."""
    git_dir = cache_dir(root).parent
    if git_dir.name != ".git" and not _is_file(git_dir / "HEAD"):
        return "no-git"
    parts = []
    for name in ("HEAD", "packed-refs", "shallow"):
        try:
            parts.append((git_dir / name).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            parts.append("")
    head = parts[0].strip()
    if head.startswith("ref:"):
        try:
            parts.append((git_dir / head[4:].strip()).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            parts.append("")
    index = os.environ.get("GIT_INDEX_FILE") or str(git_dir / "index")
    try:
        st = os.stat(index)
        parts.append(f"{index}:{st.st_mtime_ns}:{st.st_size}")
    except OSError:
        parts.append("no-index")
    return "\0".join(parts)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # an unreadable cache directory outside Git: there is no Git state to read
        return False


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
