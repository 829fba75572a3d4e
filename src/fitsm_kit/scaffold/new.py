"""``fitsm new KIND [ID]``: a new document of any kind, from its template, in the right place.

The flow is :func:`start` (load the SMS, resolve the kind), :func:`answer` (flags, prompts through a
callback, or defaults with ``--no-input``) and :func:`create` (render, validate, write). Files go where
the SMS keeps that kind: ``layout`` in ``fitsm.yaml``, else where its existing documents are, else a
default directory per kind. Templates and writing are in :mod:`fitsm_kit.scaffold.templating`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from fitsm_kit.engine.load import read_sms
from fitsm_kit.errors import FitsmError, did_you_mean
from fitsm_kit.model import schemas
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.scaffold.questions import Question, id_question, reference_questions, text_questions
from fitsm_kit.scaffold.templating import kebab, process_info, render, write_new
from fitsm_kit.sms.config import Config, find_root, load_config
from fitsm_kit.sms.index import Sms

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*\Z")
SCHEMA_DIR = "schemas"  # where an SMS keeps its copy of the JSON Schemas ('fitsm schema --write schemas')

KIND_DIRS: dict[str, str] = {
    "Person": "people", "RoleAssignment": "general", "Policy": "general", "Scope": "general", "Plan": "general",
    "StakeholderAnalysis": "general",
    "Process": "processes", "KPI": "kpis", "ManagementReview": "records", "Audit": "records",
    "Nonconformity": "records", "Improvement": "records", "Service": "services", "ServiceProposal": "services",
    "ServiceCatalogue": "services", "SLA": "agreements", "OLA": "agreements", "UA": "agreements",
    "AgreementEvaluation": "records", "ReportSpecification": "reporting", "ReportDelivery": "reporting",
    "AvailabilityContinuityPlan": "operations", "CapacityPlan": "operations", "SecurityPolicy": "security",
    "Risk": "security", "SecurityControl": "security", "Asset": "security", "Customer": "customers",
    "ServiceReview": "records", "Complaint": "records", "SatisfactionSurvey": "records", "Supplier": "suppliers",
    "SupplierEvaluation": "records", "OutageLog": "records", "Waiver": "waivers",
}

# Short names; a name that could mean several kinds is refused with the choices.
ALIASES: dict[str, tuple[str, ...]] = {
    "service": ("Service",), "customer": ("Customer",), "supplier": ("Supplier",), "people": ("Person",),
    "report": ("ReportSpecification",), "report-spec": ("ReportSpecification",), "delivery": ("ReportDelivery",),
    "control": ("SecurityControl",), "plan": ("Plan",), "roles": ("RoleAssignment",), "role": ("RoleAssignment",),
    "proposal": ("ServiceProposal",), "catalogue": ("ServiceCatalogue",), "catalog": ("ServiceCatalogue",),
    "evaluation": ("AgreementEvaluation", "SupplierEvaluation"), "availability": ("AvailabilityContinuityPlan",),
    "continuity": ("AvailabilityContinuityPlan",), "capacity": ("CapacityPlan",), "nc": ("Nonconformity",),
    "review": ("ManagementReview", "ServiceReview"), "survey": ("SatisfactionSurvey",),
    "policy": ("Policy",), "security": ("SecurityPolicy",),
}


def kind_names() -> set[str]:
    """Every name ``fitsm new`` takes for a kind: the kind itself, its kebab-case form and the aliases."""
    return {*KINDS, *(kebab(k) for k in KINDS), *ALIASES}


def resolve_kind(name: str) -> str:
    """The kind ``name`` means: a kind (any case), its kebab-case form or an alias."""
    key = name.strip().lower()
    names = {k.lower(): (k,) for k in KINDS} | {kebab(k): (k,) for k in KINDS} | ALIASES
    kinds = names.get(key) or names.get(key.replace("_", "-"))
    if kinds is None:
        raise FitsmError(f"unknown kind {name!r}{did_you_mean(name, kind_names())} (use one of: "
                         f"{', '.join(sorted(KINDS))}, or an alias: {', '.join(sorted(ALIASES))})")
    if len(kinds) > 1:
        options = " or ".join(f"{kebab(k)} ({k})" for k in kinds)
        raise FitsmError(f"{name!r} could mean several kinds; use {options}")
    return kinds[0]


def check_id(doc_id: str, sms: Sms) -> None:
    """Refuse an id that is malformed or already used by a document (valid or not) in the SMS."""
    if not ID_PATTERN.match(doc_id) or len(doc_id) > 100:
        raise FitsmError(f"{doc_id!r} is not a valid id: use lower-case letters, digits, '.', '_' and '-', "
                         "starting with a letter or digit (e.g. sla-bio-institute)")
    taken = sms.by_id.get(doc_id)
    if taken is not None:
        raise FitsmError(f"id {doc_id!r} is already used by the {taken.kind} at {taken.path}:{taken.line}; "
                         "choose another id")
    if doc_id in sms.invalid_ids:
        raise FitsmError(f"id {doc_id!r} is already used by a document that does not validate; choose another id")


def suggest_id(kind: str, sms: Sms, title: str = "") -> str:
    """A free id: the title as a slug when there is one, else ``<kind>-<n>``."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50].rstrip("-")
    if base and not base.startswith("todo"):
        candidates = [base, *(f"{base}-{n}" for n in range(2, 1000))]
    else:
        candidates = [f"{kebab(kind)}-{n}" for n in range(1, 10_000)]
    return next(c for c in candidates if c not in sms.by_id and c not in sms.invalid_ids)


