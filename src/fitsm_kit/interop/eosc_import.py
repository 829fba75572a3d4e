"""``fitsm import eosc``: EOSC service records become Service, Supplier and ServiceCatalogue drafts.

:func:`plan` reads the records and the SMS and works out every file to create or edit, and what to
report, without writing; :func:`apply` writes them. A record is linked to its Service by the EOSC id
(``spec.x-eosc-id``), so a second import finds the document wherever the user moved it and whatever its
id. On a new document the import writes a full draft (``fitsm new``'s place, id rules, schema copy and
writer: never over a file); on an existing one it edits only the fields it owns (:data:`OWNED`, the
``x-eosc-`` fields, the catalogue's list of services) with ruamel.yaml's round trip, so the user's other
fields and comments stay; a document whose owned fields already say the same is not written at all.

What the records imply besides services: one ``Supplier`` per EOSC node (the first part of the ids,
``egi-node`` in ``egi-node:external:cloud-compute``), named in each new service's suppliers, and one
``ServiceCatalogue`` (``--catalogue``, default ``eosc``) listing the imported services. What only the
provider can say (owners, the supplier's organisation and relationship manager, the catalogue's
audience) is left as ``TODO`` placeholders, which ``fitsm check`` reports.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from fitsm_kit.atomic import write_atomic
from fitsm_kit.engine.load import read_sms
from fitsm_kit.errors import FitsmError, io_error
from fitsm_kit.interop.eosc_mapping import (
    BUNDLE,
    BY_FIELD,
    CARRIED,
    OWNED,
    PREFIX,
    SERVICE_ID,
    Mapped,
    to_fitsm,
    uncarried,
)
from fitsm_kit.interop.eosc_profile import (
    Record,
    RecordProblem,
    check,
    input_files,
    plain,
    read_records,
    unknown_fields,
)
from fitsm_kit.interop.yamlblock import drop, dump, edited, replace, round_trip, styled
from fitsm_kit.model.base import API_VERSION
from fitsm_kit.scaffold.new import ID_PATTERN, ensure_schema, schema_ref, target
from fitsm_kit.scaffold.templating import validate, write_new
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.index import Doc, Sms
from fitsm_kit.sms.loader import iter_documents

NODE = "x-eosc-node"  # marks the Supplier made for an EOSC node
SERVICE_OWNER = "TODO: a Person id: the service owner (FitSM-3), accountable for this service (PR1.1)"
DOC_OWNER = "TODO: a Person id: who maintains this document"
HEADER = ("Made by 'fitsm import eosc' from an EOSC service record. A new import rewrites the fields it owns:",
          "metadata.title; spec.description, tagline, categories, scientific_domains, target_users, access_modes,",
          "order_type, trl, tags, links (webpage, user_manual, terms_of_use, privacy_policy, helpdesk) and every",
          "x-eosc- field (what has no FitSM meaning, kept for 'fitsm export eosc'). The rest, and comments, are yours.")
Notes = dict[tuple[str | int, ...], str]  # end-of-line comments by the path of the field
BOUNDARY = re.compile(r"(?m)(^---(?:[ \t].*)?$)")  # a document marker in column 1, as the loader splits files


@dataclass
class Write:
    """A file the import creates or edits (or leaves, when nothing it owns changed)."""

    path: Path
    kind: str
    doc_id: str
    action: str  # "create" | "update" | "unchanged"
    text: str = ""
    changes: list[str] = field(default_factory=list)  # what changed: "spec.tagline changed"


@dataclass
class Plan:
    """Everything an import would do, and what to tell the user."""

    root: Path
    files: int = 0
    records: int = 0  # records (and documents that are not records) read
    skipped: int = 0  # ... left out, for the reasons in problems
    writes: list[Write] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    mapped: Counter[str] = field(default_factory=Counter)  # EOSC field -> records that have it
    kept: Counter[str] = field(default_factory=Counter)  # x-eosc- field -> records that keep it
    unknown: Counter[tuple[str, str]] = field(default_factory=Counter)  # (field not in the profile, kept in) -> n
    todo: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    schemas: set[str] = field(default_factory=set)  # kinds of the new documents (their schema copies)
    originals: dict[Path, str] = field(default_factory=dict)  # files edited: their text as read
    texts: dict[Path, str] = field(default_factory=dict)  # ... and after every edit planned so far


def slug(text: str) -> str:
    """``text`` as a document id: lower case, accents dropped, anything else a hyphen; "" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    ident = re.sub(r"[^a-z0-9._-]+", "-", ascii_text)
    ident = re.sub(r"-{2,}", "-", ident).lstrip("._-")[:100].rstrip("-")
    return ident if ID_PATTERN.match(ident) else ""


