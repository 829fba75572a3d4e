"""Rendering and writing generated files for ``fitsm new`` and ``fitsm init``.

Templates are Jinja2 files below ``templates/`` (shipped as ``fitsm_kit/templates``), rendered with
``StrictUndefined`` so a missing value is a bug rather than an empty field. Every rendered document is
validated against its kind before it is written, and nothing is ever written over an existing file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import yaml

from fitsm_kit.atomic import create
from fitsm_kit.errors import FitsmError
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.resources import data_dir
from fitsm_kit.sms.loader import LoadProblem, iter_documents
from fitsm_kit.yamltext import flow_list, scalar


def yaml_scalar(value: Any) -> str:
    """``value`` as a YAML scalar that reads back as the same value (:func:`fitsm_kit.yamltext.scalar`)."""
    return scalar(value)


def yaml_list(values: Any) -> str:
    """A flow sequence of scalars, ``[a, b]``."""
    return flow_list(list(values))


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment: strict about undefined values, no HTML escaping (this is YAML)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["yaml"] = yaml_scalar
    env.filters["yaml_list"] = yaml_list
    return env


def kebab(kind: str) -> str:
    """``ServiceReview`` -> ``service-review``, ``SLA`` -> ``sla``: template names and default id prefixes."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", kind).lower()


def template_name(kind: str) -> str:
    return f"documents/{kebab(kind)}.yaml.j2"


def render(kind: str, values: Mapping[str, Any], template: str = "") -> str:
    """Render ``kind``'s template (or ``template``) and prove the result is a valid document of that kind."""
    record = KINDS[kind].record
    text = environment().get_template(template or template_name(kind)).render(kind=kind, record=record, **values)
    validate(kind, text)
    return text


def validate(kind: str, text: str) -> None:
    """Raise if ``text`` is not exactly one valid ``kind`` document: a template bug, not a user error."""
    docs = list(iter_documents(text))
    if len(docs) != 1 or isinstance(docs[0], LoadProblem):
        raise RuntimeError(f"template for {kind} rendered invalid YAML: {docs[0] if docs else 'no document'}")
    KINDS[kind].model_validate(docs[0][1])  # a ValidationError here is a bug in the template


def write_new(path: Path, text: str, within: Path | None = None) -> None:
    """Create ``path`` with ``text``, atomically, never over an existing file nor through a link out of
    ``within`` (see :func:`fitsm_kit.atomic.create`)."""
    if not create(path, text, within=within):
        raise FitsmError(f"{path} already exists; it was left unchanged (choose another id, or move it away)")


@functools.cache
def process_info() -> dict[str, dict[str, Any]]:
    """FitSM-2 name, objective, inputs and outputs per process code (``data/processes.yaml``)."""
    text = resources.files("fitsm_kit").joinpath("data/processes.yaml").read_text(encoding="utf-8")
    return {p["code"]: p for p in yaml.safe_load(text)}
