"""GR2 Documentation (DOC): key documents, process definitions, process outputs and records."""

from __future__ import annotations

from collections.abc import Iterator

from fitsm_kit.model.base import ProcessCode
from fitsm_kit.model.general import Process
from fitsm_kit.rules.base import Context, Doc, Problem, rule
from fitsm_kit.rules.general import in_scope_processes


@rule("GR2.2", "process-definitions", fix="add a Process document for each process in scope")
def process_definitions(ctx: Context) -> Iterator[Problem]:
    """Each process in scope has exactly one complete definition.

    Complete means goals, inputs, activities, outputs, roles and interfaces are all described. The
    processes in scope are the scope statement's ``spec.processes`` (all 14 by default).
    """
    defined: dict[ProcessCode, list[Doc]] = {}
    for doc in ctx.sms.of_kind("Process"):
        assert isinstance(doc.model, Process)
        defined.setdefault(doc.model.spec.code, []).append(doc)
    for code in in_scope_processes(ctx):
        docs = defined.get(code, [])
        if not docs:
            yield Problem(None, (), f"process {code.value} is in scope but has no Process definition")
        for extra in docs[1:]:
            yield Problem(extra, ("spec", "code"), f"process {code.value} is defined more than once "
                          f"(also in {docs[0].path})", "keep one definition per process")
    for docs in defined.values():
        for doc in docs:
            spec = doc.spec
            for part in ("goals", "inputs", "activities", "outputs", "roles", "interfaces"):
                if not getattr(spec, part):
                    yield Problem(doc, ("spec",), f"process definition has no {part}",
                                  f"describe the process's {part} under spec.{part}")
