"""Run a check: discover files, load and validate documents, index them, run rules, filter findings."""

from __future__ import annotations

import datetime as dt
import fnmatch
import gc
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fitsm_kit import doccontrol, waivers
from fitsm_kit import rules as _rules  # noqa: F401  (registers the rules)
from fitsm_kit.config import CONFIG_NAME, Config, config_name
from fitsm_kit.discovery import Source, read_sources
from fitsm_kit.findings import Finding, Result, Severity
from fitsm_kit.index import Doc, Sms, references
from fitsm_kit.loader import YMap, load_bytes
from fitsm_kit.matrix import excluded_processes
from fitsm_kit.model import KINDS
from fitsm_kit.positions import position
from fitsm_kit.rules.base import REGISTRY, Context, Problem, Rule, run
from fitsm_kit.rules.structural import STRUCTURAL
from fitsm_kit.selection import rule_requirements, selected


class RuleCrash(Exception):
    """A rule raised: that is a bug in fitsm-kit, not in the SMS."""

    def __init__(self, rule: str) -> None:
        super().__init__(f"rule {rule} crashed")
        self.rule = rule


class _Collector:
    """Turns problems into findings for one run."""

    def __init__(self, config_file: str = CONFIG_NAME) -> None:
        self.findings: list[Finding] = []
        self.config_file = config_file  # where findings about the SMS as a whole go

    def add(self, path: str, pos: tuple[int, int], name: str, message: str, fix: str, *,
            requirement: str | None = None, document: str = "", severity: Severity = Severity.ERROR) -> None:
        req = requirement or STRUCTURAL[name][0]
        self.findings.append(Finding(path, pos[0], pos[1], req, name, message, severity, fix, document))

    def problem(self, rule: Rule, problem: Problem) -> None:
        doc = problem.doc
        path, pos, doc_id = self.config_file, (1, 1), ""
        if doc is not None:
            path, pos, doc_id = doc.path, position(doc.raw, problem.loc, (doc.line, 1)), doc.id
        self.findings.append(Finding(path, pos[0], pos[1], rule.requirement, rule.name, problem.message,
                                     rule.severity, problem.fix or rule.fix, doc_id))


def load_sms(root: Path, config: Config, as_of: dt.date, out: _Collector,
             sources: list[Source] | None = None) -> tuple[Sms, int]:
    """Read every file into the SMS index; what cannot be read becomes findings in ``out``.

    ``sources``: the files as the caller already read them (the CLI hashes them for the result cache).
    """
    sms = Sms(config=config, as_of=as_of)
    if sources is None:
        sources = read_sources(root, config.exclude)
    for source in sources:
        if source.data is None:
            assert source.refused is not None
            rule, problem = source.refused
            out.add(source.rel, (problem.line, problem.col), rule, problem.message, problem.fix)
            continue
        loaded = load_bytes(source.data, source.rel)
        for p in loaded.problems:
            out.add(source.rel, (p.line, p.col), "yaml-syntax", p.message, p.fix)
        for line, data in loaded.documents:
            doc = _validate(source.rel, line, data, out)
            if doc is None:
                sms.invalid_ids.add(_raw_id(data))
            else:
                clash = sms.add(doc)
                if clash is not None:
                    out.add(source.rel, position(doc.raw, ("metadata", "id")), "duplicate-id",
                            f"id {doc.id!r} is already used by {clash.kind} at {clash.path}:{clash.line}",
                            "give this document a unique id", document=doc.id)
    return sms, len(sources)


def _validate(path: str, line: int, data: Any, out: _Collector) -> Doc | None:
    if data is None:
        return None  # an empty document (e.g. a trailing '---') is harmless
    if not isinstance(data, YMap):
        out.add(path, (line, 1), "document-shape", f"document is a {_type_name(data)}, not a mapping",
                "write the document as apiVersion / kind / metadata / spec")
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        where = position(data, ("kind",), data.pos)
        if kind is None:
            out.add(path, where, "document-shape", "document has no 'kind'", "add e.g. 'kind: SLA'")
        else:
            out.add(path, where, "unknown-kind", f"unknown kind {kind!r}",
                    f"use one of: {', '.join(sorted(KINDS))}")
        return None
    try:
        model = KINDS[kind].model_validate(data)
    except ValidationError as err:
        doc_id = _raw_id(data)
        for e in err.errors(include_url=False):
            loc = tuple(e["loc"])
            field = ".".join(str(p) for p in loc)
            msg, fix = _schema_message(e["type"], e["msg"], field)
            where = position(data, loc, data.pos, at_key=e["type"] == "extra_forbidden")
            out.add(path, where, "schema", msg, fix, document=doc_id)
        return None
    return Doc(path, line, data, model)


