"""Errors the user can fix (exit 2). Anything else that escapes is a bug (exit 3)."""

from __future__ import annotations

import errno
import os

# What to do about the usual causes of an I/O error; the cause itself is the system's own words.
_HINTS = {
    errno.EACCES: "check its permissions",
    errno.EPERM: "check its permissions",
    errno.EROFS: "the file system is read-only; choose a writable place",
    errno.ENOSPC: "free some disk space",
    errno.EDQUOT: "free some disk space (quota exceeded)",
    errno.ENOTDIR: "a part of the path is a file, not a directory",
    errno.EISDIR: "it is a directory; name a file",
    errno.ENOENT: "check the path",
    errno.EBADF: "the stream is closed",
    errno.EPIPE: "the reader went away",
}


class FitsmError(Exception):
    """A usage, configuration or input problem, with a message that says what to do."""


def io_error(action: str, path: object, err: OSError) -> FitsmError:
    """``cannot <action> <path>: <cause>; <hint>`` for an I/O error: a one-line message, exit 2."""
    cause = err.strerror or (os.strerror(err.errno) if err.errno else str(err) or type(err).__name__)
    hint = _HINTS.get(err.errno or 0)
    return FitsmError(f"cannot {action} {path}: {cause}" + (f" ({hint})" if hint else ""))
