"""Reading one SMS file's bytes safely, and the problem that says why a file or document did not load.

Kept free of heavy imports (no YAML): discovery reads files with it, also for a check that replays its
last output (:mod:`fitsm_kit.engine.replay`). :mod:`fitsm_kit.sms.loader` re-exports all of it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "LoadProblem", "is_yaml_name", "read_file"]

# The composer needs up to ~330 bytes of memory per byte of hostile input (measured with `{a,a,a,...}`),
# so 2 MiB keeps one file under ~700 MiB; see docs/threat-model.md for every limit and why.
MAX_FILE_BYTES = 2 * 1024 * 1024


def is_yaml_name(name: str) -> bool:
    """Whether a file name ends in ``.yaml`` or ``.yml``, in any case: Windows, its file managers, Git for
    Windows and pre-commit take ``ola.YAML`` for a YAML file, and so does every stage that selects them."""
    return name.lower().endswith((".yaml", ".yml"))


@dataclass(frozen=True)
class LoadProblem:
    """Something that stops a file or one of its documents from loading."""

    line: int
    col: int
    message: str
    fix: str
    error: OSError | None = None  # the file could not be read at all (permissions, I/O): not a finding


def read_file(path: Path) -> bytes | LoadProblem:
    """The bytes of a regular file of at most MAX_FILE_BYTES, else why not; never blocks on a FIFO."""
    try:
        # O_NONBLOCK: opening a FIFO named *.yaml would otherwise wait for a writer forever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb", buffering=0) as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return LoadProblem(1, 1, "not a regular file", "replace it with a YAML file")
            data = file.read() if info.st_size <= MAX_FILE_BYTES else b""
    except OSError as err:
        return LoadProblem(1, 1, f"cannot read file: {err.strerror or err}",
                           "check the file's permissions and that it exists", err)
    size = max(info.st_size, len(data))  # it may have grown while it was read
    if size > MAX_FILE_BYTES:
        return LoadProblem(1, 1, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,} limit",
                           "split it into smaller documents")
    return data
