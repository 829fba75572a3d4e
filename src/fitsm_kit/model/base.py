"""The document envelope every kind shares, and the field types kinds are built from."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from fitsm_kit.model.dates import IsoDuration as IsoDuration  # re-exported: kinds import it from here
from fitsm_kit.model.dates import as_text as _as_text

API_VERSION = "fitsm.eu/v1"
EXTENSION_PREFIX = "x-"


@dataclass(frozen=True)
class SchemaKeywords:
    """Annotated metadata: JSON Schema keywords for the published schema only; the checker runs the validators.

    For what a validator accepts that pydantic cannot derive (numbers read as text, a list of known
    names). ``keywords`` is called when a schema is generated, not at import.
    """

    keywords: Callable[[], dict[str, Any]]

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(core_schema), **self.keywords()}


# The loader keeps the source text of numbers and as_text reads a number as that text, so an editor must
# accept `version: 0.1` and `tier: 1` as the checker does. Not for patterned strings (ids, durations).
NUMBER_AS_TEXT = SchemaKeywords(lambda: {"type": ["string", "number"]})

# Field(...) constraints come before BeforeValidator: after it, pydantic drops them from the JSON Schema
# (the checker still applied them, editors did not). The validators run in the same order either way.
Text = Annotated[str, BeforeValidator(_as_text), NUMBER_AS_TEXT]
NonEmpty = Annotated[str, Field(min_length=1), BeforeValidator(_as_text), NUMBER_AS_TEXT]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=100), BeforeValidator(_as_text)]
Percent = Annotated[float, Field(ge=0, le=100)]

# What goes into Git trailers, CODEOWNERS lines and commit messages must stay one plain line: no line
# break or other control character, no bidi control, no angle bracket (``Name <email>`` is split at them).
# Patterns run in pydantic's Rust engine (linear time; ``$`` is the end of the text there).
_LINE_BREAKERS = frozenset((*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0)), "\u061c", "\u200e",
                            "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)),
                            "\u2028", "\u2029", "<", ">"))


def one_plain_line(value: str) -> str:
    """``value``, if it can go into a commit trailer or CODEOWNERS line; else ValueError saying why."""
    bad = next((c for c in value if c in _LINE_BREAKERS), None)
    if bad is not None:
        raise ValueError(f"must be one plain line without {bad!r} (control, bidi or angle-bracket characters are "
                         "not allowed: the value goes into commit trailers and CODEOWNERS)")
    return value


# _LINE_BREAKERS as a JSON Schema pattern (ECMA-262 and Python syntax alike), for editors
PLAIN_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029<>]*$"
_PLAIN_LINE = SchemaKeywords(lambda: {"type": ["string", "number"], "pattern": PLAIN_LINE_PATTERN})
PersonName = Annotated[str, Field(min_length=1, max_length=200), BeforeValidator(_as_text),
                       AfterValidator(one_plain_line), _PLAIN_LINE]
Email = Annotated[str, Field(min_length=1, max_length=254), BeforeValidator(_as_text), AfterValidator(one_plain_line),
                  _PLAIN_LINE]
# a GitHub / GitLab user or team: letters, digits and . _ - / (an optional leading @)
Handle = Annotated[str, Field(pattern=r"^@?[A-Za-z0-9_][A-Za-z0-9_./-]*$", max_length=100), BeforeValidator(_as_text)]


REQUIREMENT = "x-fitsm-requirement"  # JSON Schema keyword: the FitSM-1 requirement a field evidences
REQUIRED = "x-fitsm-required"  # ... and that the requirement needs it (the published schema requires it)


def evidence(requirement: str, description: str | None = None, *, required: bool = True, default: Any = None,
             **constraints: Any) -> Any:
    """A field that evidences a FitSM-1 ``requirement``.

    ``required``: the requirement needs a value. The parser still accepts a document without one (the
    field defaults to ``default``), so a field left out never drops the document from the other rules;
    the engine reports it, missing or invalid, under ``requirement`` rather than as a schema error, and
    the published JSON Schema lists it as required so that editors flag it too. Errors inside the field
    (a target without a value) are reported under ``requirement`` as well.
    """
    extra = {REQUIREMENT: requirement, REQUIRED: required}
    return Field(default, description=description, json_schema_extra=extra, **constraints)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RefTo:
    """Marks a field as a reference to documents of the given kinds (any kind when empty)."""

    kinds: tuple[str, ...]
    requirement: str  # the requirement a dangling reference of this field breaks


_T = BeforeValidator(_as_text)
PersonRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Person",), "GR2.4")]
ServiceRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Service",), "PR1.1")]
CustomerRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Customer",), "PR7.1")]
SupplierRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Supplier",), "PR8.1")]
RiskRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Risk",), "PR6.2")]
PlanRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Plan",), "GR4.2")]
NonconformityRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Nonconformity",), "GR7.1")]
AgreementRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("SLA", "OLA", "UA"), "PR2.2")]
SLARef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("SLA",), "PR2.2")]
CatalogueRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("ServiceCatalogue",), "PR2.1")]
ReportRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("ReportSpecification",), "PR3.2")]
AssetRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Asset",), "PR6.2")]
EvaluationRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("AgreementEvaluation",), "PR8.4")]
AnyRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo((), "GR2.4")]
RecipientRef = Annotated[str, _T, NUMBER_AS_TEXT, RefTo(("Customer", "Person"), "PR3.2")]


class ProcessCode(str, enum.Enum):
    """The 14 FitSM processes (PR1–PR14)."""

    SPM = "SPM"
    SLM = "SLM"
    SRM = "SRM"
    SACM = "SACM"
    CAPM = "CAPM"
    ISM = "ISM"
    CRM = "CRM"
    SUPPM = "SUPPM"
    ISRM = "ISRM"
    PM = "PM"
    CONFM = "CONFM"
    CHM = "CHM"
    RDM = "RDM"
    CSI = "CSI"


class Strict(BaseModel):
    """Unknown fields are errors (typos are caught) unless they carry the ``x-`` extension prefix."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,  # .nan and .inf are never a percentage, a target or a measurement
        json_schema_extra=lambda schema, cls: _published(schema, cls),
    )
    # JSON Schema keywords for what a model_validator checks across fields, where JSON Schema can say it
    # (``anyOf`` of the allowed combinations); published with the model's schema.
    json_rules: ClassVar[dict[str, Any]] = {}
    # A required evidence field that another field can stand in for: {"supplier": "signatories"} means an
    # OLA template signed by many suppliers needs no single supplier. The engine does not report the
    # field as missing when its stand-in has a value.
    alternatives: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _drop_extensions(cls, data: Any) -> Any:
        # Runs for every mapping of every document: only keys that are not fields (a set difference,
        # done in C) can be extensions, so most mappings cost one subtraction.
        if (isinstance(data, dict) and (data.keys() - cls.model_fields.keys())
                and any(str(k).startswith(EXTENSION_PREFIX) for k in data)):
            return {k: v for k, v in data.items() if not str(k).startswith(EXTENSION_PREFIX)}
        return data


