"""``fitsm export eosc``: a catalogue's live services as EOSC service records (profile v3).

:func:`collect` builds one record per live Service the ServiceCatalogue lists (``--catalogue``, default
``eosc``) from its FitSM fields and ``x-eosc-`` extensions (:func:`fitsm_kit.interop.eosc_mapping.to_eosc`)
and proves each against the profile's JSON Schema; a service that cannot make a valid record is reported
with what to fill in, and left out. :func:`render` writes them as YAML documents or a JSON list;
:func:`write` puts them in one file or one file per record in a directory, creating new files and
replacing only files that hold EOSC records, and those only with ``--force``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitsm_kit.atomic import check_inside, create, write_atomic
from fitsm_kit.engine.load import read_sms
from fitsm_kit.errors import FitsmError, did_you_mean, io_error
from fitsm_kit.escape import inert_json
from fitsm_kit.interop.eosc_mapping import OWNED, PREFIX, fitsm_place, to_eosc
from fitsm_kit.interop.eosc_profile import Record, check, plain, read_records, service_fields, unknown_fields
from fitsm_kit.interop.yamlblock import dump
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.files import is_yaml_name
from fitsm_kit.sms.index import Doc

FORMATS = ("yaml", "json")


@dataclass
class Export:
    """The records of one export, and what was left out and why."""

    catalogue: str
    records: list[tuple[Doc, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # live services that make no valid record
    notes: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)  # field outside the profile -> records that have it


def _value(doc: Doc, key: tuple[str, ...]) -> Any:
    node: Any = doc.model
    for part in key:
        node = getattr(node, part, None)
    if isinstance(node, list):
        return list(node) or None
    return getattr(node, "value", node)  # an enum's value


def record_of(doc: Doc) -> tuple[dict[str, Any], list[str]]:
    """The EOSC record for one Service document, and what stops it being a valid one."""
    spec = doc.raw.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    extensions = {str(k): plain(v) for k, v in spec.items() if str(k).startswith(PREFIX)}
    values = {key: _value(doc, key) for key in OWNED}
    record, problems = to_eosc(values, extensions)
    checked = Record(doc.path, doc.line, record)
    for problem in check(checked):
        message = _in_fitsm_terms(problem.message, has_id="id" in record["service"])
        if message:
            problems.append(message)
    return record, problems


def _in_fitsm_terms(message: str, *, has_id: bool) -> str | None:
    """A schema message about ``service.<field>`` with the Service field to fix; None for a missing id,
    which :func:`~fitsm_kit.interop.eosc_mapping.to_eosc` has already said in FitSM terms."""
    path, _, rest = message.partition(": ")
    parts = path.split(".")
    if parts == ["service"] and rest.endswith("required by the EOSC service profile v3"):
        fields = [f for f in rest.split("'")[1::2] if f != "id"]
        if not fields:
            return None
        verb = "is" if len(fields) == 1 else "are"
        return (f"{path}: {', '.join(map(repr, fields))} {verb} required by the EOSC service profile v3 (fill in "
                f"{', '.join(fitsm_place(f) for f in fields)})")
    if parts == ["id"] and not has_id:
        return None
    if parts[:1] == ["service"] and len(parts) >= 2:
        return f"{path} ({fitsm_place(parts[1])}): {rest}"
    return message


def collect(root: Path, config: Config, today: dt.date, catalogue: str) -> Export:
    """The records of the live services ``catalogue`` lists."""
    sms = read_sms(root, config, today)
    doc = sms.get(catalogue, "ServiceCatalogue")
    if doc is None:
        names = [d.id for d in sms.of_kind("ServiceCatalogue")]
        raise FitsmError(f"no ServiceCatalogue {catalogue!r} in the SMS at {root}{did_you_mean(catalogue, names)}"
                         + (f" (catalogues: {', '.join(sorted(names))}; name one with --catalogue)" if names else
                            " (fitsm import eosc makes one; or name another with --catalogue)"))
    result = Export(catalogue)
    seen: dict[str, str] = {}
    for service_id in dict.fromkeys(doc.spec.services or []):
        service = sms.get(service_id, "Service")
        if service is None:
            result.problems.append(f"{doc.path}:{doc.line}: {service_id}: no Service of that id (fitsm check reports "
                                   "it too); left out")
            continue
        status = service.spec.lifecycle_status
        if getattr(status, "value", status) != "live":
            result.notes.append(f"{service.path}: {service.id} is not live ({getattr(status, 'value', status)}); "
                                "left out")
            continue
        if service.cuts:
            result.problems.append(f"{service.path}:{service.line}: {service.id} does not validate (see fitsm check); "
                                   "left out")
            continue
        record, problems = record_of(service)
        if problems:
            result.problems += [f"{service.path}:{service.line}: {service.id}: {p}" for p in problems]
            continue
        eosc_id = str(record["service"]["id"])
        if eosc_id in seen:
            result.problems.append(f"{service.path}:{service.line}: {service.id}: EOSC id {eosc_id!r} is also the "
                                   f"id of {seen[eosc_id]}; left out")
            continue
        seen[eosc_id] = service.id
        result.records.append((service, record))
        result.unknown.update({".".join(str(p) for p in path[:2]) for path in unknown_fields(record)})
    if result.unknown:
        fields = [f"{name} ({n}){_close(name)}" for name, n in sorted(result.unknown.items())]
        result.notes.append("not fields of the EOSC service profile v3, written back as the services' x-eosc- fields "
                            f"hold them: {', '.join(fields)}")
    return result


def _close(name: str) -> str:
    """A hint for a field outside the profile whose name is close to one of its own (a typo in x-eosc-…)."""
    part, _, rest = name.partition(".")
    return did_you_mean(rest, service_fields()) if part == "service" and "." not in rest else ""


def render(records: list[dict[str, Any]], fmt: str) -> str:
    """Records as YAML documents (each starting with ``---``, as EOSC nodes keep them) or a JSON list.

    Both are safe to print: text a terminal would act on is written as escapes that read back the same.
    """
    if fmt == "json":
        return inert_json(json.dumps(records, indent=2, ensure_ascii=False)) + "\n"
    return "".join("---\n" + dump(record) for record in records)


def render_one(record: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return inert_json(json.dumps(record, indent=2, ensure_ascii=False)) + "\n"
    return "---\n" + dump(record)


@dataclass
class Written:
    path: Path
    action: str  # "created" | "replaced" | "unchanged"


def _holds_records(path: Path) -> bool:
    """Whether ``path`` is a file of EOSC records only (what an export writes), which ``--force`` may replace."""
    try:
        records, others = read_records(path)
    except FitsmError:
        return False
    return bool(records) and not others


def write(files: dict[Path, str], root: Path, *, force: bool) -> list[Written]:
    """Write ``files`` (path -> text): every target is checked before anything is written."""
    real_root = root.resolve()
    for path in files:
        check_inside(path, None)
        real = path.resolve()
        if ".git" in real.parts:
            raise FitsmError(f"{path} is inside a .git directory; choose another place for the records")
        if real.is_relative_to(real_root) and is_yaml_name(path.name):
            raise FitsmError(f"{path} would be read as an SMS document (a .yaml file inside the SMS at {root}); write "
                             "the records outside the SMS, or as JSON (--format json)")
        if path.is_dir():
            raise FitsmError(f"{path} is a directory; name a file, or give the directory itself to --output")
        if path.exists():
            if not _holds_records(path):
                raise FitsmError(f"{path} exists and does not hold EOSC records; it was left unchanged (choose "
                                 "another place)")
            if not force and path.read_bytes() != files[path].encode("utf-8"):
                raise FitsmError(f"{path} exists; it was left unchanged (--force replaces files of EOSC records)")
    done: list[Written] = []
    for path, text in files.items():
        try:
            same = path.exists() and path.read_bytes() == text.encode("utf-8")
        except OSError as e:
            raise io_error("read", path, e) from None
        if same:
            done.append(Written(path, "unchanged"))
        elif path.exists():
            write_atomic(path, text)
            done.append(Written(path, "replaced"))
        else:
            if not create(path, text):
                raise FitsmError(f"{path} appeared while the records were written; it was left unchanged")
            done.append(Written(path, "created"))
    return done


def targets(result: Export, output: Path, fmt: str) -> dict[Path, str]:
    """The file(s) an export to ``output`` writes: one file, or one per record in a directory."""
    records = [record for _, record in result.records]
    if output.is_dir() or (not output.suffix and not output.exists()):
        suffix = ".json" if fmt == "json" else ".yaml"
        return {output / f"{doc.id}{suffix}": render_one(record, fmt) for doc, record in result.records}
    return {output: render(records, fmt)}
