"""Writing a user's file in one step, so an interrupted write never leaves half a file.

Every file fitsm writes goes through here: :func:`write_atomic` replaces a file (a temporary file in
the same directory, then ``rename``), :func:`create` makes a new one (a temporary file hard-linked into
place, which fails rather than replaces). Neither writes through a symbolic link: a link at the target
is refused, and with ``within`` the directory it writes into must really lie inside that directory (an
SMS), so a committed link cannot send a write elsewhere. An I/O error is a :class:`FitsmError` naming
the path and its cause (exit 2), never a crash.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from fitsm_kit.errors import FitsmError, io_error


def check_inside(path: Path, within: Path | None) -> None:
    """Refuse ``path`` when it is a symbolic link, or (with ``within``) its directory leads outside ``within``."""
    if path.is_symlink():
        raise FitsmError(f"{path} is a symbolic link; fitsm never writes through one (remove the link or "
                         "choose another path)")
    if within is None:
        return
    real = _real_parent(path)
    if not real.is_relative_to(within.resolve()):
        raise FitsmError(f"{path}: its directory leads outside {within} (through a symbolic link, to {real}); "
                         "fitsm writes only inside the SMS")


def _real_parent(path: Path) -> Path:
    """The real directory ``path`` would be written into, for the part of it that exists."""
    parent = path.parent
    missing = []
    while not parent.exists() and not parent.is_symlink() and parent != parent.parent:
        missing.append(parent.name)
        parent = parent.parent
    return parent.resolve().joinpath(*reversed(missing))


def make_dirs(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise FitsmError(f"cannot create directory {directory}: a file of that name exists") from None
    except OSError as e:
        raise io_error("create directory", directory, e) from None


def write_atomic(path: Path, text: str, *, within: Path | None = None, edited: str | None = None) -> None:
    """Replace ``path`` with ``text`` in one step (a temporary file in the same directory, then rename).

    ``edited``: the file's text before the edit, as read (line ends kept). When every line of it ends in CRLF
    (a file saved on Windows), so does every line written: the edit's new lines come with LF, and the
    file's diff would otherwise show lines it did not change.
    """
    if edited is not None and "\r\n" in edited and edited.count("\n") == edited.count("\r\n"):
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    check_inside(path, within)
    make_dirs(path.parent)
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else None
        fd, tmp = _temporary(path)
    except OSError as e:
        raise io_error("write", path, e) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise io_error("write", path, e) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create(path: Path, text: str, *, within: Path | None = None) -> bool:
    """Create ``path`` with ``text`` atomically; False (and nothing touched) when it already exists.

    The text goes to a temporary file that is then hard-linked to ``path``: the link fails if ``path``
    exists, even when it appeared a moment ago, so a race cannot clobber it, and readers never see half a
    file. Where hard links are not supported the file is created with ``O_EXCL`` instead.
    """
    if path.exists() or path.is_symlink():
        return False
    check_inside(path, within)
    make_dirs(path.parent)
    data = text.encode("utf-8")
    try:
        fd, tmp = _temporary(path)
    except OSError as e:
        raise io_error("write", path, e) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as e:
            if e.errno not in _NO_HARD_LINKS:
                raise
            return _create_exclusive(path, data)
        return True
    except OSError as e:
        raise io_error("write", path, e) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


# link(2) fails with these where the file system has no hard links (FAT, some network file systems)
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV}


def _create_exclusive(path: Path, data: bytes) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def _temporary(path: Path) -> tuple[int, str]:
    """A new hidden file beside ``path``, created with the user's umask (as the file itself would be)."""
    tmp = str(path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp"))
    return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666), tmp
