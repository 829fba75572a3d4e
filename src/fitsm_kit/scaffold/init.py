"""``fitsm init [DIR]``: a new SMS repository that already knows what FitSM asks for.

It writes the configuration, skeleton documents for the general requirements (policy, scope and
stakeholders, service management plan, role assignments, the 14 process definitions and the two
people they name), the JSON Schemas for editors, pre-commit and CI configuration, CODEOWNERS and a
README, then runs ``git init`` unless DIR is already in a repository. The website needs no
configuration file: ``fitsm render`` writes its own ``mkdocs.yml`` into a build directory, and
``.gitignore`` keeps its output (``site/``) out of Git.

The skeleton documents are valid: what is missing is a ``TODO`` placeholder or an empty list that a
rule reports with a fix hint, so ``fitsm check`` right after ``init`` is the to-do list of the SMS.
Nothing is ever overwritten: files that exist are kept and reported, and ``fitsm.yaml`` is written
last, so an interrupted ``init`` can simply be run again.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fitsm_kit import __version__
from fitsm_kit.engine import baseline
from fitsm_kit.engine.load import read_sms
from fitsm_kit.engine.run import check
from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol import codeowners
from fitsm_kit.gitcontrol.repo import work_tree
from fitsm_kit.model import schemas
from fitsm_kit.model.base import ProcessCode, one_plain_line
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.scaffold.new import SCHEMA_DIR
from fitsm_kit.scaffold.templating import environment, process_info, render, write_new
from fitsm_kit.sms.config import CONFIG_NAME, Config, load_config

PROJECT_URL = "https://github.com/fitsm-kit/fitsm-kit"
CODEOWNERS = "CODEOWNERS"  # at the root, where GitHub and GitLab both look
HOOK_ID = "fitsm-check"  # the hook in this project's .pre-commit-hooks.yaml


@dataclass(frozen=True)
class Party:
    """A person ``init`` creates a record for; without a name their fields stay placeholders."""

    role: str  # "SMS owner" / "SMS manager": used in the placeholders
    fallback_id: str
    name: str = ""
    email: str = ""

    @property
    def id(self) -> str:
        ascii_name = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
        return slug or self.fallback_id


@dataclass(frozen=True)
class Options:
    organisation: str = ""
    owner: Party = Party("SMS owner", "sms-owner")
    manager: Party = Party("SMS manager", "sms-manager")
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Outcome:
    """What ``init`` did, for the command to report."""

    root: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # existed already; left untouched
    snippets: list[tuple[str, str]] = field(default_factory=list)  # (existing repository file, what to add)
    git: str = ""  # "initialised", "existing" or why it was not run


def refuse_existing(root: Path) -> None:
    """Refuse a directory that holds an SMS or lies inside one."""
    for candidate in (root, *root.parents):
        if (candidate / CONFIG_NAME).is_file():
            where = "already holds" if candidate == root else f"is inside the SMS at {candidate}, which holds"
            raise FitsmError(f"{root} {where} an SMS ({candidate / CONFIG_NAME}); 'fitsm init' never writes "
                             "into an existing SMS. Use 'fitsm new KIND' to add documents to it")
    if root.exists() and not root.is_dir():
        raise FitsmError(f"{root} exists and is not a directory")


# Files that work only at the top of the repository: pre-commit and CI read them there.
REPOSITORY_FILES = (".pre-commit-config.yaml", ".github/workflows/fitsm.yml", ".gitlab-ci.yml")


def files(options: Options, sms_path: str = "") -> dict[str, str]:
    """Every file ``init`` writes, root-relative path -> text; ``fitsm.yaml`` comes last.

    ``sms_path``: where the SMS is in an existing repository ("" at its top); the hook and CI name it,
    and the SMS uses that repository's history (``document_control.git: true``).
    """
    out: dict[str, str] = {}
    for rel, kind, values in _documents(options):
        depth = rel.count("/")
        values["schema"] = "../" * depth + f"{SCHEMA_DIR}/{schemas.schema_file(kind)}"
        out[rel] = render(kind, values, "init/roles.yaml.j2" if kind == "RoleAssignment" else "")
    for kind in sorted(KINDS):
        out[f"{SCHEMA_DIR}/{schemas.schema_file(kind)}"] = schemas.render(kind)
    context = {"project_url": PROJECT_URL, "version": __version__, "hook_id": HOOK_ID,
               "organisation_title": options.organisation or "this organisation", "sms_path": sms_path,
               "path_arg": f" {sms_path}" if sms_path else ""}
    for rel, name in (("README.md", "README.md.j2"), (".gitignore", "gitignore.j2"),
                      (".pre-commit-config.yaml", "pre-commit-config.yaml.j2"),
                      (".github/workflows/fitsm.yml", "github-workflow.yml.j2"),
                      (".gitlab-ci.yml", "gitlab-ci.yml.j2"), (CONFIG_NAME, "fitsm.yaml.j2")):
        out[rel] = environment().get_template(f"init/{name}").render(**context)
    return out


def _documents(options: Options) -> list[tuple[str, str, dict[str, Any]]]:
    owner, manager = options.owner, options.manager
    base = {"today": options.today.isoformat(), "owner": manager.id, "review_interval": "P12M",
            "processes": process_info()}
    docs: list[tuple[str, str, dict[str, Any]]] = []
    for party, top in ((owner, True), (manager, False)):
        if party is manager and manager.id == owner.id:
            continue  # one person holds both roles
        docs.append((f"people/{party.id}.yaml", "Person", {
            **base, "id": party.id, "title": party.name or party.role, "top_management": top,
            "name": party.name or f"TODO: full name of the {party.role}",
            "email": party.email or f"TODO: e-mail of the {party.role}"}))
    org = options.organisation
    docs += [
        ("general/policy.yaml", "Policy", {**base, "id": "sm-policy", "owner": owner.id,
                                           "title": f"{org} service management policy".strip()}),
        ("general/scope.yaml", "Scope", {**base, "id": "sms-scope", "owner": owner.id, "services": [],
                                         "organisations": [org] if org else [],
                                         "title": "Scope of the SMS and stakeholder analysis"}),
        ("general/plan.yaml", "Plan", {**base, "id": "sm-plan", "title": "Service management plan",
                                       "process": None, "aligned_with": None}),
        ("general/roles.yaml", "RoleAssignment", {**base, "id": "role-assignments", "owner": owner.id,
                                                  "title": "FitSM-3 role assignments", "sms_owner": owner.id,
                                                  "sms_manager": manager.id,
                                                  "codes": [c.value for c in ProcessCode]}),
    ]
    for code in ProcessCode:
        info = process_info()[code.value]
        docs.append((f"processes/{code.value.lower()}.yaml", "Process", {
            **base, "id": f"process-{code.value.lower()}", "owner": owner.id, "code": code.value,
            "title": f"{info['name'].capitalize()} ({code.value})"}))
    return docs


def init(root: Path, options: Options) -> Outcome:
    """Create the SMS repository at ``root`` (created if missing), or an SMS in a directory of an existing one.

    In an existing repository the pre-commit and CI files and CODEOWNERS go to its top, where they take
    effect; where one exists there already, the snippet to add is returned instead. Last, the baseline
    records the skeleton's to-do list, so the first commit passes the hook while ``fitsm check`` lists it.
    """
    root = root.absolute()
    refuse_existing(root)
    top = work_tree(root)
    sms_path = root.resolve().relative_to(top).as_posix() if top is not None and top != root.resolve() else ""
    planned = files(options, sms_path)  # rendered and validated before anything is written
    config_text = planned.pop(CONFIG_NAME)
    outcome = Outcome(root)
    top_dir = top if sms_path and top is not None else root
    for rel, text in planned.items():
        if rel in REPOSITORY_FILES and sms_path:
            _write(outcome, rel, text, top=top_dir)
        else:
            _write(outcome, rel, text)
    outcome.git = git_init(root)
    _write(outcome, CODEOWNERS, codeowners_text(root, options.today), top=top_dir)
    _write(outcome, CONFIG_NAME, config_text)  # last: only a complete SMS is marked as one
    _write(outcome, baseline.FILE, baseline_text(root))
    return outcome


def baseline_text(root: Path) -> str:
    """The baseline of the new SMS: its to-do list, which ``fitsm check`` lists and which fails no commit."""
    config = load_config(root)
    return baseline.render(check(root, config, config.as_of or dt.date.today()))


def _write(outcome: Outcome, rel: str, text: str, *, top: Path | None = None) -> None:
    """Write ``rel`` below the SMS root (or below the repository's ``top``); never over an existing file."""
    base = top or outcome.root
    path = base / rel
    shown = rel if base == outcome.root else os.path.relpath(path, outcome.root)
    if path.exists() or path.is_symlink():
        if top is not None and top != outcome.root:
            outcome.snippets.append((shown, text))  # the user merges it into their own file
        else:
            outcome.kept.append(shown)
        return
    write_new(path, text, within=base)
    outcome.written.append(shown)


def codeowners_text(root: Path, today: dt.date) -> str:
    """CODEOWNERS as ``fitsm codeowners`` generates it from the documents just written.

    The people have no GitHub / GitLab user names yet, so it lists them as missing; once their Person
    records name them, ``fitsm codeowners`` regenerates the file (it carries the generator's marker).
    """
    sms = read_sms(root, Config(), today)
    _, owners = codeowners.plan(root, sms, "github")
    return codeowners.render(owners, "github")


def git_init(root: Path) -> str:
    """Run ``git init`` unless ``root`` is already inside a Git work tree."""
    git = shutil.which("git")
    if git is None:
        return "git is not installed; run 'git init' yourself"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k.startswith("GIT_CONFIG")}
    inside = subprocess.run([git, "rev-parse", "--is-inside-work-tree"], cwd=root, env=env,
                            capture_output=True, text=True, check=False)
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        return "existing"
    done = subprocess.run([git, "init", "--quiet"], cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"'git init' failed: {done.stderr.strip()}"
    return "initialised"


def options(organisation: str | None = None, owner: str | None = None, manager: str | None = None,
            today: dt.date | None = None) -> Options:
    """Options from the command line: people as ``Name <email>`` (either part may be missing)."""
    return Options(organisation=(organisation or "").strip(), owner=party(owner, "SMS owner", "sms-owner"),
                   manager=party(manager, "SMS manager", "sms-manager"), today=today or dt.date.today())


def party(text: str | None, role: str, fallback_id: str) -> Party:
    """``Name <email>``, ``Name`` or ``email`` as a :class:`Party`."""
    match = re.fullmatch(r"\s*(.*?)\s*(?:<\s*([^<>]*?)\s*>)?\s*", text or "")
    name, email = (match.group(1), match.group(2) or "") if match else ("", "")
    if not email and "@" in name and " " not in name:
        name, email = "", name
    for value in (name, email):  # they go into commit trailers and CODEOWNERS: one plain line, or refused now
        try:
            one_plain_line(value)
        except ValueError as e:
            raise FitsmError(f"the {role} {value!r}: {e}") from None
    return Party(role, fallback_id, name, email)