def node_of(eosc_id: str) -> str | None:
    """The EOSC node an id names (``egi-node`` in ``egi-node:external:check-in``); None without one."""
    node = eosc_id.split(":", 1)[0] if ":" in eosc_id else ""
    return node or None


def id_candidates(eosc_id: str, name: str) -> list[str]:
    """Ids for a new Service, best first: the id's last part (if it has a letter), the name, the whole id."""
    last = eosc_id.rsplit(":", 1)[-1]
    found = [slug(last) if re.search(r"[A-Za-z]", last) else "", slug(name), slug(eosc_id)]
    return list(dict.fromkeys(c for c in found if c))


class _Ids:
    """Ids taken in the SMS (valid or not), plus those this import gives out."""

    def __init__(self, sms: Sms) -> None:
        self.sms = sms
        self.given: set[str] = set()

    def free(self, doc_id: str) -> bool:
        return doc_id not in self.sms.by_id and doc_id not in self.sms.invalid_ids and doc_id not in self.given

    def take(self, doc_id: str) -> str:
        self.given.add(doc_id)
        return doc_id


def _raw_spec(doc: Doc) -> dict[str, Any]:
    spec = doc.raw.get("spec")
    return spec if isinstance(spec, dict) else {}


def plan(root: Path, config: Config, today: dt.date, paths: Sequence[Path], catalogue: str) -> Plan:
    """What importing the records in ``paths`` into the SMS at ``root`` does; nothing is written."""
    result = Plan(root)
    records: list[Record] = []
    for path in input_files(paths):
        found, problems = read_records(path)  # a file that does not parse stops here: exit 2
        result.files += 1
        records += found
        result.problems += problems
    result.records = len(records) + len(result.problems)
    result.skipped = len(result.problems)
    sms = read_sms(root, config, today)
    _check_catalogue_id(sms, catalogue)
    ids = _Ids(sms)
    if sms.get(catalogue) is None:
        ids.take(catalogue)  # a new service must not take the new catalogue's id
    by_eosc, clashes = _imported(sms)
    seen: dict[str, Record] = {}
    new_services: list[tuple[Write, Mapped, str | None, Record]] = []
    for record in records:
        problems = check(record) or _uncarried(record)
        if problems:
            result.problems += problems
            result.skipped += 1
            continue
        eosc_id = record.service_id
        if eosc_id in seen:
            result.problems.append(RecordProblem(record.where(("service", "id")), f"EOSC id {eosc_id!r} was "
                                                 f"already imported from {seen[eosc_id].where()}; imported once"))
            result.skipped += 1
            continue
        seen[eosc_id] = record
        if eosc_id in clashes:
            result.problems.append(RecordProblem(record.where(("service", "id")), f"EOSC id {eosc_id!r} is in "
                                                 f"several services of the SMS ({clashes[eosc_id]}); keep it in one"))
            result.skipped += 1
            continue
        mapped = to_fitsm(record.data)
        existing = by_eosc.get(eosc_id)
        if existing is not None:
            _count(result, record, mapped)
            result.writes.append(_update_service(result, existing, mapped))
            continue
        doc_id = next((c for c in id_candidates(eosc_id, str(record.data["service"]["name"])) if ids.free(c)
                       and not _file_taken(root, config, sms, c)), None)
        if doc_id is None:
            result.problems.append(RecordProblem(record.where(("service", "id")), _no_id(eosc_id, record)))
            result.skipped += 1
            continue
        _count(result, record, mapped)
        write = Write(target(root, "Service", ids.take(doc_id), sms, config), "Service", doc_id, "create")
        new_services.append((write, mapped, node_of(eosc_id), record))
    suppliers = _suppliers(result, root, config, sms, ids, {n for _, _, n, _ in new_services if n is not None})
    for write, mapped, node, _record in new_services:
        write.text = _service_text(root, write.path, write.doc_id, mapped, suppliers.get(node) if node else None,
                                   sms.planned("Service") is None)
        result.writes.append(write)
        result.schemas.add("Service")
    if new_services:
        result.todo.append(f"metadata.owner of the {len(new_services)} new services: the service owner (a Person id)")
        if any(node in suppliers for _, _, node, _ in new_services):
            result.todo.append("spec.suppliers[].role of the new services: what the EOSC node supplies")
        result.notes.append("new services are 'live' (their records are published in an EOSC catalogue): change "
                            "lifecycle_status where a service is not offered yet")
    _catalogue(result, root, config, sms, catalogue, [w.doc_id for w, _, _, _ in new_services])
    named = {str(r.data["service"]["id"]) for r in records
             if isinstance(r.data, dict) and isinstance(r.data.get("service"), dict) and "id" in r.data["service"]}
    if gone := sorted(doc.id for eosc_id, doc in by_eosc.items() if eosc_id not in named):
        result.notes.append(f"{len(gone)} service(s) of the SMS carry an EOSC id that no record here has "
                            f"({', '.join(gone[:5])}{', …' if len(gone) > 5 else ''}): if their records were "
                            "withdrawn from the catalogue, retire them (spec.lifecycle_status); the import left "
                            "them as they are")
    return result


