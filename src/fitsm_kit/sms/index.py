"""The SMS as a whole: every valid document by id and kind, with the references between them."""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from fitsm_kit.model.base import Envelope, ProcessCode, RefTo, Status
from fitsm_kit.model.general import Assignment, RoleAssignment
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.loader import YMap

T = TypeVar("T")


@dataclass(frozen=True)
class Doc:
    """One validated document, with the raw data that knows its positions."""

    path: str
    line: int
    raw: YMap
    model: Envelope
    cuts: tuple[tuple[str | int, ...], ...] = ()  # what validation cut out as invalid (already reported)

    def incomplete(self, *path: str | int) -> bool:
        """Whether something at or below ``path`` was cut out as invalid: a rule then cannot tell what is
        missing there (a target id a report names may be the target that was cut out)."""
        if not self.cuts:  # nearly every document: rules ask this once per document and field they judge
            return False
        return any(cut[:len(path)] == path or path[:len(cut)] == cut for cut in self.cuts)

    @property
    def id(self) -> str:
        return self.model.metadata.id

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def spec(self) -> Any:
        return self.model.spec

    @property
    def title(self) -> str:
        """The document's title, or its id where the title is left out (reported under GR2.4)."""
        return self.model.metadata.title or self.id

    @property
    def owner(self) -> str | None:
        """The owner's Person id; None where it is left out (reported under the owner's requirement)."""
        return self.model.metadata.owner

    def __repr__(self) -> str:
        return f"<{self.kind} {self.id} at {self.path}:{self.line}>"


@dataclass(frozen=True)
class Reference:
    loc: tuple[str | int, ...]
    target: str
    ref: RefTo


