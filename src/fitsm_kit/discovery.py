"""Which files of the SMS tree hold documents. Kept free of heavy imports: the result cache uses it."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from fitsm_kit.config import CONFIG_NAME, DEFAULT_EXCLUDE


def discover(root: Path, exclude: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """Every ``*.yaml`` / ``*.yml`` below ``root`` (as root-relative posix path), skipping hidden ones."""
    excluded = _matcher((*DEFAULT_EXCLUDE, *exclude))
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not excluded(f"{prefix}{d}/"))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            rel = prefix + name
            if rel != CONFIG_NAME and not excluded(rel):
                yield rel, Path(dirpath, name)


def _matcher(patterns: Iterable[str]) -> Callable[[str], object]:
    """Whether a path matches any glob (``dir/**`` also matches everything below ``dir/``), as one regex."""
    parts = []
    for pattern in patterns:
        parts.append(fnmatch.translate(pattern))
        if pattern.endswith("/**"):
            parts.append(re.escape(pattern[:-2]) + ".*")
    return re.compile("|".join(parts) or "(?!)").match