def directory(kind: str, sms: Sms, config: Config) -> str:
    """Where the SMS keeps ``kind``: the layout setting, else the usual directory of its documents."""
    unknown = sorted(set(config.layout) - set(KINDS))
    if unknown:
        raise FitsmError(f"fitsm.yaml: layout names unknown kind {unknown[0]!r}{did_you_mean(unknown[0], KINDS)} "
                         f"(use kind names such as {', '.join(sorted(KINDS)[:4])})")
    if kind in config.layout:
        return config.layout[kind].strip("/") or "."
    dirs = Counter(PurePosixPath(d.path).parent.as_posix() for d in sms.of_kind(kind))
    if dirs:
        return min(dirs, key=lambda d: (-dirs[d], d))  # the most used; ties by name
    return KIND_DIRS.get(kind, kebab(kind))


def target(root: Path, kind: str, doc_id: str, sms: Sms, config: Config) -> Path:
    """The file a new document goes to; it must stay inside the SMS."""
    folder = directory(kind, sms, config)
    path = root / folder / f"{doc_id}.yaml"
    if not path.resolve().is_relative_to(root.resolve()):
        lexical = Path(os.path.normpath((root / folder).absolute()))
        if kind in config.layout and not lexical.is_relative_to(root.absolute()):
            raise FitsmError(f"fitsm.yaml: layout for {kind} points outside the SMS ({path}); use a path below "
                             "the root")
        link = next((p for p in (root / folder, *(root / folder).parents) if p.is_symlink()), root / folder)
        state = "a broken symbolic link" if not link.exists() else "a symbolic link that leads outside the SMS"
        raise FitsmError(f"{link} is {state} ({link.resolve()}); fitsm writes only inside the SMS. Replace the link "
                         f"with a directory, or set another directory for {kind} in 'layout' in fitsm.yaml")
    return path


def schema_ref(root: Path, path: Path, kind: str) -> str:
    """The modeline target: the SMS's own copy of the kind's schema, as a path relative to the document.

    A relative path into the SMS (written by ``fitsm init``, ``fitsm schema --write schemas`` or
    :func:`ensure_schema`) works offline and matches the fitsm-kit version the SMS uses; a path into an
    installed package would break with every new virtual environment, and fitsm-kit publishes no schema URL.
    """
    local = root / SCHEMA_DIR / schemas.schema_file(kind)
    return Path(os.path.relpath(local, path.parent)).as_posix()


def ensure_schema(root: Path, kind: str) -> Path | None:
    """Write the kind's schema into the SMS's ``schemas/`` when it is missing, so the modeline resolves.

    An existing copy is kept as it is (``fitsm schema --write schemas`` refreshes them all); returns the
    file written, or None.
    """
    local = root / SCHEMA_DIR / schemas.schema_file(kind)
    if local.is_file() or local.is_symlink():
        return None
    write_new(local, schemas.render(kind), within=root)
    return local


@dataclass
class Draft:
    """A new document being put together: the SMS it goes into and the answers so far."""

    root: Path
    config: Config
    sms: Sms
    kind: str
    today: dt.date
    schema_written: Path | None = None  # set by create: the schema copy it added to the SMS, if any


Value = str | list[str] | None
Ask = Callable[[Question, str], str]  # (question, why the last answer was refused) -> raw answer


def start(path: Path, kind_name: str) -> Draft:
    """Find the SMS containing ``path`` and load it, so references can be offered and ids checked."""
    kind = resolve_kind(kind_name)
    root = find_root(path)
    config = load_config(root)
    today = config.as_of or dt.date.today()
    sms = read_sms(root, config, today)  # documents that do not load are left to check
    return Draft(root, config, sms, kind, today)


