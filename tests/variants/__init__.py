"""Requirement variants: the clean example with one requirement's evidence removed or broken.

Each family module (``gr.py``, ``pr.py``) defines ``VARIANTS``: a list of :class:`Variant`. A variant
names the requirement and rule it must trigger and a mutation applied to a copy of ``examples/acme`` (or of
the example its ``base`` names, e.g. ``federation``).
``tests/test_coverage.py`` runs every variant and checks that the rule fires with that requirement ID;
the clean example itself is every rule's passing case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Variant:
    requirement: str
    rule: str
    mutate: Mutation
    description: str = ""
    base: str = "acme"  # the example under examples/ the mutation applies to

    @property
    def id(self) -> str:
        return (f"{self.requirement}-{self.rule}" + (f"-{self.description}" if self.description else "")
                + ("" if self.base == "acme" else f"-{self.base}"))


def replace(path: str, old: str, new: str, count: int = 1) -> Mutation:
    """Replace ``old`` (which must occur) by ``new`` in one example file."""

    def mutate(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, count), encoding="utf-8")

    return mutate


def sub(path: str, pattern: str, new: str, count: int = 1) -> Mutation:
    """Regex-substitute in one example file; the pattern must match."""

    def mutate(root: Path) -> None:
        file = root / path
        text, n = re.subn(pattern, new, file.read_text(encoding="utf-8"), count=count, flags=re.M)
        assert n, f"{pattern!r} not found in {path}"
        file.write_text(text, encoding="utf-8")

    return mutate


def drop_document(path: str, doc_id: str) -> Mutation:
    """Remove the document with ``metadata.id: doc_id`` from a multi-document file (or the file)."""

    def mutate(root: Path) -> None:
        file = root / path
        docs = file.read_text(encoding="utf-8").split("\n---\n")
        kept = [d for d in docs if not re.search(rf"^  id: {re.escape(doc_id)}\s*$", d, re.M)]
        assert len(kept) < len(docs), f"{doc_id} not in {path}"
        if kept:
            file.write_text("\n---\n".join(kept), encoding="utf-8")
        else:
            file.unlink()

    return mutate


def add_file(path: str, text: str) -> Mutation:
    def mutate(root: Path) -> None:
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")

    return mutate


def chain(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for m in mutations:
            m(root)

    return mutate
