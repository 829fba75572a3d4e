"""Monthly availability / reliability reports as a monitoring system exports them (EGI's ARGO A/R reports).

One row per month and service, or per month and provider (a resource centre, a supplier): the month
(``2026-10``), availability %, reliability % and unknown %. A row that names a provider may also name a
service: it is then that provider's part of the service.

- CSV: a header row; extra columns are ignored.
- JSON: an array of row objects, an object holding one, or nested groups as ARGO's results API returns
  them (``{"results": [{"name": "NGI_A", "type": "NGI", "endpoints": [{"name": "SITE_A", "type": "SITES",
  "results": [{"timestamp": "2026-10", "availability": "99.1", ...}]}]}]}``): a row then also carries the
  name of each group around it under the group's type (``SITES: SITE_A``), so ``provider=SITES`` finds it.

Column names are the role names unless ``--monitoring-columns`` or ``monitoring.columns`` in fitsm.yaml say
otherwise. Values are percentages (a trailing ``%`` is allowed) or, for the metrics listed as fractions,
fractions of 1. A blank value is a missing figure (never a met target); anything else that is not a number
between 0 and 100 is an input error naming the file, the line (CSV) or row (JSON) and the column.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fitsm_kit.errors import FitsmError
from fitsm_kit.model.service import Target
from fitsm_kit.sms.config import MONITORING_ROLES, MonitoringSettings

METRICS = ("availability", "reliability", "unknown")
FORMATS = ("csv", "json")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])\Z")


@dataclass(frozen=True)
class Layout:
    """Where the roles are in an export, which metrics are fractions, and what its names stand for."""

    columns: Mapping[str, str]  # role -> column name (or JSON key)
    fractions: frozenset[str]
    names: Mapping[str, str]  # name in the export -> SMS id

    def option(self) -> str:
        """The command-line options that give this layout (for the record's generated_by)."""
        moved = ",".join(f"{r}={c}" for r, c in self.columns.items() if r != c)
        parts = [f"--monitoring-columns {moved}"] if moved else []
        parts += [f"--monitoring-fraction {m}" for m in sorted(self.fractions)]
        return " ".join(parts)


def layout(settings: MonitoringSettings, columns: str | None = None, fractions: list[str] | None = None) -> Layout:
    """The layout of fitsm.yaml's ``monitoring``, overridden per role by ``--monitoring-columns`` and
    ``--monitoring-fraction``."""
    given: dict[str, str] = {str(role): column for role, column in settings.columns.items()}
    given.update(parse_columns(columns) if columns else {})
    unknown = [m for m in fractions or [] if m not in METRICS]
    if unknown:
        raise FitsmError(f"--monitoring-fraction {unknown[0]!r}: name a metric ({', '.join(METRICS)})")
    mapped = {role: given.get(role, role) for role in MONITORING_ROLES}
    return Layout(mapped, frozenset([*settings.fractions, *(fractions or [])]), dict(settings.names))


def parse_columns(text: str) -> dict[str, str]:
    """``availability=A,reliability=R`` -> {role: column}."""
    columns: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        role, sep, column = (s.strip() for s in part.partition("="))
        if not sep or not column or role not in MONITORING_ROLES:
            raise FitsmError(f"--monitoring-columns: {part!r} is not ROLE=COLUMN with a role among "
                             f"{', '.join(MONITORING_ROLES)} (e.g. period=month,provider=site)")
        columns[role] = column
    return columns


@dataclass(frozen=True)
class Figure:
    """One row: a month's figures for a service or a provider."""

    month: str  # YYYY-MM
    service: str | None  # SMS id (after monitoring.names)
    provider: str | None
    values: Mapping[str, float | None]  # metric -> percentage; None: blank or not given
    source: str  # file:line, or file row N ($.path), for messages and notes


def read(path: Path, lay: Layout, fmt: str | None = None) -> list[Figure]:
    """The rows of one export, checked; an input error raises FitsmError naming the file and the row."""
    kind = fmt or path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise FitsmError(f"{path}: cannot tell the format of monitoring data from its name; give "
                         "--monitoring-format csv or json")
    rows = _csv(path, lay) if kind == "csv" else _json(path)
    figures = [_figure(path, where, row, lay) for where, row in rows]
    if figures and not any(v is not None for f in figures for v in f.values.values()):
        missing = ", ".join(lay.columns[m] for m in METRICS)
        raise FitsmError(f"{path}: no row has a figure under {missing}; name the columns with --monitoring-columns "
                         "(e.g. availability=A,reliability=R,unknown=U)")
    _refuse_fractions(path, figures, lay)
    return figures


def _refuse_fractions(path: Path, figures: list[Figure], lay: Layout) -> None:
    """Refuse availability or reliability figures that are all between 0 and 1, not listed as fractions: 0.995
    is 99.5 % written as a fraction, and read as 0.995 % it would be recorded as measured and missed. (Unknown
    is left alone: 0.2 % unknown is an ordinary percentage.)"""
    for metric in ("availability", "reliability"):
        given = [(v, f.source) for f in figures if (v := f.values.get(metric)) is not None]
        if metric in lay.fractions or not given or any(v > 1 for v, _ in given):
            continue
        inside = [(v, s) for v, s in given if 0 < v < 1]
        if inside:
            raise FitsmError(f"{path}: every figure under {lay.columns[metric]!r} is between 0 and 1 ({inside[0][0]:g} "
                             f"at {inside[0][1]}): if they are fractions of 1, give --monitoring-fraction {metric} "
                             "(or list it under monitoring.fractions in fitsm.yaml); as percentages they are below 1 %")


def combine(figures: list[Figure]) -> list[Figure]:
    """Figures from all the files; the same month and service / provider twice with different figures is
    an input error (which is right cannot be told), twice with the same figures counts once."""
    seen: dict[tuple[str, str | None, str | None], Figure] = {}
    for f in figures:
        key = (f.month, f.service, f.provider)
        first = seen.setdefault(key, f)
        if first is not f and dict(first.values) != dict(f.values):
            who = " for ".join(n for n in (f.provider, f.service) if n)
            raise FitsmError(f"{f.source}: a second row for {who} in {f.month} with other figures than "
                             f"{first.source}; keep one of them")
    return list(seen.values())


def _csv(path: Path, lay: Layout) -> list[tuple[str, dict[str, Any]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            reader.fieldnames = header
            missing = [lay.columns["period"]] if lay.columns["period"] not in header else []
            if lay.columns["service"] not in header and lay.columns["provider"] not in header:
                missing.append(f"{lay.columns['service']} or {lay.columns['provider']}")
            if not any(lay.columns[m] in header for m in METRICS):
                missing.append(" or ".join(lay.columns[m] for m in METRICS))
            if missing:
                raise FitsmError(f"{path}:1: the header has no column {'; no column '.join(missing)} "
                                 f"(it has {', '.join(header) or 'nothing'}); name them with --monitoring-columns "
                                 "or monitoring.columns in fitsm.yaml, e.g. period=month,provider=site")
            return [(f"{path}:{reader.line_num}", {k: v for k, v in row.items() if k}) for row in reader]
    except OSError as err:
        raise FitsmError(f"{path}: cannot read: {err.strerror or err}") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise FitsmError(f"{path}: not a readable UTF-8 CSV file ({err})") from None


def _json(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        rows = list(_walk(data, "$", {}))
    except OSError as err:
        raise FitsmError(f"{path}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise FitsmError(f"{path}: not UTF-8 ({err})") from None
    except json.JSONDecodeError as err:
        raise FitsmError(f"{path}:{err.lineno}:{err.colno}: not JSON: {err.msg}") from None
    except RecursionError:  # in the parser or in the walk
        raise FitsmError(f"{path}: JSON nested too deeply to be a monitoring report") from None
    return [(f"{path} row {n} ({where})", row) for n, (where, row) in enumerate(rows, start=1)]


def _walk(node: Any, where: str, around: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Rows of a JSON document: objects without a list of objects inside, each with its groups' names."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{where}[{i}]", around)
        return
    if not isinstance(node, dict):
        return  # a bare value is no row
    nested = {k: v for k, v in node.items() if isinstance(v, list) and any(isinstance(i, dict) for i in v)}
    scalars = {k: v for k, v in node.items() if not isinstance(v, (list, dict))}
    if not nested:
        yield where, {**around, **scalars}
        return
    inner = dict(around)
    if isinstance(node.get("type"), str) and isinstance(node.get("name"), str):
        inner[node["type"]] = node["name"]  # ARGO: {"name": "SITE_A", "type": "SITES", "results": [...]}
    for key, items in nested.items():
        yield from _walk(items, f"{where}.{key}", inner)


def _figure(path: Path, where: str, row: dict[str, Any], lay: Layout) -> Figure:
    month = _text(row.get(lay.columns["period"]))
    if not _MONTH.match(month):
        shown = f"{month!r} is not a month" if month else "no month"
        raise FitsmError(f"{where}: column {lay.columns['period']!r}: {shown}; monthly reports give it as 2026-10")
    service, provider = (_text(row.get(lay.columns[r])) or None for r in ("service", "provider"))
    if service is None and provider is None:
        raise FitsmError(f"{where}: names neither a service (column {lay.columns['service']!r}) nor a provider "
                         f"(column {lay.columns['provider']!r})")
    values = {m: _percent(row[lay.columns[m]], m in lay.fractions, where, lay.columns[m])
              for m in METRICS if lay.columns[m] in row}
    return Figure(month, lay.names.get(service, service) if service else None,
                  lay.names.get(provider, provider) if provider else None, values, where)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _percent(value: Any, fraction: bool, where: str, column: str) -> float | None:
    """A percentage from a cell; None when blank. Fractions of 1 become percentages."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else value
    number: float | None = None
    if isinstance(text, str) and not fraction and text.endswith("%"):
        text = text[:-1].strip()
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        number = float(text)
    elif isinstance(text, str):
        try:
            number = float(text)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise FitsmError(f"{where}: column {column!r}: {value!r} is not a number; give the figure as a "
                         "number such as 99.5, or leave it empty if it was not measured")
    high = 1 if fraction else 100
    if not 0 <= number <= high:
        what = "a fraction between 0 and 1 (listed under monitoring fractions)" if fraction \
            else "a percentage between 0 and 100"
        raise FitsmError(f"{where}: column {column!r}: {number:g} is not {what}")
    return round(number * 100, 6) if fraction else number


def months(first: str, last: str) -> list[str]:
    """The months from ``first`` to ``last`` (YYYY-MM), both included."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True)
class Monitoring:
    """The figures of every ``--monitoring`` file, found by month and by service or provider."""

    figures: tuple[Figure, ...]

    def for_service(self, service: str, month: str) -> list[Figure]:
        """The figures of a service as a whole (rows that name no provider)."""
        return [f for f in self.figures if f.month == month and f.provider is None and f.service == service]

    def for_provider(self, provider: str, services: set[str], month: str) -> list[Figure]:
        """The figures of a provider: its rows for its part of one of ``services`` if there are any (the more
        precise figure), else its rows for the provider as a whole."""
        rows = [f for f in self.figures if f.month == month and f.provider == provider
                and (f.service is None or f.service in services)]
        return [f for f in rows if f.service is not None] or rows

    def names(self, *, services: Collection[str] = (), providers: Collection[str] = ()) -> bool:
        """Whether any row (of any month) is for one of ``services`` (as a whole) or ``providers``."""
        return any((f.provider is None and f.service in services) or f.provider in providers for f in self.figures)

    def strangers(self, known_services: set[str], known_providers: set[str], period: list[str]) -> list[str]:
        """Names in the period's rows that are no id of the SMS (map them under monitoring.names)."""
        odd = {f.service for f in self.figures if f.month in period and f.service and f.service not in known_services}
        odd |= {f.provider for f in self.figures if f.month in period and f.provider
                and f.provider not in known_providers}
        return sorted(n for n in odd if n)


def measure(target: Target, who: str,
            per_month: list[tuple[str, list[Figure]]]) -> tuple[float | None, bool | None, str]:
    """(measured, met, detail) of ``target`` for ``who`` from each month's rows.

    Every month must have exactly one row with the figure: a missing month, a blank figure or rows that
    cannot be told apart leave the target not measured, saying what is missing. Over several months the
    least favourable month counts (the target is met only when it is met in every month).
    """
    metric = target.metric
    missing, blank, unclear, found = [], [], [], []
    for month, rows in per_month:
        if not rows:
            missing.append(month)
        elif len(rows) > 1:
            unclear.append(f"{len(rows)} rows for {who} in {month} ({', '.join(r.source for r in rows)})")
        elif (value := rows[0].values.get(metric)) is None:
            blank.append(f"{month} ({rows[0].source})")
        else:
            found.append((month, value, rows[0].source))
    problems = []
    if missing:
        problems.append(f"no monitoring row for {who} in {', '.join(missing)}")
    if blank:
        problems.append(f"no {metric} figure for {who} in {'; '.join(blank)}")
    if unclear:
        problems.append("; ".join(unclear) + " (one per month is needed)")
    if problems:
        return None, None, "not measured: " + "; ".join(problems)
    worst = min if target.sense == "at-least" else max
    month, value, source = worst(found, key=lambda f: f[1])
    met = target.meets(value)
    if len(found) == 1:
        return value, met, f"{metric} {value:g} % for {who} in {month} ({source})"
    each = ", ".join(f"{m} {v:g} %" for m, v, _ in found)
    return value, met, f"{metric} for {who}, least favourable of {len(found)} months: {month} ({source}); {each}"


@dataclass(frozen=True)
class Input:
    """The ``--monitoring`` files, how they were read, and their figures."""

    files: tuple[Path, ...]
    layout: Layout
    format: str | None
    data: Monitoring

    def option(self) -> str:
        """The options that read the files the same way again (for the record's generated_by)."""
        parts = [*(f"--monitoring {f.name}" for f in self.files),
                 *([f"--monitoring-format {self.format}"] if self.format else []), self.layout.option()]
        return " ".join(p for p in parts if p)


def read_all(files: list[Path], lay: Layout, fmt: str | None = None) -> Input:
    if fmt is not None and fmt not in FORMATS:
        raise FitsmError(f"--monitoring-format {fmt!r}: give csv or json")
    figures = combine([f for path in files for f in read(path, lay, fmt)])
    return Input(tuple(files), lay, fmt, Monitoring(tuple(figures)))