def answer(draft: Draft, doc_id: str | None, given: dict[str, str], ask: Ask | None) -> dict[str, Value]:
    """Every value the template needs: from ``given`` (flags), else ``ask`` (a prompt), else the default.

    With ``ask=None`` (``--no-input``) a question without a default is an error naming the flag to pass.
    """
    first = text_questions(draft.kind)
    rest = reference_questions(draft.kind, draft.sms, doc_id or "")
    known = {q.name for q in [*first, *rest]} | {"id"}
    unknown = sorted(set(given) - known)
    if unknown:
        raise FitsmError(f"{draft.kind} has no value {', '.join(map(repr, unknown))}{did_you_mean(unknown[0], known)}; "
                         f"--set takes: {', '.join(sorted(known))}")
    values: dict[str, Value] = {q.name: _resolve(q, given.get(q.name), ask) for q in first}
    if doc_id is None:
        hint = values.get("name") if draft.kind == "Person" else values["title"]
        doc_id = str(_resolve(id_question(suggest_id(draft.kind, draft.sms, str(hint))), given.get("id"), ask))
    check_id(doc_id, draft.sms)
    values["id"] = doc_id
    for q in reference_questions(draft.kind, draft.sms, doc_id):
        values[q.name] = _resolve(q, given.get(q.name), ask)
    return values


def _resolve(q: Question, raw: str | None, ask: Ask | None) -> Value:
    if not q.free and not q.choices and q.required:
        raise FitsmError(f"{q.name}: there is nothing in the SMS to choose ({q.prompt.lower()}); "
                         f"create it first: {q.create}")
    if raw is not None:
        return parse(q, raw)
    if ask is None:
        return list(q.default) if q.many else (q.default[0] if q.default else None)
    error = ""
    while True:
        raw = ask(q, error)  # an error raised by the prompt itself (input ended) ends the loop
        try:
            return parse(q, raw)
        except FitsmError as e:
            error = str(e)


def parse(q: Question, raw: str) -> Value:
    """Check one answer: free text must not be empty; anything else must be one of the choices."""
    parts = [p.strip() for p in raw.split(",")] if q.many else [raw.strip()]
    parts = [p for p in parts if p]
    if not parts:
        if q.required:
            raise FitsmError(f"{q.name} needs a value" + (f": one of {', '.join(q.choices)}" if q.choices else ""))
        return [] if q.many else None
    if q.name == "id" and not ID_PATTERN.match(parts[0]):
        check_id(parts[0], Sms(config=Config(), as_of=dt.date.min))  # raises with the format rules
    if not q.free:
        by_lower = {c.lower(): c for c in q.choices}
        wrong = [p for p in parts if p not in q.choices and p.lower() not in by_lower]
        if wrong:
            choices = ", ".join(q.choices) or "nothing yet"
            raise FitsmError(f"{q.name}: {', '.join(map(repr, wrong))} is not one of: {choices}")
        parts = [p if p in q.choices else by_lower[p.lower()] for p in parts]
    return parts if q.many else parts[0]


def create(draft: Draft, values: dict[str, Value]) -> Path:
    """Render the document and write it to its place in the SMS; return the path written."""
    doc_id = str(values["id"])
    check_id(doc_id, draft.sms)
    path = target(draft.root, draft.kind, doc_id, draft.sms, draft.config)
    context = {**derived(draft, values), **values, "today": draft.today.isoformat(),
               "schema": schema_ref(draft.root, path, draft.kind), "processes": process_info()}
    write_new(path, render(draft.kind, context), within=draft.root)
    draft.schema_written = ensure_schema(draft.root, draft.kind)
    return path


def derived(draft: Draft, values: dict[str, Value]) -> dict[str, Any]:
    """Values a template takes from the SMS or the date rather than from a question."""
    sms, today = draft.sms, draft.today
    out: dict[str, Any] = {
        "review_interval": None if default_interval(draft) else "P12M",
        "due": today + dt.timedelta(days=30),  # nonconformity: a first due date to adjust
        "expires": today + dt.timedelta(days=90),  # waiver: short, so it is revisited
        "period_start": (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1),  # the previous month,
        "period_end": today.replace(day=1) - dt.timedelta(days=1),  # which has ended: it can be measured
        "organisations": [],
        "top_management": False,
    }
    if draft.kind == "ServiceReview":
        customer = sms.get(str(values["customer"]), "Customer")
        out["conducted_by"] = customer.spec.relationship_manager if customer else values["owner"]
    if draft.kind == "AgreementEvaluation":
        agreement = sms.get(str(values["agreement"]))
        out["targets"] = [t.id for t in agreement.spec.targets] if agreement else []
    if draft.kind == "SupplierEvaluation":
        agreements = {d.id for d in sms.of_kind("OLA", "UA") if d.spec.supplier == values["supplier"]}
        out["basis"] = sorted(d.id for d in sms.of_kind("AgreementEvaluation") if d.spec.agreement in agreements)
    return out


def default_interval(draft: Draft) -> str | None:
    """The review interval a document of this kind inherits from ``fitsm.yaml`` or the policy, if any."""
    return draft.sms.planned(draft.kind)
