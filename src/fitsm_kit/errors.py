"""Errors the user can fix (exit 2). Anything else that escapes is a bug (exit 3)."""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Iterable

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


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'SLA'?"`` for the known name closest to ``word`` (any case), else ``""``."""
    names = sorted(set(candidates))
    same_case = {n.lower(): n for n in names}
    close = [same_case[word.lower()]] if word.lower() in same_case else difflib.get_close_matches(word, names, n=1)
    if not close:
        close = [same_case[c] for c in difflib.get_close_matches(word.lower(), sorted(same_case), n=1)]
    return f"; did you mean {close[0]!r}?" if close and close[0] != word else ""