def _published(schema: dict[str, Any], cls: type[Strict]) -> None:
    schema["patternProperties"] = {f"^{EXTENSION_PREFIX}": {}}  # x- extensions are ignored, never errors
    schema.update(cls.json_rules)


class Status(str, enum.Enum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    RETIRED = "retired"
    RECORDED = "recorded"  # records: evaluations, reviews, deliveries


class Review(Strict):
    interval: IsoDuration | None = Field(None, description="Planned review interval, e.g. P12M")
    last_reviewed: dt.date | None = Field(None, description="When the document was last reviewed")
    reviewed_by: PersonRef | None = Field(None, description="Who reviewed it (a Person id)")


class Approval(Strict):
    approved_by: PersonRef
    approved_on: dt.date


class Distribution(Strict):
    audience: NonEmpty
    channel: NonEmpty
    on: dt.date | None = None
    by: PersonRef | None = Field(None, description="Who communicated it (GR1.2: the policy is communicated)")


class Attestation(Strict):
    """A person's recorded statement that a requirement needing judgement is met."""

    requirement: NonEmpty = Field(description="The FitSM-1 requirement attested, e.g. GR5.2")
    statement: NonEmpty
    by: PersonRef
    role: Text | None = None
    on: dt.date


class Metadata(Strict):
    id: Identifier = Field(description="Unique in the SMS; other documents reference it by this id")
    title: NonEmpty | None = evidence("GR2.4", "What the document is called (document control: identification)")
    owner: PersonRef | None = evidence(
        "GR2.4", "The accountable Person's id; the FitSM-3 case owner where the kind has one (the requirement "
        "is then that case owner's, e.g. PR1.1 for a service owner)")
    status: Status = Field(
        description="draft -> in-review -> approved (or retired); recorded for records of what happened")
    version: Text | None = Field(None, description="The document's version, e.g. \"1.2\"")
    review: Review | None = Field(None, description="Planned review interval and the last review (GR2.4)")
    approval: Approval | None = Field(
        None, description="Who approved this version, and when: {approved_by, approved_on}")
    distribution: list[Distribution] = []
    attestations: list[Attestation] = []
    labels: dict[str, Text] = Field({}, description="Free-form labels: name: value")


class Envelope(Strict):
    """``apiVersion``, ``kind``, ``metadata``, ``spec``: the shape every SMS document has."""

    record: ClassVar[bool] = False  # records (reviews, evaluations, …) need no review interval
    lenient: ClassVar[bool] = True  # a bad field is cut out and the rest kept; False: all or nothing
    owner_requirement: ClassVar[str] = "GR2.4"  # what metadata.owner evidences: the kind's case owner, if any
    requirement_map: ClassVar[dict[str, str]] = {}  # requirements of shared fields that this kind evidences otherwise

    @classmethod
    def evidence_requirement(cls, requirement: str, raw: Any, loc: tuple[str | int, ...] = ()) -> str:
        """The requirement a field annotated with ``requirement`` evidences in a document of this kind.

        ``raw`` is the document as loaded and ``loc`` the place inside it: a kind may depend on its content
        (a risk's category, the role of one role assignment).
        """
        return cls.requirement_map.get(requirement, requirement)

    api_version: Literal["fitsm.eu/v1"] = Field(alias="apiVersion")
    kind: str
    metadata: Metadata
    spec: Any

