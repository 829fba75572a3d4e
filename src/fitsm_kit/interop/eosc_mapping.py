"""An EOSC service record as FitSM ``Service`` fields, and back. Pure: data in, data out.

Fields with a FitSM meaning (:data:`MAPPED`) go to the Service's own fields; the profile's controlled
vocabularies become readable labels (``category-…-compute`` with its subcategory becomes ``Compute >
Virtual machine management``, ``target_user-research_groups`` becomes ``Research groups``), and the
labels are turned back into the vocabulary on export. Fields without one (:data:`CARRIED`: the EOSC id,
logo, languages, …) are kept as ``x-eosc-<field>`` extension fields of the spec, which the checker
ignores. Where the FitSM form cannot give a mapped value back exactly (a field written as null, a
subcategory outside its category), the record's own value is kept as ``x-eosc-<field>`` as well, and
export uses it as long as the FitSM field still says the same; once the user changes the FitSM field,
its new value is exported. Fields the profile does not have (real records carry some, e.g. EGI's
``classification``) are kept the same way: ``x-eosc-<field>`` for the service's, ``x-eosc-bundle-<field>``
for the bundle's. So import followed by export gives every record back unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fitsm_kit.errors import did_you_mean
from fitsm_kit.interop.eosc_profile import service_fields, vocabulary

PREFIX = "x-eosc-"
BUNDLE = "x-eosc-bundle-"  # a field of the bundle itself, next to its id and service
BUNDLE_ID = BUNDLE + "id"  # the bundle's id, kept only where it differs from the service's
SERVICE_ID = "x-eosc-id"


def _words(name: str) -> str:
    """``research_communities`` -> ``Research communities``."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _key(label: str) -> str:
    """Labels are matched ignoring case and repeated blanks: ``compute >  hpc access`` is ``Compute > HPC…``."""
    return " ".join(label.split()).casefold()


@dataclass(frozen=True)
class Vocabulary:
    """Labels for a vocabulary of the profile, and the way back (labels or the identifiers themselves)."""

    name: str  # what it is, for messages: "target user"
    label: dict[Any, str]  # vocabulary value (or entry) -> label
    back: dict[str, Any] = field(default_factory=dict)  # normalised label or identifier -> value

    def to_label(self, value: Any) -> str:
        return self.label[value]

    def from_label(self, label: str) -> Any:
        found = self.back.get(_key(str(label)))
        if found is None:
            raise ValueError(f"{str(label)!r} is not an EOSC {self.name}"
                             f"{did_you_mean(str(label), self.label.values())}")
        return found


def _simple(name: str, values: list[str], prefix: str, label: Callable[[str], str]) -> Vocabulary:
    labels = {v: label(v.removeprefix(prefix)) for v in values}
    back = {_key(text): v for v, text in labels.items()} | {_key(v): v for v in values}
    assert len(set(map(_key, labels.values()))) == len(values), f"{name} labels are not unique"
    return Vocabulary(name, labels, back)


def _paired(name: str, parents: list[str], children: list[str]) -> Vocabulary:
    """Entries ``(parent, child or None)``: a category with its subcategory, a domain with its subdomain.

    Identifiers name their parents (``subcategory-GROUP-CATEGORY-SUB`` belongs to
    ``category-GROUP-CATEGORY``); an entry whose child belongs to another parent has no label of its
    own and is labelled by its parent (the mapping keeps the exact entry).
    """
    labels: dict[Any, str] = {}
    back: dict[str, Any] = {}
    for parent in parents:
        labels[(parent, None)] = _words(parent.split("-")[-1])
        back[_key(parent)] = (parent, None)
    for child in children:
        kind, *path = child.split("-")
        parent = f"{kind.replace('sub', '', 1)}-{'-'.join(path[:-1])}"  # subcategory -> category"
        if (parent, None) in labels:
            labels[(parent, child)] = f"{labels[(parent, None)]} > {_words(path[-1])}"
            back[_key(child)] = (parent, child)
    back |= {_key(text): entry for entry, text in labels.items()}
    assert len(set(map(_key, labels.values()))) == len(labels), f"{name} labels are not unique"
    return Vocabulary(name, labels, back)


