"""Where an SMS is: its root (the directory that holds ``fitsm.yaml`` or ``[tool.fitsm]``) and that file.

Kept free of heavy imports (no pydantic, no YAML): a check whose inputs are unchanged finds its root and
replays the last output without loading the models (:mod:`fitsm_kit.engine.replay`).
"""

from __future__ import annotations

from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.sms.pyproject import PYPROJECT, TABLE, tool_table

CONFIG_NAME = "fitsm.yaml"
DEFAULT_EXCLUDE = ["site/**", "mkdocs.yml", "mkdocs.yaml", "node_modules/**"]


def config_path(directory: Path) -> Path | None:
    """The file that makes ``directory`` an SMS root: ``fitsm.yaml``, or a pyproject.toml with [tool.fitsm]."""
    in_toml = (directory / PYPROJECT).is_file() and tool_table(directory / PYPROJECT) is not None
    if (directory / CONFIG_NAME).is_file():
        if in_toml:
            raise FitsmError(f"{directory} has both {CONFIG_NAME} and {TABLE} in {PYPROJECT}; keep one of them")
        return directory / CONFIG_NAME
    return directory / PYPROJECT if in_toml else None


def config_name(root: Path) -> str:
    """Where findings about the SMS as a whole are reported: the name of the root's configuration file."""
    path = config_path(root)
    return path.name if path is not None else CONFIG_NAME


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds ``fitsm.yaml`` or ``[tool.fitsm]``."""
    start = start.resolve()
    if not start.exists():
        raise FitsmError(f"{start}: no such file or directory")
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if config_path(candidate) is not None:
            return candidate
        if (candidate / CONFIG_NAME).exists() or (candidate / CONFIG_NAME).is_symlink():
            what = "a broken symbolic link" if not (candidate / CONFIG_NAME).exists() else "not a regular file"
            raise FitsmError(f"{candidate / CONFIG_NAME} is {what}; the configuration must be a YAML file. "
                             f"Replace it with a file (an empty {CONFIG_NAME} is enough)")
    raise FitsmError(f"no {CONFIG_NAME} found (nor {TABLE} in a {PYPROJECT}) in {here} or any parent directory; "
                     f"run 'fitsm init' there, or create {CONFIG_NAME} at the root of your SMS")
