"""Run the static site engine and put its output in place, safely.

The engine runs as a subprocess (``python -m mkdocs build --strict`` or ``python -m zensical build
--strict``) on sources in a temporary directory and writes the site there too. Only when it succeeds
is the output directory emptied and filled, and only if it is empty, missing, a previous fitsm site
(it holds the marker file) or ``--force`` was given. A failed build leaves the previous site alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from fitsm_kit import __version__
from fitsm_kit.errors import FitsmError

ENGINES = ("mkdocs", "zensical")
_IMPORTANT = re.compile(r"WARNING|ERROR|Error|Aborted|Traceback")
MARKER = ".fitsm-site"  # written into every site fitsm renders: it may be replaced next time


class BuildFailed(FitsmError):
    """The engine rejected the generated sources (in strict mode a warning is enough)."""


def check_target(out: Path, sms_root: Path, force: bool) -> None:
    """Refuse an output directory that holds the SMS or the working directory, or someone else's files."""
    target = out.resolve()
    for precious, what in ((sms_root.resolve(), "the SMS"), (Path.cwd().resolve(), "the current directory")):
        if precious == target or precious.is_relative_to(target):
            raise FitsmError(f"{out} contains {what}; rendering would delete it. Choose another --out directory")
    if out.exists() and not out.is_dir():
        raise FitsmError(f"{out} exists and is not a directory; choose another --out directory")
    if out.is_dir() and not force and not (out / MARKER).is_file() and any(out.iterdir()):
        raise FitsmError(f"{out} is not empty and is not a site fitsm rendered (no {MARKER} file); "
                         "choose another --out directory, or pass --force to replace its contents")


def run_engine(engine: str, config_file: Path) -> None:
    """Build the site with ``engine`` in strict mode; raise :class:`BuildFailed` with its messages."""
    if engine not in ENGINES:
        raise FitsmError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
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
    """Replace the contents of ``out`` with ``built`` and mark it as a fitsm site."""
    out.mkdir(parents=True, exist_ok=True)
    for entry in out.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in built.iterdir():
        shutil.move(str(entry), str(out / entry.name))
    marker = {"generator": "fitsm-kit", "version": __version__}
    (out / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
