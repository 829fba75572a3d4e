"""Run a check: discover files, load and validate documents, index them, run rules, filter findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import gc
from pathlib import Path

from fitsm_kit import rules as _rules  # noqa: F401  (registers the rules)
from fitsm_kit.engine import waivers
from fitsm_kit.engine.collect import Collector, bounded
from fitsm_kit.engine.load import load_sms
from fitsm_kit.engine.references import check_references
from fitsm_kit.engine.selection import rule_requirements, selected
from fitsm_kit.errors import FitsmError
from fitsm_kit.findings import Finding, Result
from fitsm_kit.gitcontrol import doccontrol
from fitsm_kit.gitcontrol.reading import Begun
from fitsm_kit.model.base import Status
from fitsm_kit.rules.base import REGISTRY, Context, Rule, readable, run
from fitsm_kit.sms.config import Config, config_name
from fitsm_kit.sms.discovery import Source
from fitsm_kit.sms.index import Sms, excluded_processes


class RuleCrash(Exception):
    """A rule raised: that is a bug in fitsm-kit, not in the SMS."""

    def __init__(self, rule: str) -> None:
        super().__init__(f"rule {rule} crashed")
        self.rule = rule


def check(root: Path, config: Config, as_of: dt.date) -> Result:
    """Check the SMS at ``root``; the only inputs are the files, the config and ``as_of``."""
    return check_sms(root, config, as_of)[1]


def check_sms(root: Path, config: Config, as_of: dt.date, sources: list[Source] | None = None, *,
              approval_base: str | None = None, history: Begun | None = None) -> tuple[Sms, Result]:
    """:func:`check`, and the SMS index it built (for commands that show the SMS too, like render).

    ``sources``: the SMS files as the caller already read them (see :func:`load_sms`).
    ``approval_base``: the branch a pull request targets; changes on HEAD are pending approval against
    it (without it: against the default branch, when HEAD is not on it).
    ``history``: what :func:`fitsm_kit.gitcontrol.reading.start` returned for ``root`` and ``config``, when
    the caller began reading history before importing this module (used when a selected rule needs it).
    """
    # The SMS is a large tree of objects without reference cycles: the cyclic collector would rescan it
    # again and again as it grows (half of the load time at 5,000 documents) and free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(root, config, as_of, sources, approval_base, history)
    finally:
        if collecting:
            gc.enable()


def _check(root: Path, config: Config, as_of: dt.date, sources: list[Source] | None,
           approval_base: str | None, history: Begun | None) -> tuple[Sms, Result]:
    out = Collector(config_name(root))
    chosen = [r for r in REGISTRY.values() if selected(r.name, r.requirement, config.select, config.ignore)]
    chosen.sort(key=lambda r: r.history)  # rules that need Git history last, while it is read
    git = doccontrol.HistorySource(root, config, prefetch=any(r.history for r in chosen),
                                  base=approval_base, started=history)
    sms, files = load_sms(root, config, as_of, out, sources)
    unresolved = check_references(sms, out)
    ctx = Context(sms=sms, config=config, as_of=as_of, git=git)
    held: dict[str, list[str]] = {}  # rule -> why it held back (a document it needs could not be read)
    for rule in chosen:
        rule_ctx = dataclasses.replace(ctx, held=[])
        try:
            for problem in run(rule, rule_ctx):
                out.problem(rule, problem)
        except FitsmError:
            raise  # unreadable input a rule ran into (a commit Git cannot date): exit 2, naming it
        except Exception as err:
            raise RuleCrash(rule.name) from err
        if rule_ctx.held:
            held[rule.name] = rule_ctx.held
    done = waivers.apply((_finalise(f, config) for f in out.findings if _kept(f, config)), sms, config, as_of,
                         held_back=set(held))
    own = [_finalise(f, config) for f in done.problems if _kept(f, config)]
    dropped = [(_finalise(f, config), n) for f, n in out.dropped.values() if _kept(f, config)]
    findings, bounded_notices = bounded(tuple(done.findings + own), dropped)
    findings = tuple(sorted(findings, key=_root_causes_first))
    young = not any(d.model.metadata.status is Status.APPROVED for d in sms.docs)
    kinds = tuple(sorted({(f.document, sms.by_id[f.document].kind) for f in findings
                          if f.document in sms.by_id})) if young else ()
    return sms, Result(root=str(root), as_of=as_of.isoformat(), findings=findings, young_kinds=kinds,
                       documents=len(sms.docs), files=files, waived=tuple(sorted(done.waived)),
                       excluded_processes=excluded_processes(sms), notices=git.notices + bounded_notices,
                       checks=tuple(name for name, req in rule_requirements().items()
                                    if selected(name, req, config.select, config.ignore)),
                       no_evidence=_without_evidence(chosen, ctx, unresolved, held))


def _without_evidence(chosen: list[Rule], ctx: Context, unresolved: list[tuple[str, str]],
                      held: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    """The requirements none of whose rules had anything to check, or one of whose rules could not judge,
    with what is missing.

    Absence of evidence is not conformity: no services means PR1.1 was not checked, not that it holds;
    a policy approval that cannot be compared with a broken SMS owner assignment was not checked either,
    nor were the SLAs of a file that does not parse, nor a reference to one of them (``unresolved``), nor
    what a rule held back on because a document it needs could not be read (``held``, per rule).
    """
    missing: dict[str, list[str | None]] = {}
    blocked: dict[str, list[str]] = {}
    for requirement, reason in unresolved:
        blocked.setdefault(requirement, []).append(reason)
    for rule in chosen:
        missing.setdefault(rule.requirement, []).append(rule.evidence(ctx) if rule.evidence else None)
        if rule.intact is not None and (broken := rule.intact(ctx)):
            blocked.setdefault(rule.requirement, []).append(broken)
        if rule.kinds and (unread := readable(*rule.kinds)(ctx)):  # it judged without the unread ones
            blocked.setdefault(rule.requirement, []).append(unread)
        if rule.name in held:
            blocked.setdefault(rule.requirement, []).extend(held[rule.name])
    notes: dict[str, list[str]] = {req: [n for n in found if n] for req, found in missing.items() if all(found)}
    for req, reasons in blocked.items():
        notes[req] = [*notes.get(req, []), *reasons]
    return tuple((req, "; ".join(dict.fromkeys(found))) for req, found in sorted(notes.items()))


# What stops a file or document from being read at all: listed first, since later findings may follow from it.
_ROOT_CAUSES = frozenset(("yaml-syntax", "unsafe-path", "document-shape", "unknown-kind", "duplicate-id", "schema"))


def _root_causes_first(f: Finding) -> tuple[bool, Finding]:
    return f.rule not in _ROOT_CAUSES, f


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