@dataclass
class Sms:
    """All valid documents of one SMS, looked up by id and by kind."""

    config: Config
    as_of: dt.date
    docs: list[Doc] = field(default_factory=list)
    by_id: dict[str, Doc] = field(default_factory=dict)
    by_kind: dict[str, list[Doc]] = field(default_factory=dict)
    invalid_ids: set[str] = field(default_factory=set)  # documents that exist but failed validation
    # kind -> files holding a document of that kind that could not be read (a syntax error, a broken
    # envelope): the rules of the kind judged without it, so their requirements are not shown as satisfied
    unread: dict[str, set[str]] = field(default_factory=dict)
    # kind -> files holding such a document whose id is not known either (metadata not a mapping): any id of
    # the kind that names nothing may name it
    unnamed: dict[str, set[str]] = field(default_factory=dict)
    _lookups: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def add(self, doc: Doc) -> Doc | None:
        """Index ``doc``; return the document that already holds its id, if any."""
        self._lookups.clear()
        self.docs.append(doc)
        self.by_kind.setdefault(doc.kind, []).append(doc)
        clash = self.by_id.get(doc.id)
        if clash is None:
            self.by_id[doc.id] = doc
        return clash

    def of_kind(self, *kinds: str) -> list[Doc]:
        return [d for k in kinds for d in self.by_kind.get(k, [])]

    def with_cuts(self, *kinds: str) -> list[Doc]:
        """The documents of ``kinds`` that had something cut out as invalid: few, and rules ask about them for
        every document they judge."""
        return self.memo(("with_cuts", kinds), lambda: [d for d in self.of_kind(*kinds) if d.cuts])

    def get(self, doc_id: str, *kinds: str) -> Doc | None:
        doc = self.by_id.get(doc_id)
        if doc is not None and kinds and doc.kind not in kinds:
            return None
        return doc

    def maybe_unread(self, doc_id: str, *kinds: str) -> str | None:
        """Why ``doc_id``, which names no document of ``kinds`` (any kind when none is given) that was read, may
        still name one that could not be read; None when it cannot (it names nothing).

        A reference to it is then neither dangling nor checked: the broken document is the one finding.
        """
        if doc_id in self.invalid_ids:
            return f"{doc_id!r} could not be read"
        files = sorted({f for kind, found in self.unnamed.items() if not kinds or kind in kinds for f in found})
        return f"{doc_id!r} may be in {', '.join(files)}, which could not be read" if files else None

    def unresolved(self) -> list[tuple[Doc, Reference, Doc | None]]:
        """Every reference that names no document of the kind it expects, with the document it names (None:
        none), found once per check: the check reports them (:mod:`fitsm_kit.engine.references`) and rules ask
        about them (:meth:`dangling`)."""

        def build() -> list[tuple[Doc, Reference, Doc | None]]:
            found = []
            for doc in self.docs:
                for ref in references(doc.model):
                    target = self.by_id.get(ref.target)
                    if target is None or (ref.ref.kinds and target.kind not in ref.ref.kinds):
                        found.append((doc, ref, target))
            return found

        return self.memo("unresolved", build)

    def dangling(self, *kinds: str) -> list[tuple[Doc, Reference]]:
        """The references in documents of ``kinds`` that name nothing of the kind they expect (a typo, a
        placeholder); not those whose target may be in a document that could not be read."""

        def build() -> dict[str, list[tuple[Doc, Reference]]]:
            found: dict[str, list[tuple[Doc, Reference]]] = {}
            for doc, ref, _ in self.unresolved():
                if self.maybe_unread(ref.target, *ref.ref.kinds) is None:
                    found.setdefault(doc.kind, []).append((doc, ref))
            return found

        built = self.memo("dangling", build)
        return [pair for kind in kinds for pair in built.get(kind, [])]

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once for these documents: rules run per document, so a lookup is built once per check.

        Adding a document starts afresh. A lookup that depends on more than the documents (e.g. the date
        a check runs for) puts that in ``key``.
        """
        if key not in self._lookups:
            self._lookups[key] = build()
        return cast(T, self._lookups[key])

    def referring(self, target: str, *kinds: str, via: str) -> list[Doc]:
        """The documents of ``kinds`` whose ``spec.<via>`` (an id or a list of ids) names ``target``."""

        def build() -> dict[str, list[Doc]]:
            found: dict[str, list[Doc]] = {}
            for doc in self.of_kind(*kinds):
                value = getattr(doc.spec, via)
                for key in [value] if isinstance(value, str) else cast(Iterable[str], value or []):
                    found.setdefault(key, []).append(doc)
            return found

        return self.memo(("referring", kinds, via), build).get(target, [])

    def assignments(self, *, upcoming: bool = False) -> Iterator[tuple[Doc, int, Assignment]]:
        """Every FitSM-3 role assignment in force as of ``as_of``, with its document and position in the list;
        with ``upcoming``, those that start after it instead (``since`` a later day: a handover planned, whose
        holder does not hold the role yet)."""
        for doc in self.of_kind("RoleAssignment"):
            assert isinstance(doc.model, RoleAssignment)
            for i, assignment in enumerate(doc.model.spec.assignments or ()):
                if (assignment.since is not None and assignment.since > self.as_of) == upcoming:
                    yield doc, i, assignment

    def planned(self, kind: str, own: str | None = None) -> str | None:
        """The planned interval of documents or records of ``kind``.

        ``own`` first (e.g. a document's review interval, the policy's ``management_review_interval``),
        else the default for the kind in ``fitsm.yaml`` (``default_review_intervals``), else in the
        service management policy's ``default_review_intervals``.
        """
        if own:
            return own
        if kind in self.config.default_review_intervals:
            return self.config.default_review_intervals[kind]
        for policy in self.of_kind("Policy"):
            if kind in policy.spec.default_review_intervals:
                return str(policy.spec.default_review_intervals[kind])
        return None

    def holders(self, role: str, process: str | None = None) -> list[str]:
        """Ids of the persons assigned ``role`` (for ``process``, when given)."""

        def build() -> dict[tuple[str, str | None], list[str]]:
            found: dict[tuple[str, str | None], list[str]] = {}
            for _, _, a in self.assignments():
                found.setdefault((a.role.value, a.process.value if a.process else None), []).append(a.person)
            return found

        return list(self.memo("holders", build).get((role, process), []))


def references(model: BaseModel, loc: tuple[str | int, ...] = ()) -> Iterator[Reference]:
    """Every reference field set in ``model``, with its path in the document."""
    for attr, key, plan in _ref_plan(type(model)):
        value = getattr(model, attr)
        if value is None:
            continue
        here = (*loc, key)
        if isinstance(plan, RefTo):
            if isinstance(value, list):
                yield from (Reference((*here, i), v, plan) for i, v in enumerate(value))
            else:
                yield Reference(here, value, plan)
        elif isinstance(value, BaseModel):
            yield from references(value, here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from references(item, (*here, i))


@functools.cache
def _ref_plan(cls: type[BaseModel]) -> tuple[tuple[str, str, RefTo | None], ...]:
    """Per model class: the fields that are references, or may contain some (nested models)."""
    plan: list[tuple[str, str, RefTo | None]] = []
    for name, info in cls.model_fields.items():
        marker = next((m for m in info.metadata if isinstance(m, RefTo)), None) or _find_ref(info.annotation)
        if marker is not None or _has_model(info.annotation):
            plan.append((name, info.alias or name, marker))
    return tuple(plan)


def _args(annotation: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return ()


def _find_ref(annotation: Any) -> RefTo | None:
    if typing.get_origin(annotation) is typing.Annotated:
        return next((m for m in annotation.__metadata__ if isinstance(m, RefTo)), None)
    return next((r for a in _args(annotation) if (r := _find_ref(a)) is not None), None)


def _has_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_has_model(a) for a in _args(annotation))


def excluded_processes(sms: Sms) -> tuple[str, ...]:
    """The process codes no (non-retired) Scope covers; none when the SMS has no Scope yet."""
    scopes = [d for d in sms.of_kind("Scope") if d.model.metadata.status is not Status.RETIRED]
    if not scopes:
        return ()
    covered = {p.value for d in scopes for p in d.spec.processes}
    return tuple(p.value for p in ProcessCode if p.value not in covered)
