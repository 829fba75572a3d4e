"""The SMS configuration: ``fitsm.yaml`` (or ``[tool.fitsm]`` in ``pyproject.toml``) marks the SMS root
and tunes the checks."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fitsm_kit.errors import FitsmError
from fitsm_kit.escape import safe
from fitsm_kit.findings import Severity
from fitsm_kit.model.dates import IsoDuration
from fitsm_kit.sms.document_control import DocumentControl
from fitsm_kit.sms.loader import LoadProblem, load_file
from fitsm_kit.sms.positions import position
from fitsm_kit.sms.pyproject import PYPROJECT, TABLE, tool_table
from fitsm_kit.sms.root import CONFIG_NAME, DEFAULT_EXCLUDE, config_name, config_path, find_root

__all__ = ["CONFIG_NAME", "DEFAULT_EXCLUDE", "Config", "config_name", "config_path", "find_root", "load_config"]

MONITORING_ROLES = ("period", "service", "provider", "availability", "reliability", "unknown")
MonitoringRole = Literal["period", "service", "provider", "availability", "reliability", "unknown"]
MonitoringMetric = Literal["availability", "reliability", "unknown"]


class MonitoringSettings(BaseModel):
    """How the monitoring system's monthly A/R reports (``fitsm evaluate --monitoring``) name things."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[MonitoringRole, str] = Field(
        {}, description="role -> column (or JSON key) in the export; a role not named here is its own column name")
    fractions: list[MonitoringMetric] = Field(
        [], description="figures given as a fraction of 1 (ARGO's unknown), not as a percentage")
    names: dict[str, str] = Field({}, description="a name in the export (a site, a service) -> the SMS id it "
                                  "stands for")


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
    monitoring: MonitoringSettings = Field(MonitoringSettings(), description="Columns and names of monitoring exports")


def load_config(root: Path) -> Config:
    """Read and validate the configuration; every problem is reported at once, with its key (and line)."""
    path = config_path(root) or root / CONFIG_NAME
    if path.name == PYPROJECT:
        table = tool_table(path)
        if not isinstance(table, dict):
            raise FitsmError(f"{path}: {TABLE} must be a table of settings")
        return _validate(table, f"{path} {TABLE}")
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
    return _validate(data, str(path))


def _validate(data: Any, where: str) -> Config:
    """The Config of ``data``; else an error naming each bad key, with its line when ``data`` is from YAML."""
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        lines = [f"{where}: invalid configuration:"]
        for e in err.errors():
            loc = tuple(e["loc"])
            key = ".".join(str(part) for part in loc)
            line = ""
            if hasattr(data, "key_pos"):  # from fitsm.yaml: point at the key
                line = "line {}:{}: ".format(*position(data, loc, at_key=e["type"] == "extra_forbidden"))
            message = e["msg"]
            if e["type"] == "extra_forbidden" and len(loc) == 1:
                close = difflib.get_close_matches(str(loc[0]), list(Config.model_fields), n=1)
                message = "unknown key" + (f"; did you mean {close[0]!r}?" if close else
                                           f"; known keys: {', '.join(Config.model_fields)}")
            lines.append(f"  {line}{safe(key)}: {safe(message)}")  # a key may hold a line break: one line each
        raise FitsmError("\n".join(lines)) from None
