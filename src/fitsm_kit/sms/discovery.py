"""Which files of the SMS tree hold documents, and their bytes, read once per run.

The result cache's key and the check use the same bytes (:func:`read_sources`), so a file that changes
meanwhile cannot be checked in one version and cached under the other. Kept free of heavy imports: the
result cache uses it.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit.errors import FitsmError, io_error
from fitsm_kit.sms.files import LoadProblem, is_yaml_name, read_file
from fitsm_kit.sms.root import CONFIG_NAME, DEFAULT_EXCLUDE


@dataclass(frozen=True)
class Source:
    """One SMS file as this run read it: its bytes, or the finding that says why they were not read."""

    rel: str  # root-relative, posix
    link: bool  # a symbolic link (followed only to a file inside the SMS)
    data: bytes | None
    refused: tuple[str, LoadProblem] | None = None  # (rule, problem) when data is None


def read_sources(root: Path, exclude: Iterable[str]) -> list[Source]:
    """Every SMS file below ``root`` (see :func:`discover`) with its bytes.

    A file or directory that cannot be read is an error (exit 2) naming it, not a finding: checking the
    rest would report what the unread part holds as missing ("does not name any SLA"), which is false.
    """
    real_root = root.resolve()
    unreadable: list[tuple[str, OSError]] = []
    sources = [_read(rel, path, real_root) for rel, path in discover(root, exclude, unreadable)]
    unreadable += [(s.rel, s.refused[1].error) for s in sources if s.refused and s.refused[1].error]
    if unreadable:
        rel, error = unreadable[0]
        more = f"; {len(unreadable) - 1} more cannot be read either" if len(unreadable) > 1 else ""
        raise FitsmError(f"{io_error('read', root / rel, error)}{more}. fitsm reads every file of the SMS: fix "
                         "the permissions, or leave the path out with 'exclude' in fitsm.yaml")
    return sources


def _read(rel: str, path: Path, real_root: Path) -> Source:
    link = path.is_symlink()
    if link:
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return Source(rel, link, None, ("unsafe-path", LoadProblem(1, 1, "broken symlink or symlink loop",
                                                                       "remove the link")))
        if not target.is_relative_to(real_root):
            return Source(rel, link, None, ("unsafe-path", LoadProblem(
                1, 1, "symlink points outside the SMS; not followed",
                "copy the document into the SMS instead of linking to it")))
    data = read_file(path)
    if isinstance(data, LoadProblem):
        return Source(rel, link, None, ("yaml-syntax", data))
    return Source(rel, link, data)


def discover(root: Path, exclude: Iterable[str],
             unreadable: list[tuple[str, OSError]] | None = None) -> Iterator[tuple[str, Path]]:
    """Every ``*.yaml`` / ``*.yml`` (any case) below ``root`` (as root-relative posix path), skipping hidden ones.

    Directories that cannot be listed are added to ``unreadable`` (root-relative path, error).
    """
    excluded = _matcher((*DEFAULT_EXCLUDE, *exclude))

    def failed(error: OSError) -> None:
        if unreadable is not None:
            rel = os.path.relpath(error.filename, root) if error.filename else "."
            unreadable.append((rel.replace(os.sep, "/"), error))

    for dirpath, dirnames, filenames in os.walk(root, onerror=failed):
        rel_dir = os.path.relpath(dirpath, root)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not excluded(f"{prefix}{d}/"))
        for name in sorted(filenames):
            if name.startswith(".") or not is_yaml_name(name):
                continue
            rel = prefix + name
            if rel.lower() != CONFIG_NAME and not excluded(rel):  # FITSM.YAML is the configuration on Windows
                yield rel, Path(dirpath, name)


_PATH_MAX = 4096  # Linux's PATH_MAX


@functools.lru_cache(maxsize=8)
def _excluded(exclude: tuple[str, ...]) -> Callable[[str], object]:
    return _matcher((*DEFAULT_EXCLUDE, *exclude))


def is_sms_path(rel: str, exclude: Iterable[str] = ()) -> bool:
    """Whether :func:`discover` would read the file at ``rel`` (root-relative, posix): the same selection,
    for files that are not on disk (Git history reads every version of exactly these)."""
    if len(rel) > _PATH_MAX:
        return False  # no file system holds it, so check never reads it (and the prefixes below stay short)
    parts = rel.split("/")
    if not is_yaml_name(rel) or rel.lower() == CONFIG_NAME or any(p.startswith(".") or not p for p in parts):
        return False
    excluded = _excluded(tuple(exclude))
    prefix = ""
    for part in parts[:-1]:  # as discover prunes: a directory that is excluded hides everything below it
        prefix += part + "/"
        if excluded(prefix):
            return False
    return not excluded(rel)


def _matcher(patterns: Iterable[str]) -> Callable[[str], object]:
    """Whether a path matches any glob (``dir/**`` also matches everything below ``dir/``), as one regex."""
    parts = []
    for pattern in patterns:
        parts.append(fnmatch.translate(pattern))
        if pattern.endswith("/**"):
            parts.append(re.escape(pattern[:-2]) + ".*")
    return re.compile("|".join(parts) or "(?!)").match
