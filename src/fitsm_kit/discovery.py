"""Which files of the SMS tree hold documents. Kept free of heavy imports: the result cache uses it."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from fitsm_kit.config import CONFIG_NAME, DEFAULT_EXCLUDE


def discover(root: Path, exclude: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """Every ``*.yaml`` / ``*.yml`` below ``root`` (as root-relative posix path), skipping hidden ones."""
    patterns = [*DEFAULT_EXCLUDE, *exclude]
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not _excluded((rel_dir / d).as_posix() + "/", patterns))
        for name in sorted(filenames):
            rel = (rel_dir / name).as_posix()
            if name.startswith(".") or not name.endswith((".yaml", ".yml")) or rel == CONFIG_NAME:
                continue
            if not _excluded(rel, patterns):
                yield rel, Path(dirpath) / name


def _excluded(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or (p.endswith("/**") and rel.startswith(p[:-2])) for p in patterns)