@functools.cache
def vocabularies() -> dict[str, Vocabulary]:
    return {
        "categories": _paired("category", vocabulary("categoryEntry", "category"),
                              vocabulary("categoryEntry", "subcategory")),
        "scientificDomains": _paired("scientific domain", vocabulary("scientificDomainEntry", "scientificDomain"),
                                     vocabulary("scientificDomainEntry", "scientificSubdomain")),
        "targetUsers": _simple("target user", vocabulary("service", "targetUsers"), "target_user-", _words),
        "accessModes": _simple("access mode", vocabulary("service", "accessModes"), "access_mode-",
                               lambda v: v.replace("_", "-")),
    }


def _entries(name: str, parent: str, child: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    def to_fitsm(entries: list[dict[str, Any]]) -> list[str]:
        vocab = vocabularies()[name]
        out = []
        for entry in entries:
            pair = (entry[parent], entry.get(child))
            out.append(vocab.to_label(pair if pair in vocab.label else (pair[0], None)))
        return out

    def to_eosc(labels: list[str]) -> list[dict[str, Any]]:
        out = []
        for label in labels:
            top, sub = vocabularies()[name].from_label(label)
            out.append({parent: top} if sub is None else {parent: top, child: sub})
        return out

    return to_fitsm, to_eosc


def _labels(name: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    return (lambda values: [vocabularies()[name].to_label(v) for v in values],
            lambda labels: [vocabularies()[name].from_label(label) for label in labels])


def _same(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _order_type(value: str) -> str:
    return "order_type-" + value.replace("-", "_")


@dataclass(frozen=True)
class Mapping:
    """One service field of the profile that has a FitSM meaning."""

    eosc: str  # the field in the record's ``service``
    fitsm: tuple[str, ...]  # where it goes in the Service document
    to_fitsm: Callable[[Any], Any] = _same
    to_eosc: Callable[[Any], Any] = _same  # raises ValueError for what the profile cannot take

    @property
    def path(self) -> str:
        return ".".join(self.fitsm)


MAPPED: tuple[Mapping, ...] = (
    Mapping("name", ("metadata", "title")),
    Mapping("webpage", ("spec", "links", "webpage")),
    Mapping("description", ("spec", "description")),
    Mapping("tagline", ("spec", "tagline")),
    Mapping("scientificDomains", ("spec", "scientific_domains"),
            *_entries("scientificDomains", "scientificDomain", "scientificSubdomain")),
    Mapping("categories", ("spec", "categories"), *_entries("categories", "category", "subcategory")),
    Mapping("targetUsers", ("spec", "target_users"), *_labels("targetUsers")),
    Mapping("accessModes", ("spec", "access_modes"), *_labels("accessModes")),
    Mapping("tags", ("spec", "tags")),
    Mapping("helpdeskEmail", ("spec", "links", "helpdesk")),
    Mapping("trl", ("spec", "trl"), lambda v: int(v.removeprefix("trl-")), lambda v: f"trl-{v}"),
    Mapping("userManual", ("spec", "links", "user_manual")),
    Mapping("termsOfUse", ("spec", "links", "terms_of_use")),
    Mapping("privacyPolicy", ("spec", "links", "privacy_policy")),
    Mapping("orderType", ("spec", "order_type"), lambda v: v.removeprefix("order_type-").replace("_", "-"),
            _order_type),
)
BY_FIELD = {m.eosc: m for m in MAPPED}
# No FitSM meaning: kept as x-eosc-<field> and written back as they were.
CARRIED = ("id", "alternativeIdentifiers", "abbreviation", "logo", "languageAvailabilities", "securityContactEmail",
           "accessPolicy")
assert set(BY_FIELD) | set(CARRIED) == set(service_fields()), "every field of the profile is mapped or carried"

# Where each FitSM field the import owns sits in the Service document (the import writes these only).
OWNED: tuple[tuple[str, ...], ...] = tuple(m.fitsm for m in MAPPED)


def fitsm_place(eosc_field: str) -> str:
    """Where a service field of the record lives in the Service document, for messages and the report."""
    mapping = BY_FIELD.get(eosc_field)
    return mapping.path if mapping is not None else f"spec.{PREFIX}{eosc_field}"


@dataclass(frozen=True)
class Mapped:
    """A record as the Service fields the import owns: values by path (absent: not there), and extensions."""

    values: dict[tuple[str, ...], Any]
    extensions: dict[str, Any]  # x-eosc-<field> -> the record's own value, in the profile's order
    shadowed: tuple[str, ...]  # mapped fields also kept as x-eosc- because the FitSM form loses a detail


def _as_fitsm(mapping: Mapping, value: Any) -> Any:
    """The FitSM value of a record's value; None (absent) for null, an empty list or a value it cannot read."""
    if value is None or value == []:
        return None
    try:
        return mapping.to_fitsm(value)
    except (KeyError, ValueError, TypeError, AttributeError):  # a hand-edited x-eosc- value the profile rejects
        return None


def _as_eosc(mapping: Mapping, value: Any) -> tuple[bool, Any]:
    """(present, value) of the record field that a FitSM value gives back; raises ValueError."""
    if value is None or value == []:
        return False, None
    return True, mapping.to_eosc(value)


def uncarried(record: dict[str, Any]) -> list[str]:
    """Fields outside the profile that cannot be kept: a service field named ``bundle-…`` would read back as a
    field of the bundle (``x-eosc-bundle-…``)."""
    known = set(service_fields())
    return [name for name in record["service"] if name not in known and name.startswith("bundle-")]


def to_fitsm(record: dict[str, Any]) -> Mapped:
    """The Service fields for one record that follows the profile (and has no :func:`uncarried` field)."""
    service = record["service"]
    values: dict[tuple[str, ...], Any] = {}
    shadows: dict[str, Any] = {}
    for mapping in MAPPED:
        present, value = mapping.eosc in service, service.get(mapping.eosc)
        fitsm = _as_fitsm(mapping, value)
        if fitsm is not None:
            values[mapping.fitsm] = fitsm
        if _as_eosc(mapping, fitsm) != (present, value):
            shadows[mapping.eosc] = value
    extensions: dict[str, Any] = {}
    for name in service_fields():
        if name in CARRIED and name in service:
            extensions[PREFIX + name] = service[name]
        elif name in shadows:
            extensions[PREFIX + name] = shadows[name]
        if name == "id" and record["id"] != service["id"]:
            extensions[BUNDLE_ID] = record["id"]
    known = set(service_fields())
    extensions.update((PREFIX + name, value) for name, value in service.items() if name not in known)
    extensions.update((BUNDLE + name, value) for name, value in record.items() if name not in ("id", "service"))
    return Mapped(values, extensions, tuple(shadows))


def to_eosc(values: dict[tuple[str, ...], Any], extensions: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The record for a Service's field values and its ``x-eosc-`` extensions, and what stops it.

    ``values`` holds the FitSM values of :data:`OWNED` (an absent, None or empty one counts as not there).
    The record still has to pass the profile's schema: a required field may be missing.
    """
    service: dict[str, Any] = {}
    problems: list[str] = []
    for name in service_fields():
        key = PREFIX + name
        mapping = BY_FIELD.get(name)
        if mapping is None:
            if key in extensions:
                service[name] = extensions[key]
            continue
        value = values.get(mapping.fitsm)
        value = None if value == [] else value
        if key in extensions and _as_fitsm(mapping, extensions[key]) == value:
            service[name] = extensions[key]  # the record's exact form, which the FitSM field still says
            continue
        try:
            present, eosc = _as_eosc(mapping, value)
        except ValueError as e:
            problems.append(f"{mapping.path}: {e}")
            continue
        if present:
            service[name] = eosc
    if "id" not in service:
        problems.append(f"spec.{SERVICE_ID}: the service has no EOSC id (add one, e.g. "
                        f"'{SERVICE_ID}: my-node:services:name'; records made by fitsm import eosc have it)")
    record = {"id": extensions.get(BUNDLE_ID, service.get("id")), "service": service}
    known = set(service_fields())
    for key, value in extensions.items():  # fields the profile does not have, written back as they came
        if key.startswith(BUNDLE) and key != BUNDLE_ID:
            name = key.removeprefix(BUNDLE)
            if name in record:
                problems.append(f"spec.{key}: the bundle's {name} is made from the Service; remove this field")
            else:
                record[name] = value
        elif key.startswith(PREFIX) and key.removeprefix(PREFIX) not in known and key != BUNDLE_ID:
            service[key.removeprefix(PREFIX)] = value
    return record, problems
