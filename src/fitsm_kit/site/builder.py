"""Run the static site engine and put its output in place, safely.

The engine runs as a subprocess (``python -m mkdocs build --strict`` or ``python -m zensical build
--strict``) on sources in a temporary directory and writes the site there too. Only when it succeeds
does the new site replace the output directory, and only if that is missing, empty or a previous
fitsm site (it holds the marker file, which lists the site's files); ``--force`` only lets a previous
site be replaced although files were added to it. A failed build leaves the previous site alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fitsm_kit import __version__
from fitsm_kit.atomic import make_dirs
from fitsm_kit.errors import FitsmError, did_you_mean, io_error
from fitsm_kit.sms.files import is_yaml_name

ENGINES = ("mkdocs", "zensical")
_IMPORTANT = re.compile(r"WARNING|ERROR|Error|Aborted|Traceback")
MARKER = ".fitsm-site"  # written into every site fitsm renders: it may be replaced next time


class BuildFailed(FitsmError):
    """The engine rejected the generated sources (in strict mode a warning is enough)."""


def check_target(out: Path, sms_root: Path, force: bool) -> None:
    """Refuse an ``--out`` whose replacement could destroy anything but a previous site.

    Refused: a symbolic link; a path inside the SMS that really leads outside it; the SMS, the working
    directory or a directory holding either; a directory holding SMS documents (any ``.yaml``),
    ``fitsm.yaml`` or a ``.git``; a non-empty directory without fitsm's marker; and, without ``force``, a
    previous site with files that fitsm did not write there.
    """
    where = out.absolute()
    if out.is_symlink():
        raise FitsmError(f"{out} is a symbolic link; fitsm render never writes through one. Remove the link or "
                         "choose another --out directory")
    target = out.resolve()
    if where.is_relative_to(sms_root.absolute()) and not target.is_relative_to(sms_root.resolve()):
        raise FitsmError(f"{out} leads outside the SMS (through a symbolic link, to {target}); choose another "
                         "--out directory")
    if ".git" in where.parts or ".git" in target.parts:
        raise FitsmError(f"{out} is inside a .git directory; choose another --out directory")
    for precious, what in ((sms_root.resolve(), "the SMS"), (Path.cwd().resolve(), "the current directory")):
        if precious == target or precious.is_relative_to(target):
            raise FitsmError(f"{out} contains {what}; rendering would delete it. Choose another --out directory")
    if out.exists() and not out.is_dir():
        raise FitsmError(f"{out} exists and is not a directory; choose another --out directory")
    if not out.is_dir():
        return
    found = _contents(out)
    if not found:
        return
    precious_file = next((f for f in found if f.split("/")[-1] in _PRECIOUS or is_yaml_name(f)), None)
    if precious_file is not None:
        raise FitsmError(f"{out} holds {precious_file}, which is not part of a site; fitsm render replaces only a "
                         "site it rendered. Choose another --out directory")
    if MARKER not in found:
        raise FitsmError(f"{out} is not empty and is not a site fitsm rendered (no {MARKER} file); it was left "
                         "unchanged. Choose another --out directory, or move its contents away")
    listed = _manifest(out)
    added = sorted(set(found) - listed - {MARKER}) if listed else []
    if added and not force:
        more = f" and {len(added) - 1} more" if len(added) > 1 else ""
        raise FitsmError(f"{out} is a site fitsm rendered, but it holds files added since ({added[0]}{more}); "
                         "pass --force to replace the site with them, or move them away")


_PRECIOUS = {"fitsm.yaml", ".git", "pyproject.toml"}


def _contents(directory: Path) -> set[str]:
    """Every file, link and directory below ``directory`` (relative, posix), without following links."""
    found: set[str] = set()

    def failed(error: OSError) -> None:
        raise io_error("read", error.filename or directory, error)

    for dirpath, dirnames, filenames in os.walk(directory, onerror=failed):
        rel = os.path.relpath(dirpath, directory)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in (*filenames, *(d for d in dirnames if d == ".git")))
        found.update(prefix + d for d in dirnames if os.path.islink(os.path.join(dirpath, d)))
    return found


def _manifest(out: Path) -> set[str]:
    """The files a previous render wrote (its marker lists them); empty for an older marker without a list."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def run_engine(engine: str, config_file: Path) -> None:
    """Build the site with ``engine`` in strict mode; raise :class:`BuildFailed` with its messages."""
    if engine not in ENGINES:
        raise FitsmError(f"unknown engine {engine!r}{did_you_mean(engine, ENGINES)}; use one of: {', '.join(ENGINES)}")
    command = [sys.executable, "-m", engine, "build", "--strict", "-f", str(config_file)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    try:
        done = subprocess.run(command, cwd=config_file.parent, env=env, capture_output=True, text=True,
                              check=False, stdin=subprocess.DEVNULL)
    except OSError as e:
        raise FitsmError(f"cannot run {engine}: {e.strerror or e}") from None
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or (engine == "zensical" and "Aborted" in output):
        if "No module named" in output:
            raise FitsmError(f"{engine} is not installed; install it with: pip install {engine}")
        lines = output.splitlines()
        tail = "\n".join(([line for line in lines if _IMPORTANT.search(line)] or lines)[-20:])
        raise BuildFailed(f"{engine} build --strict failed (exit {done.returncode}); this is a bug in "
                          f"fitsm render if the SMS checked out. Its output:\n{tail}")


def install(built: Path, out: Path) -> None:
    """Put the site ``built`` in place of ``out`` (checked by :func:`check_target`) with fitsm's marker.

    The new site is moved into a fresh directory beside ``out`` and then renamed into place; the old
    one is renamed aside first and removed last, so ``out`` is never half old, half new, and a failure
    leaves the old site as it was.
    """
    parent = out.absolute().parent
    make_dirs(parent)
    try:
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.fitsm-new-"))
    except OSError as e:
        raise io_error("write", out, e) from None
    old = None
    try:
        for entry in built.iterdir():
            shutil.move(str(entry), str(staging / entry.name))
        files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if not p.is_dir())
        marker = {"generator": "fitsm-kit", "version": __version__, "files": files}
        (staging / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        if out.is_dir():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.fitsm-old-"))
            os.replace(out, old)
        os.replace(staging, out)
    except OSError as e:
        if old is not None and not out.exists():
            os.replace(old, out)  # put the previous site back
            old = None
        shutil.rmtree(staging, ignore_errors=True)
        raise io_error("write", out, e) from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
