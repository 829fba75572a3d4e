"""Where the shipped data lives: ``schemas/`` and ``templates/`` are top-level in the repository and
are mapped into the package by the wheel build (pyproject: force-include)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The installed copy of ``name`` (schemas, templates), or the repository's in a source checkout."""
    installed = _PACKAGE / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name  # src/fitsm_kit -> repository root (editable installs)
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"fitsm-kit is installed without its {name}/ directory; reinstall it")
