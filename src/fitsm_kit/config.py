"""The SMS configuration: ``fitsm.yaml`` at the repository root marks the SMS and tunes the checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fitsm_kit.approvers import DocumentControl
from fitsm_kit.dates import IsoDuration
from fitsm_kit.errors import FitsmError
from fitsm_kit.findings import Severity
from fitsm_kit.loader import LoadProblem, load_file

CONFIG_NAME = "fitsm.yaml"
DEFAULT_EXCLUDE = ["site/**", "mkdocs.yml", "mkdocs.yaml", "node_modules/**"]


class Config(BaseModel):
    """Settings from ``fitsm.yaml``; command-line flags override them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: dt.date | None = Field(None, description="'Today' for every date rule; default: the real today")
    grace: IsoDuration = Field("P30D", description="How long past its due date a review may be")
    select: list[str] = Field([], description="Only these requirement IDs / prefixes / rule names")
    ignore: list[str] = Field([], description="Never these requirement IDs / prefixes / rule names")
    per_path_ignores: dict[str, list[str]] = Field({}, description="glob -> requirement IDs or rule names")
    severity: dict[str, Severity] = Field({}, description="rule name -> error | warning | info")
    fail_on: Severity = Severity.WARNING
    exclude: list[str] = Field([], description="Extra globs (relative to the root) that hold no SMS documents")
    default_review_intervals: dict[str, IsoDuration] = Field(
        {}, description="Kind -> planned review interval, when a document sets none")
    layout: dict[str, str] = Field({}, description="Kind -> directory (below the root) where 'fitsm new' puts it")
    document_control: DocumentControl = Field(DocumentControl(), description="Git history, versioning, approvers")


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds ``fitsm.yaml``."""
    start = start.resolve()
    if not start.exists():
        raise FitsmError(f"{start}: no such file or directory")
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    raise FitsmError(f"no {CONFIG_NAME} found in {here} or any parent directory; "
                     f"run 'fitsm init' there, or create {CONFIG_NAME} at the root of your SMS")


def load_config(root: Path) -> Config:
    """Read and validate ``fitsm.yaml``; every problem is reported at once, with its key."""
    path = root / CONFIG_NAME
    loaded = load_file(path, CONFIG_NAME)
    problems: list[LoadProblem] = list(loaded.problems)
    data = loaded.documents[0][1] if loaded.documents else {}
    if data is None:
        data = {}
    if not problems and not isinstance(data, dict):
        problems.append(LoadProblem(1, 1, "the configuration must be a mapping", "write key: value pairs"))
    if problems:
        p = problems[0]
        raise FitsmError(f"{path}:{p.line}:{p.col}: {p.message} ({p.fix})")
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        lines = [f"{path}: invalid configuration:"]
        for e in err.errors():
            key = ".".join(str(part) for part in e["loc"])
            lines.append(f"  {key}: {e['msg']}")
        raise FitsmError("\n".join(lines)) from None
