"""What a rule is: a small documented check tied to one FitSM requirement.

A rule is a function decorated with :func:`rule`. Rules with ``kinds`` are called once per document
of those kinds as ``check(doc, ctx)``; rules without are called once per SMS as ``check(ctx)``. Either
way they yield :class:`Problem` objects; the engine turns them into frozen findings with the file
position, requirement, rule name, severity and fix hint. The docstring is the rule's documentation:
its first line is the summary ``fitsm explain`` prints.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from fitsm_kit.findings import Severity
from fitsm_kit.model.base import Status
from fitsm_kit.model.catalogue import requirements
from fitsm_kit.model.dates import parse_interval
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.index import Doc, Sms

if TYPE_CHECKING:
    from fitsm_kit.gitcontrol.doccontrol import GitHistory, HistorySource

T = TypeVar("T")

@dataclass(frozen=True)
class Problem:
    """What a rule found, at a path inside a document; the engine adds everything else.

    ``doc`` is None for something missing from the SMS as a whole; it is reported at ``fitsm.yaml``.
    """

    doc: Doc | None
    loc: tuple[str | int, ...]
    message: str
    fix: str = ""


@dataclass(frozen=True)
class Context:
    """What every rule may read: the SMS, the configuration and the date that counts as today.

    ``history`` is the SMS's Git history (``ctx.history.record(id)``, ``ctx.history.last_review(id, as_of)``),
    read when a rule first asks; None when there is none to trust (no Git, a shallow clone, Git use
    switched off): rules that need it then check nothing, and the run's notices say why.

    ``held`` collects why the rule running with this context held back (see :meth:`all_read`); the engine
    gives each rule its own and shows the rule's requirement as "no-evidence" with these reasons.
    """

    sms: Sms
    config: Config
    as_of: dt.date
    git: HistorySource | None = None
    held: list[str] = field(default_factory=list, compare=False)
    _known: dict[Hashable, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def history(self) -> GitHistory | None:
        return self.git.get(self.sms) if self.git is not None else None

    def all_read(self, *kinds: str) -> bool:
        """Whether every document of ``kinds`` was read; a rule asks before it says one is missing (or judges
        all of them), and holds back when not: the document that could not be read may be the one.

        False also notes why (``"Policy in general/policy.yaml could not be read"``), so the rule's requirement
        is shown as "no-evidence", never as satisfied.
        """
        unread = readable(*kinds)(self)
        if unread is not None:
            self._hold(unread)
        return unread is None

    def unread_id(self, doc_id: str, *kinds: str) -> bool:
        """Whether ``doc_id``, which names no document of ``kinds`` that was read, may name one that could not be
        read (see :meth:`Sms.maybe_unread`); True notes it, as :meth:`all_read` does: the rule holds back."""
        why = self.sms.maybe_unread(doc_id, *kinds)
        if why is not None:
            self._hold(why)
        return why is not None

    def judged(self, doc: Doc, *path: str | int, left_out: bool = False, unknown: str | None = None) -> bool:
        """Whether the field at ``path`` of ``doc`` can be judged: False when validation cut it out as invalid,
        or when the caller found it ``left_out`` (a field its requirement asks for, reported there as missing).

        A rule asks before it skips a document for what that field says (a lifecycle, a type, a validity), and
        before it reports what holds only for some values of it: the cut field reads as absent or as its
        default (``customer_facing: true``, a nonconformity ``open``), and the document would be skipped
        unchecked, or found wanting for a value the SMS does not give. False notes why, as :meth:`all_read`
        does, so the rule's requirement is "no-evidence", never satisfied; the invalid value itself is reported
        under the requirement its field evidences. A field whose schema documents a default means it when left
        out: the caller passes ``left_out`` only for a field without one (an SLA's type, a record's date).
        ``unknown`` says what is then not known, where that is not ``doc`` itself ("whether SMS owner X is
        still active"): the note says so instead of "``doc`` was not checked".
        """
        cut = doc.incomplete(*path)
        if not cut and not left_out:
            return True
        state = "invalid" if cut else "left out"
        then = f"{unknown} is not known" if unknown else f"{doc.id} was not checked"
        self._hold(f"{'.'.join(map(str, path))} of {doc.id} ({doc.path}) is {state}, so {then}")
        return False

    def _hold(self, why: str) -> None:
        """Note why the rule holds back (once): its requirement is then "no-evidence" with the reasons."""
        if why not in self.held:
            self.held.append(why)

    def none_cut(self, kinds: str | tuple[str, ...], *path: str | int, where: Callable[[Doc], bool] | None = None,
                 naming: str | None = None, key: str | None = None) -> bool:
        """Whether no document of ``kinds`` (those ``where`` accepts) had something at or below ``path`` cut out.

        A rule asks before it says something is missing that another document may hold: a cut catalogue entry,
        result or goal was written, just invalid. False notes which (as :meth:`judged` does): the rule holds back.
        With ``naming`` and ``key``, an entry of the list at ``path`` cut for another of its fields counts only when
        its ``key`` as written may be ``naming``: anything but another string (an entry or key that is itself the
        invalid value may be anything). A reference there that names nothing it expects (a typo or a placeholder,
        reported as ``unresolved-reference``) counts too: it may be the one meant for what the rule looks for.
        """
        for doc in self.sms.with_cuts(*((kinds,) if isinstance(kinds, str) else kinds)):
            if where is not None and not where(doc):
                continue
            for cut in doc.cuts:
                if cut[:len(path)] != path[:len(cut)]:
                    continue
                if naming is not None and key is not None and len(cut) > len(path) + 1 and cut[len(path) + 1] != key:
                    written: Any = doc.raw
                    for part in (*cut[:len(path) + 1], key):  # the entry's key, as written
                        if isinstance(written, dict):
                            written = written.get(part)
                        elif isinstance(written, list) and isinstance(part, int) and part < len(written):
                            written = written[part]
                        else:
                            written = None
                    if isinstance(written, str) and written != naming:
                        continue  # it names something else
                return self.judged(doc, *cut[:len(path) + 1])
        return self.none_dangling(kinds, *path, where=where)

    def none_dangling(self, kinds: str | tuple[str, ...], *path: str | int,
                      where: Callable[[Doc], bool] | None = None) -> bool:
        """Whether no document of ``kinds`` (those ``where`` accepts) has a reference at or below ``path`` that
        names nothing it expects: a typo or a placeholder, reported as ``unresolved-reference``, may be the
        reference meant for what a rule looks for. False notes which (as :meth:`judged` does)."""
        for doc, ref in self.sms.dangling(*((kinds,) if isinstance(kinds, str) else kinds)):
            if ref.loc[:len(path)] == path[:len(ref.loc)] and (where is None or where(doc)):
                expected = " or ".join(ref.ref.kinds) or "document"
                self._hold(f"{'.'.join(map(str, ref.loc))} of {doc.id} ({doc.path}) names {ref.target!r}, no "
                           f"{expected} of the SMS: what it was meant to name was not checked")
                return False
        return True

    def once(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once for the rule running with this context: a rule that runs per document and asks the
        same question of every other document (is the coverage of every SLA known?) asks it once, not once per
        document. What it held back for is noted the first time and stays noted; unlike :meth:`memo`, nothing
        is shared with other rules, whose reasons to hold back are their own."""
        if key not in self._known:
            self._known[key] = build()
        return cast(T, self._known[key])

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """``build()`` once per SMS and date: a rule runs per document, its lookup is built once per check.

        Keyed by the date too, as some lookups (agreements in force) depend on it. What the build held back
        for (an agreement whose validity was cut out may be in force) is noted for every rule that uses the
        lookup, not only for the rule that happened to build it first.
        """

        def built() -> tuple[T, tuple[str, ...]]:
            # afresh: what this rule held back for before, or answered once (and held back for then), is asked
            # again inside the build, so the lookup carries every reason of its own
            held, known = self.held[:], dict(self._known)
            self.held.clear()
            self._known.clear()
            try:
                return build(), tuple(self.held)
            finally:
                self.held[:] = held
                self._known.clear()
                self._known.update(known)

        value, holds = self.sms.memo((name, self.as_of), built)
        for why in holds:
            self._hold(why)
        return value

    def interval(self, doc: Doc) -> str | None:
        """The planned review interval of ``doc``: its own, else the default for its kind."""
        review = doc.model.metadata.review
        return self.planned(doc.kind, review.interval if review is not None else None)

    def planned(self, kind: str, own: str | None = None) -> str | None:
        """The planned interval of documents or records of ``kind`` (see :meth:`Sms.planned`).

        None when none is planned; when a policy could not be read, it may plan one: a rule then says nothing
        about a missing interval (``ctx.all_read("Policy")``), and holds back.
        """
        found = self.sms.planned(kind, own)
        if found is None:
            self.all_read("Policy")
        return found

    def overdue(self, last: dt.date | None, interval: str) -> dt.date | None:
        """The date the next occurrence fell due, if it is overdue beyond the grace period today."""
        if last is None:
            return None
        due = parse_interval(interval).after(last)
        return due if parse_interval(self.config.grace).after(due) < self.as_of else None


Check = Callable[..., Iterable[Problem]]
# What a rule needs to have something to check: None when the SMS has it, else what is missing ("no
# Customer documents"). A requirement whose rules all lack it is "no-evidence", never "satisfied".
Evidence = Callable[[Context], "str | None"]


def documents(*kinds: str) -> Evidence:
    """Evidence: a document of one of ``kinds`` that is not retired."""

    def present(ctx: Context) -> str | None:
        if any(d.model.metadata.status is not Status.RETIRED for d in ctx.sms.of_kind(*kinds)):
            return None
        return f"no {' or '.join(kinds)} documents" if len(kinds) < 4 else "no documents"

    return present


def approved(*kinds: str) -> Evidence:
    """Evidence: an approved document of one of ``kinds``. For rules that judge only what is in force (its
    approval, its review, its changes since approval): drafts give them nothing to check, and a young SMS
    of drafts has no evidence of document control yet, not conformity."""

    def present(ctx: Context) -> str | None:
        if any(d.model.metadata.status is Status.APPROVED for d in ctx.sms.of_kind(*kinds)):
            return None
        return f"no approved {' or '.join(kinds)} documents" if len(kinds) < 4 else "no approved documents"

    return present


def readable(*kinds: str) -> Evidence:
    """Intact: no document of ``kinds`` is in a file that could not be read; else which and where.

    A rule that says a document of these kinds is missing holds back then: the unread one may be it (rules ask
    :meth:`Context.all_read`, which notes the reason for the matrix).
    """

    def intact(ctx: Context) -> str | None:
        unread = [kind for kind in kinds if kind in ctx.sms.unread]
        files = sorted({f for kind in unread for f in ctx.sms.unread[kind]})
        return f"{' or '.join(unread)} in {', '.join(files)} could not be read" if files else None

    return intact


@dataclass(frozen=True)
class Rule:
    name: str
    requirement: str
    check: Check
    kinds: tuple[str, ...]
    severity: Severity
    fix: str
    history: bool  # reads ctx.history: a check starts reading Git history before it loads the SMS
    evidence: Evidence | None = None  # None: the rule judges the SMS as a whole and always has something to check
    # What must be intact for the rule to judge at all (who holds a role, when assignments are broken):
    # None when it is, else why not; the requirement is then "no-evidence" even if other rules checked it.
    intact: Evidence | None = None

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""


REGISTRY: dict[str, Rule] = {}


def rule(requirement: str, name: str, *, kinds: tuple[str, ...] = (), severity: Severity = Severity.ERROR,
         fix: str = "", history: bool = False, evidence: Evidence | None = None,
         intact: Evidence | None = None) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``name`` for ``requirement``.

    ``evidence``: what the rule needs to find in the SMS to have checked anything; by default a
    document of its ``kinds`` (none for a rule over the SMS as a whole). ``intact``: what must not be
    broken for the rule to judge; a rule that holds back for it leaves its requirement undetermined.
    """

    def register(check: Check) -> Check:
        if requirement not in requirements():
            raise ValueError(f"rule {name}: unknown requirement {requirement}")
        if name in REGISTRY:
            raise ValueError(f"rule {name} registered twice")
        needs = evidence if evidence is not None else documents(*kinds) if kinds else None
        REGISTRY[name] = Rule(name, requirement, check, kinds, severity, fix, history, needs, intact)
        return check

    return register


def run(rule_: Rule, ctx: Context) -> Iterable[Problem]:
    if not rule_.kinds:
        return rule_.check(ctx)
    return (p for doc in ctx.sms.of_kind(*rule_.kinds) for p in rule_.check(doc, ctx))


__all__ = ["Context", "Doc", "Problem", "REGISTRY", "Rule", "rule", "run"]