def _raw_id(data: Any) -> str:
    """The id an unvalidated document claims, so references to it are not reported as dangling too."""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    doc_id = metadata.get("id") if isinstance(metadata, dict) else None
    return doc_id if isinstance(doc_id, str) else ""


def _type_name(value: Any) -> str:
    # isinstance, not type(): the loader's YList / YInt / YFloat are subclasses; bool before int
    names = ((bool, "boolean"), (str, "string"), (list, "list"), ((int, float), "number"))
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


def _schema_message(kind: str, msg: str, field: str) -> tuple[str, str]:
    if kind == "missing":
        return f"missing required field '{field}'", f"add '{field.rsplit('.', 1)[-1]}'"
    if kind == "extra_forbidden":
        return (f"unknown field '{field}'",
                "check the spelling against 'fitsm schema KIND', or prefix custom fields with 'x-'")
    return f"{field}: {msg}", "fix the value; 'fitsm schema KIND' shows what is allowed"


def _check_references(sms: Sms, out: _Collector) -> None:
    for doc in sms.docs:
        for ref in references(doc.model):
            target = sms.by_id.get(ref.target)
            kinds = ref.ref.kinds
            if (target is not None and (not kinds or target.kind in kinds)) or ref.target in sms.invalid_ids:
                continue  # resolved, or its target is already reported as invalid
            expected = " or ".join(kinds) if kinds else "document"
            if target is None:
                message = f"{ref.target!r} does not name any {expected} in the SMS"
            else:
                message = f"{ref.target!r} is a {target.kind}, expected {expected}"
            out.add(doc.path, position(doc.raw, ref.loc), "unresolved-reference", message,
                    f"use the id of an existing {expected}", requirement=ref.ref.requirement, document=doc.id)


def read_sms(root: Path, config: Config, as_of: dt.date) -> Sms:
    """The SMS index for commands that use the SMS rather than check it (what cannot load is left out)."""
    sms, _ = load_sms(root, config, as_of, _Collector())
    return sms


def check(root: Path, config: Config, as_of: dt.date) -> Result:
    """Check the SMS at ``root``; the only inputs are the files, the config and ``as_of``."""
    return check_sms(root, config, as_of)[1]


def check_sms(root: Path, config: Config, as_of: dt.date,
              sources: list[Source] | None = None) -> tuple[Sms, Result]:
    """:func:`check`, and the SMS index it built (for commands that show the SMS too, like render).

    ``sources``: the SMS files as the caller already read them (see :func:`load_sms`).
    """
    # The SMS is a large tree of objects without reference cycles: the cyclic collector would rescan it
    # again and again as it grows (half of the load time at 5,000 documents) and free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(root, config, as_of, sources)
    finally:
        if collecting:
            gc.enable()


def _check(root: Path, config: Config, as_of: dt.date, sources: list[Source] | None) -> tuple[Sms, Result]:
    out = _Collector(config_name(root))
    chosen = [r for r in REGISTRY.values() if selected(r.name, r.requirement, config.select, config.ignore)]
    chosen.sort(key=lambda r: r.history)  # rules that need Git history last, while it is read
    git = doccontrol.HistorySource(root, config, prefetch=any(r.history for r in chosen))
    sms, files = load_sms(root, config, as_of, out, sources)
    _check_references(sms, out)
    ctx = Context(sms=sms, config=config, as_of=as_of, git=git)
    for rule in chosen:
        try:
            for problem in run(rule, ctx):
                out.problem(rule, problem)
        except Exception as err:
            raise RuleCrash(rule.name) from err
    done = waivers.apply((_finalise(f, config) for f in out.findings if _kept(f, config)), sms, config, as_of)
    own = [_finalise(f, config) for f in done.problems if _kept(f, config)]
    return sms, Result(root=str(root), as_of=as_of.isoformat(), findings=tuple(sorted(done.findings + own)),
                       documents=len(sms.docs), files=files, waived=tuple(sorted(done.waived)),
                       excluded_processes=excluded_processes(sms), notices=git.notices,
                       checks=tuple(name for name, req in rule_requirements().items()
                                    if selected(name, req, config.select, config.ignore)))


def _kept(f: Finding, config: Config) -> bool:
    if not selected(f.rule, f.requirement, config.select, config.ignore):
        return False
    return not any(fnmatch.fnmatch(f.path, glob) and selected(f.rule, f.requirement, ids, [])
                   for glob, ids in config.per_path_ignores.items())


def _finalise(f: Finding, config: Config) -> Finding:
    level = config.severity.get(f.rule)
    if level is None or level is f.severity:
        return f
    return Finding(f.path, f.line, f.col, f.requirement, f.rule, f.message, level, f.fix, f.document)
