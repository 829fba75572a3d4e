"""Read fitsm-kit's settings from ``[tool.fitsm]`` in a ``pyproject.toml`` (the alternative to fitsm.yaml)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from fitsm_kit.errors import FitsmError

PYPROJECT = "pyproject.toml"
TABLE = "[tool.fitsm]"


def tool_table(path: Path) -> Any:
    """The ``[tool.fitsm]`` table of ``path``; None when the file has none.

    A file that never mentions fitsm is not parsed, so an unrelated broken pyproject.toml between the
    working directory and the SMS does not stop a check.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise FitsmError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if "fitsm" not in text:
        return None
    # imported here: most SMS have no pyproject.toml, and a replayed check should not pay for the parser
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise FitsmError(f"{path}: invalid TOML: {e} (fix the syntax, or move the settings to fitsm.yaml)") from None
    tool = data.get("tool")
    return tool.get("fitsm") if isinstance(tool, dict) else None
