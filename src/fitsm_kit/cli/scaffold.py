"""``fitsm init`` and ``fitsm new``: start an SMS, add documents from templates (prompts live here)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fitsm_kit.cli.common import SmsOption, app, display_root, err, out, prompt
from fitsm_kit.escape import safe, safe_lines


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to create the SMS (created if missing).")] = Path("."),
    organisation: Annotated[str | None, typer.Option(help="The service provider's name.")] = None,
    owner: Annotated[str | None, typer.Option(help="The SMS owner, as 'Name <email>'.")] = None,
    manager: Annotated[str | None, typer.Option(help="The SMS manager, as 'Name <email>'.")] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; what is not given stays a TODO.")]
        = False,
) -> None:
    """Create a new SMS repository: config, skeleton documents, schemas, pre-commit, CI, README."""
    from fitsm_kit.scaffold import init

    init.refuse_existing(directory.absolute())
    answers = {"organisation": organisation, "owner": owner, "manager": manager}
    if not no_input:
        for key, text in (("organisation", "Organisation (the service provider)"),
                          ("owner", "SMS owner, a member of top management ('Name <email>')"),
                          ("manager", "SMS manager ('Name <email>')")):
            if answers[key] is None:
                answers[key] = prompt(f"{text}, empty to fill in later", "")
    outcome = init.init(directory, init.options(answers["organisation"], answers["owner"], answers["manager"]))
    for rel in outcome.kept:
        out.print(f"kept {safe(str(rel))} (it exists; not overwritten)", markup=False)
    for rel, text in outcome.snippets:
        out.print(f"{safe(str(rel))} exists; not overwritten. Add this to it:\n{safe_lines(text)}", markup=False)
    out.print(f"Created an SMS in {safe(str(outcome.root))}: {len(outcome.written)} files; git: {outcome.git}.",
              markup=False)
    out.print(f"Next: cd {safe(str(directory))} && fitsm check   # lists what is still to be filled in; the "
              "baseline (fitsm-baseline.json) keeps it from failing commits", markup=False)


@app.command("new")
def new_command(
    kind: Annotated[str, typer.Argument(help="The kind: SLA, ola, service, customer, risk, service-review, …",
                                        autocompletion=_complete_new_kinds)],
    doc_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="The new document's id.")] = None,
    title: Annotated[str | None, typer.Option(help="metadata.title")] = None,
    owner: Annotated[str | None, typer.Option(help="metadata.owner: a Person id")] = None,
    values: Annotated[list[str] | None, typer.Option("--set", help="KEY=VALUE for any question, e.g. "
                                                     "customer=bio-institute, services=a,b")] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; take defaults.")] = False,
    sms: SmsOption = Path("."),
) -> None:
    """Write a new document of KIND from its template, offering references from the SMS; never overwrites."""
    from fitsm_kit.scaffold import new as scaffold

    given = dict(_key_value(v) for v in values or [])
    given |= {k: v for k, v in (("title", title), ("owner", owner)) if v is not None}
    draft = scaffold.start(sms, kind)
    answers = scaffold.answer(draft, doc_id, given, None if no_input else _ask)
    path = scaffold.create(draft, answers)
    out.print(f"wrote {safe(str(display_root(path)))} ({draft.kind} {safe(str(answers['id']))})", markup=False)
    if draft.schema_written is not None:
        out.print(f"wrote {safe(str(display_root(draft.schema_written)))} (the JSON Schema its modeline names, for "
                  "editors; 'fitsm schema --write schemas' refreshes them all)", markup=False)


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--set")
    return key.strip(), value


def _ask(question: object, error: str) -> str:
    """Prompt for one ``fitsm new`` question on the terminal, showing the candidates from the SMS."""
    from fitsm_kit.scaffold.questions import Question

    assert isinstance(question, Question)
    if error:
        err.print(f"  {safe(error)}", markup=False)
    if question.choices:
        out.print(f"  {question.name}: {safe(', '.join(question.choices))}", markup=False)
    many = " (comma-separated)" if question.many else ""
    return prompt(f"{question.prompt}{many}", ", ".join(question.default))


def _complete_new_kinds(incomplete: str) -> list[str]:
    """Shell completion of what ``fitsm new`` takes: a kind (``SLA``), its kebab-case form or an alias."""
    from fitsm_kit.scaffold.new import kind_names

    return sorted(n for n in kind_names() if n.startswith(incomplete))