def _uncarried(record: Record) -> list[RecordProblem]:
    return [RecordProblem(record.where(("service", name)), f"service.{name}: a field outside the EOSC service profile "
                          f"v3 named bundle-… cannot be kept (its x-eosc- name, {PREFIX}{name}, is the bundle's)")
            for name in uncarried(record.data)]


def _check_catalogue_id(sms: Sms, catalogue: str) -> None:
    if not ID_PATTERN.match(catalogue) or len(catalogue) > 100:
        raise FitsmError(f"--catalogue {catalogue!r} is not a valid id: use lower-case letters, digits, '.', '_' and "
                         "'-', starting with a letter or digit")
    taken = sms.by_id.get(catalogue)
    if taken is not None and taken.kind != "ServiceCatalogue":
        raise FitsmError(f"--catalogue {catalogue!r} is the {taken.kind} at {taken.path}:{taken.line}, not a "
                         "ServiceCatalogue; name another catalogue id")
    if taken is None and catalogue in sms.invalid_ids:
        raise FitsmError(f"--catalogue {catalogue!r} is a document that does not validate; fix it first (fitsm check)")


def _imported(sms: Sms) -> tuple[dict[str, Doc], dict[str, str]]:
    """Services by the EOSC id they carry, and the EOSC ids that several services carry (with where)."""
    found: dict[str, list[Doc]] = {}
    for doc in sms.of_kind("Service"):
        eosc_id = _raw_spec(doc).get(SERVICE_ID)
        if isinstance(eosc_id, str):
            found.setdefault(eosc_id, []).append(doc)
    clashes = {k: ", ".join(f"{d.path}:{d.line}" for d in docs) for k, docs in found.items() if len(docs) > 1}
    return {k: docs[0] for k, docs in found.items() if len(docs) == 1}, clashes


def _file_taken(root: Path, config: Config, sms: Sms, doc_id: str) -> bool:
    path = target(root, "Service", doc_id, sms, config)
    return path.exists() or path.is_symlink()


def _no_id(eosc_id: str, record: Record) -> str:
    tried = id_candidates(eosc_id, str(record.data["service"]["name"]))
    if not tried:
        return (f"cannot make a FitSM id from EOSC id {eosc_id!r} or the name (ids need a letter or digit a-z, 0-9); "
                "not imported")
    return f"the ids {', '.join(tried)} are taken in the SMS (or by a file of that name); not imported"


def _count(result: Plan, record: Record, mapped: Mapped) -> None:
    service = record.data["service"]
    result.mapped.update(f for f in BY_FIELD if service.get(f) is not None)
    result.kept.update(list(mapped.extensions))
    result.unknown.update(set(map(unknown_field, unknown_fields(record.data))))


def unknown_field(path: tuple[str | int, ...]) -> tuple[str, str]:
    """A field outside the profile as the report names it (``service.categories[].note``), and the extension
    field that keeps it (``spec.x-eosc-categories``)."""
    name = "".join("[]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    kept = f"{PREFIX}{path[1]}" if path[0] == "service" else f"{BUNDLE}{path[0]}"
    return name, f"spec.{kept}"


def _service_text(root: Path, path: Path, doc_id: str, mapped: Mapped, supplier: str | None, review: bool) -> str:
    values = mapped.values
    links = {key[-1]: value for key, value in values.items() if key[:2] == ("spec", "links")}
    spec: dict[str, Any] = {"description": values.get(("spec", "description")), "lifecycle_status": "live",
                            "customer_facing": True}
    if ("spec", "tagline") in values:
        spec["tagline"] = values[("spec", "tagline")]
    spec["customers"] = []
    if supplier is not None:
        spec["suppliers"] = [{"supplier": supplier,
                              "role": "TODO: what this EOSC node supplies for the service (it publishes its record)"}]
    for key in OWNED:
        if key[:2] == ("spec", "links") or key in (("spec", "description"), ("spec", "tagline")):
            continue
        if key in values and key[0] == "spec":
            spec[key[1]] = values[key]
    if links:
        spec["links"] = links
    spec.update(mapped.extensions)
    document = _envelope(root, path, "Service", doc_id, str(values[("metadata", "title")]), SERVICE_OWNER, review,
                         spec)
    notes: Notes = {("spec", "lifecycle_status"): "published in an EOSC catalogue; change it if not offered yet",
             ("spec", SERVICE_ID): "fitsm import eosc finds this service by it; fitsm export eosc writes it back"}
    return _checked("Service", dump(document, header=_header(root, path, "Service") + HEADER, notes=_meta_notes(notes)))


def _envelope(root: Path, path: Path, kind: str, doc_id: str, title: str, owner: str, review: bool,
              spec: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"id": doc_id, "title": title, "owner": owner, "status": "draft", "version": "0.1"}
    if review:
        metadata["review"] = {"interval": "P12M"}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def _header(root: Path, path: Path, kind: str) -> tuple[str, ...]:
    return (f"yaml-language-server: $schema={schema_ref(root, path, kind)}",)


def _meta_notes(notes: Notes) -> Notes:
    return {("metadata", "owner"): "fill in: a Person id", ("metadata", "status"): "draft -> in-review -> approved",
            **notes}


def _checked(kind: str, text: str) -> str:
    validate(kind, text)  # a document that does not validate is a bug here, not the user's
    return text


def _suppliers(result: Plan, root: Path, config: Config, sms: Sms, ids: _Ids, nodes: set[str]) -> dict[str, str]:
    """The Supplier id for each EOSC node: the one made for it before, one with its name, or a new one."""
    marked = {str(_raw_spec(d).get(NODE)): d for d in sms.of_kind("Supplier") if NODE in _raw_spec(d)}
    out: dict[str, str] = {}
    for node in sorted(nodes):
        doc = marked.get(node)
        if doc is None:
            doc = sms.get(slug(node), "Supplier") if slug(node) else None
        if doc is not None:
            out[node] = doc.id
            result.notes.append(f"the new services of EOSC node {node!r} name the Supplier {doc.id} ({doc.path}) "
                                "as their supplier")
            continue
        doc_id = next((c for c in (slug(node), f"eosc-{slug(node)}") if slug(node) and ids.free(c)), None)
        if doc_id is None:
            result.notes.append(f"no Supplier for EOSC node {node!r}: no valid, free id can be made from its name")
            continue
        path = target(root, "Supplier", ids.take(doc_id), sms, config)
        if path.exists() or path.is_symlink():
            result.notes.append(f"no Supplier for EOSC node {node!r}: {path} exists")
            continue
        spec = {"organisation": "TODO: the organisation that runs this EOSC node", "type": "internal",
                "federation_member": True,
                "relationship_manager": "TODO: a Person id: who manages the relationship with this supplier (PR8.2)",
                "contacts": [{"name": "TODO: contact name", "email": "TODO: e-mail"}],
                "channels": {"escalation": "TODO: how to escalate to the supplier"}, "evaluation_interval": "P12M",
                NODE: node}
        document = _envelope(root, path, "Supplier", doc_id, f"EOSC node {node}", DOC_OWNER,
                             sms.planned("Supplier") is None, spec)
        notes: Notes = {("spec", "type"): "FitSM counts federation members as internal",
                 ("spec", "federation_member"): "an EOSC node, a member of the EOSC Federation; check it",
                 ("spec", NODE): "the EOSC node (the first part of its services' EOSC ids)"}
        text = _checked("Supplier", dump(document, header=_header(root, path, "Supplier"), notes=_meta_notes(notes)))
        result.writes.append(Write(path, "Supplier", doc_id, "create", text))
        result.schemas.add("Supplier")
        out[node] = doc_id
        result.todo.append(f"Supplier {doc_id}: its organisation, relationship manager, contacts and escalation "
                           "channel, and the owner")
        result.notes.append(f"Supplier {doc_id} is a federation member (an EOSC node; internal, as FitSM counts "
                            "them); if these are your own services, remove it and the services' supplier entries")
    return out


def _catalogue(result: Plan, root: Path, config: Config, sms: Sms, catalogue: str, services: list[str]) -> None:
    """Add the new services to the catalogue, or make it (which services it lists after that is the user's)."""
    if not services:
        return
    doc = sms.get(catalogue, "ServiceCatalogue")
    if doc is None:
        path = target(root, "ServiceCatalogue", catalogue, sms, config)
        if path.exists() or path.is_symlink():  # found before anything is written
            raise FitsmError(f"{path} exists and is not the ServiceCatalogue {catalogue!r}; it was left unchanged "
                             "(name another catalogue with --catalogue, or move the file away)")
        spec = {"audience": "TODO: who this catalogue is for, e.g. the users of the EOSC EU Node",
                "services": list(dict.fromkeys(services))}
        document = _envelope(root, path, "ServiceCatalogue", catalogue, "EOSC service catalogue", DOC_OWNER,
                             sms.planned("ServiceCatalogue") is None, spec)
        text = _checked("ServiceCatalogue", dump(document, header=_header(root, path, "ServiceCatalogue"),
                                                  notes=_meta_notes({})))
        result.writes.append(Write(path, "ServiceCatalogue", catalogue, "create", text))
        result.schemas.add("ServiceCatalogue")
        result.todo.append(f"ServiceCatalogue {catalogue}: its audience, and the owner")
        return

    def add(node: CommentedMap) -> list[str]:
        spec = node["spec"]
        listed = spec.get("services")
        if not isinstance(listed, list):
            listed = spec["services"] = CommentedSeq()
        missing = [s for s in dict.fromkeys(services) if s not in listed]
        listed.extend(missing)
        return [f"spec.services: added {s}" for s in missing]

    result.writes.append(_edit(result, doc, add, [("spec", "services")]))


def _update_service(result: Plan, doc: Doc, mapped: Mapped) -> Write:
    def owned(node: CommentedMap) -> list[str]:
        changes: list[str] = []
        for field_key in OWNED:
            changes += _set(node, field_key, mapped.values.get(field_key))
        spec = node["spec"]
        for key in [k for k in spec if str(k).startswith(PREFIX)]:
            if key not in mapped.extensions:
                drop(spec, key)
                changes.append(f"spec.{key} removed")
        for key, value in mapped.extensions.items():
            if key not in spec:
                spec.insert(len(spec), key, styled(value))
                changes.append(f"spec.{key} added")
            elif plain(spec[key]) != value:
                replace(spec, key, styled(value))
                changes.append(f"spec.{key} changed")
        return changes

    if _same(doc.raw, mapped):  # the loaded document already says it: no round trip (ruamel is ~40x slower)
        return Write(result.root / doc.path, doc.kind, doc.id, "unchanged")
    return _edit(result, doc, owned, [*OWNED, *(("spec", k) for k in mapped.extensions)])


_GONE = object()


def _same(data: Any, mapped: Mapped) -> bool:
    """Whether the document (as the checker loaded it) holds exactly the owned fields ``mapped`` gives."""
    for key in OWNED:
        parent = data
        for part in key[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        old = parent.get(key[-1], _GONE) if isinstance(parent, dict) else _GONE
        new = mapped.values.get(key, _GONE)
        if (old is _GONE) != (new is _GONE) or (old is not _GONE and plain(old) != new):
            return False
    spec = data.get("spec") if isinstance(data, dict) else None
    if not isinstance(spec, dict):
        return False
    carried = {str(k): plain(v) for k, v in spec.items() if str(k).startswith(PREFIX)}
    return carried == mapped.extensions


def _set(node: CommentedMap, key: tuple[str, ...], value: Any) -> list[str]:
    """Set (or, for None, remove) the field at ``key``; what changed, as a list of one line or none."""
    parent: Any = node
    for part in key[:-1]:
        child = parent.get(part)
        if not isinstance(child, dict):
            if value is None:
                return []
            child = CommentedMap()
            _insert(parent, part, child)
        parent = child
    name = ".".join(key)
    old = parent.get(key[-1], _GONE)
    if value is None:
        if old is _GONE:
            return []
        drop(parent, key[-1])
        if len(key) > 2 and not parent:  # links emptied by the import: drop it
            drop(node[key[0]], key[1])
        return [f"{name} removed"]
    if old is _GONE:
        _insert(parent, key[-1], styled(value))
        return [f"{name} added"]
    if plain(old) == value:
        return []
    replace(parent, key[-1], styled(value))
    return [f"{name} changed"]


def _insert(mapping: CommentedMap, key: str, value: Any) -> None:
    """Put a new field before the x-eosc- fields (they stay last), else at the end."""
    keys = list(mapping)
    at = next((i for i, k in enumerate(keys) if str(k).startswith(PREFIX)), len(keys))
    mapping.insert(at, key, value)


def _edit(result: Plan, doc: Doc, change: Callable[[CommentedMap], list[str]],
          check: Sequence[tuple[str, ...]]) -> Write:
    """The edit ``change`` makes to ``doc`` in its file: only its document is re-written, only if it changes.

    Edits of several documents of one file build on each other (``result.texts``); ``check`` are the
    fields the edit writes, read back with the checker's loader to prove the file says what was meant.
    """
    path = result.root / doc.path
    if path not in result.texts:
        try:
            result.originals[path] = result.texts[path] = path.read_bytes().decode("utf-8")
        except OSError as e:
            raise io_error("read", path, e) from None
        except UnicodeDecodeError:
            raise FitsmError(f"{path}: not UTF-8 text; fitsm import eosc cannot edit it") from None
    write = Write(path, doc.kind, doc.id, "unchanged")
    parts = BOUNDARY.split(result.texts[path])
    for i, chunk in enumerate(parts):
        if BOUNDARY.fullmatch(chunk):
            continue
        node = _load(chunk)
        metadata = node.get("metadata") if isinstance(node, CommentedMap) else None
        if not isinstance(metadata, dict) or metadata.get("id") != doc.id or node.get("kind") != doc.kind:
            continue
        if not isinstance(node.get("spec"), CommentedMap):
            raise FitsmError(f"{doc.path}:{doc.line}: spec is not a mapping fitsm can edit; update it by hand")
        write.changes = change(node)
        if write.changes:
            lead = chunk[: len(chunk) - len(chunk.lstrip("\n"))]
            parts[i] = lead + edited(node)
            result.texts[path] = "".join(parts)
            write.action = "update"
            _reads_back(result.texts[path], doc, node, check)
        return write
    raise FitsmError(f"{doc.path}:{doc.line}: the {doc.kind} {doc.id} could not be read for editing; update it by hand")


def _load(chunk: str) -> Any:
    try:
        return round_trip().load(chunk)
    except Exception:  # noqa: BLE001 - ruamel raises many error types; any means "not this document"
        return None


def _at(data: Any, key: Sequence[str]) -> Any:
    for part in key:
        data = data.get(part) if isinstance(data, dict) else None
    return plain(data)


def _reads_back(text: str, doc: Doc, node: CommentedMap, check: Sequence[tuple[str, ...]]) -> None:
    """The edited file still holds the document, its ``check`` fields reading as meant (else a bug, exit 3)."""
    for item in iter_documents(text):
        data = item[1] if isinstance(item, tuple) else None
        metadata = data.get("metadata") if isinstance(data, dict) else None
        if isinstance(data, dict) and isinstance(metadata, dict) and metadata.get("id") == doc.id \
                and data.get("kind") == doc.kind:
            wrong = [".".join(k) for k in check if _at(data, k) != _at(node, k)]
            if wrong:
                raise RuntimeError(f"the edit of {doc.path} does not read back as written: {', '.join(wrong)}")
            return
    raise RuntimeError(f"the edit of {doc.path} lost the document {doc.id}")


def apply(result: Plan) -> list[Path]:
    """Write what :func:`plan` worked out: new files never over a file, edits atomically; the schema copies."""
    written: list[Path] = []
    for write in result.writes:
        if write.action == "create":
            write_new(write.path, write.text, within=result.root)
            written.append(write.path)
    for path, text in result.texts.items():
        if text != result.originals[path]:
            write_atomic(path, text, within=result.root, edited=result.originals[path])
            written.append(path)
    for kind in sorted(result.schemas):
        schema = ensure_schema(result.root, kind)
        if schema is not None:
            written.append(schema)
    return written


def mapping_rows() -> list[tuple[str, str]]:
    """(EOSC field, where it goes), for the report and the README table."""
    return [(f, BY_FIELD[f].path) for f in BY_FIELD] + [(f, f"spec.{PREFIX}{f}") for f in CARRIED]
