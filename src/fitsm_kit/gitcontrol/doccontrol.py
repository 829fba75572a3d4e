"""Document control from Git: what rules and ``fitsm history`` know about each document's history.

:func:`for_check` decides whether history can be trusted (degraded modes become one notice each, never
wrong dates) and returns a :class:`GitHistory`, which rules reach as ``ctx.history``; :func:`.reading.start`
and :func:`finish` are its two halves, so a check can read history while it loads the SMS. Other rules that
accept Git evidence call ``ctx.history.last_review(doc_id, as_of)`` and ``last_approval`` (None when no
evidence in Git counts); :meth:`GitHistory.not_counted` is where a review or approval is judged, and
:meth:`GitHistory.set_aside` where evidence that does not stand (on this branch only, withdrawn by a revert)
is set aside, for the approval rules too.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol import branch, history
from fitsm_kit.gitcontrol.branch import BranchState
from fitsm_kit.gitcontrol.docread import DocState, documents
from fitsm_kit.gitcontrol.evidence import Event, People, commit_date, events, pull_request
from fitsm_kit.gitcontrol.history import Change, Commit
from fitsm_kit.gitcontrol.reading import SKIPPED, Begun, Started, relied_on, start
from fitsm_kit.gitcontrol.repo import run_git
from fitsm_kit.gitcontrol.signatures import TRUSTED, KeyRing, Signature, keyring, verify
from fitsm_kit.sms.config import Config
from fitsm_kit.sms.discovery import is_sms_path
from fitsm_kit.sms.index import Sms
from fitsm_kit.sms.loader import LoadProblem, read_file

# trailer keys (read in lower case) that look like an approval and are none; any other key with "approv" too
_LOOKALIKE = frozenset({"acked-by", "reviewed-by"})
_SHOWN = 3  # look-alike trailers named in a finding, the newest


@dataclass(frozen=True)
class Version:
    """One content change of a document (merge commits bring changes in; they are not versions)."""

    number: int
    change: Change
    commit: Commit
    author: str  # Person id, else "Name <email>"
    coauthors: tuple[str, ...] = ()  # its commit's Co-authored-by trailers, as Person ids where they match one


@dataclass(frozen=True)
class Record:
    """A document's history: versions, approvals, reviews and whether it has uncommitted changes.

    With ``document_control.require_signed_approvals``, ``approvals`` holds only the signed ones (each
    ``by`` the approvers its signature proves) and ``unverified`` the approvals that do not count.
    ``approvals`` holds only those that stand (:meth:`GitHistory.set_aside`): an approval in a commit on this
    branch only is ``waiting`` (for the merge), one a revert withdrew is ``withdrawn``.
    ``reviews`` holds every review, its signature checked (``verified``) where that of an approval would be.
    As of a day (:meth:`GitHistory.as_of`), an approval dated after it is ``later``, not one of ``approvals``.
    """

    id: str
    versions: tuple[Version, ...]
    approvals: tuple[Event, ...]
    reviews: tuple[Event, ...]
    content: str  # the current content fingerprint (the working tree's when it has uncommitted changes)
    pending: bool  # its content differs from HEAD
    unverified: tuple[Event, ...] = ()
    waiting: tuple[Event, ...] = ()
    withdrawn: tuple[Event, ...] = ()
    later: tuple[Event, ...] = ()

    @property
    def authors(self) -> list[str]:
        return list(dict.fromkeys(v.author for v in self.versions))

    def approved_version(self, event: Event) -> Version | None:
        """The latest version at or before ``event`` that has the content it covers."""
        before = [v for v in self.versions if v.change.commit <= event.position]
        same = [v for v in before if v.change.content == event.content]
        chosen = same or before
        return chosen[-1] if chosen else None

    def writers(self, event: Event, since: int) -> dict[str, Version]:
        """Who wrote the content ``event`` approves after the commit ``since`` (an index into the history; -1:
        from the start): the author and co-authors of each version from then up to :meth:`approved_version`,
        each with the newest version they wrote. Four eyes means none of them approves it alone."""
        version = self.approved_version(event)
        upto = version.change.commit if version is not None else since
        found: dict[str, Version] = {}
        for v in self.versions:
            if since < v.change.commit <= upto:
                found.update(dict.fromkeys((v.author, *v.coauthors), v))
        return found

    def predates(self, event: Event) -> Version | None:
        """The version ``event`` approves when the approval is dated before it was written, else None.

        Both dates are claims of whoever committed, but they cannot both be true: an approval cannot be
        given before the content exists, so such an approval is not evidence of approving it.
        """
        version = self.approved_version(event)
        if version is None:
            return None
        approved = dt.datetime.fromisoformat(event.commit.committed)
        return version if approved < dt.datetime.fromisoformat(version.commit.authored) else None


class GitHistory:
    """Per-document history of the SMS at HEAD, plus its uncommitted changes."""

    def __init__(self, data: history.History, sms: Sms, pending: dict[str, DocState],
                 where: BranchState | None = None, *, top: Path | None = None, signatures: bool = False) -> None:
        """``signatures``: verify approvals' signatures even when they are not required (``fitsm history``),
        if the SMS names any signing key; ``top``: the repository, needed to verify them."""
        self.data = data
        self.people = People(sms)
        self.pending = pending
        self.branch = where or BranchState("", True)  # on the default branch unless told otherwise
        self.signed_only = sms.config.document_control.require_signed_approvals
        self._ring = keyring(sms) if (signatures or self.signed_only) and top is not None else KeyRing()
        self._verify = top is not None and (self.signed_only or bool(self._ring))
        self._top = top
        self._signatures: dict[str, Signature] | None = None
        self._records: dict[str, Record | None] = {}
        self._branch_only: set[str] | None = None  # commits on HEAD that the default branch lacks
        self._withdrawn: dict[dt.date | None, dict[str, Commit]] = {}  # per as-of date: commit -> the revert
        self._undone: dict[str, list[str]] | None = None  # a reverted merge -> the commits its revert undoes

    def record(self, doc_id: str) -> Record | None:
        """The document's history; None when Git knows nothing of it (never committed, ignored)."""
        if doc_id not in self._records:
            self._records[doc_id] = self._record(doc_id)
        return self._records[doc_id]

    def as_of(self, doc_id: str, day: dt.date) -> Record | None:
        """The document's history as it stood on ``day`` (the check's "today"), for the approval rules: an
        approval dated after it is ``later`` (it has not happened yet, so it is no evidence), and a revert
        dated after it has withdrawn nothing yet, as :meth:`not_counted` judges reviews."""
        record = self.record(doc_id)
        if record is None:
            return None
        every = record.approvals + record.waiting + record.withdrawn
        if not record.withdrawn and all(e.date <= day for e in every):
            return record  # nearly always: nothing to judge again
        standing, waiting, withdrawn, later = self._stand(sorted(every, key=lambda e: e.position), day)
        return replace(record, approvals=standing, waiting=waiting, withdrawn=withdrawn, later=later)

    def _stand(self, approvals: list[Event], day: dt.date | None = None) -> tuple[tuple[Event, ...], ...]:
        """``approvals`` as (standing, waiting for a merge, withdrawn by a revert, dated after ``day``)."""
        standing: list[Event] = []
        waiting: list[Event] = []
        withdrawn: list[Event] = []
        later: list[Event] = []
        for e in approvals:
            bucket = later if day is not None and e.date > day else standing if not self.set_aside(e, day) else \
                waiting if not self._on_default(e.commit.sha) else withdrawn
            bucket.append(e)
        return tuple(standing), tuple(waiting), tuple(withdrawn), tuple(later)

    def _record(self, doc_id: str) -> Record | None:
        changes = self.data.documents.get(doc_id, [])
        if not changes and doc_id not in self.pending:
            return None
        with_commits = [(c, self.data.commits[c.commit]) for c in changes]
        versions: list[Version] = []
        for change, commit in with_commits:
            if change.what in ("created", "changed") and not commit.merge:
                versions.append(Version(len(versions) + 1, change, commit, self.people.author(commit),
                                        self.people.group(tuple(commit.trailer("co-authored-by")))))
        found = events(doc_id, with_commits, self.people)
        approvals = [self._signed(e) if self._verify else e for e in found if e.kind == "approval"]
        counted = approvals
        if self.signed_only:
            counted = [replace(e, by=e.verified) for e in approvals if e.verified]
        standing, waiting, withdrawn, _ = self._stand(counted)
        reviews = [self._signed(e) if self._verify and e.named else e for e in found if e.kind == "review"]
        committed = next((c.content for c in reversed(changes) if c.what != "named"), "")
        now = self.pending.get(doc_id)
        return Record(doc_id, tuple(versions), standing, tuple(reviews),
                      now.content if now else committed, now is not None,
                      tuple(e for e in approvals if not e.verified) if self.signed_only else (),
                      waiting, withdrawn)

    def _signed(self, event: Event) -> Event:
        """``event`` with the approvers its commit's signature proves, and what the signature shows."""
        if self._signatures is None:  # once, for every commit that carries approval or review evidence, no other
            wanted = [c.sha for c in self.data.commits
                      if c.trailer("approved-by") or (c.merge and pull_request(c)) or c.reviewed()]
            self._signatures = verify(self._top, wanted, self._ring) if self._top is not None else {}
        signature = self._signatures.get(event.commit.sha, Signature("N", (), frozenset()))
        owners = set(signature.owners)
        author = self.people.author(event.commit)
        if TRUSTED in owners:  # a platform key vouches for the commit's author (who merged in its web interface)
            owners.add(author)
        verified = tuple(p for p in event.by if p in owners)
        role = "approver" if event.kind == "approval" else "reviewer"
        return replace(event, verified=verified, signature=_describe(signature, verified, author, role))

    def last_review(self, doc_id: str, as_of: dt.date) -> Event | None:
        """The newest review of the document in Git that counts as of ``as_of`` (see :meth:`not_counted`),
        ``by`` the reviewers it counts for; None when none does."""
        return self._last(doc_id, "reviews", as_of)

    def last_approval(self, doc_id: str, as_of: dt.date) -> Event | None:
        """The newest approval of the document in Git that counts as of ``as_of`` (see :meth:`not_counted`)."""
        return self._last(doc_id, "approvals", as_of)

    def _last(self, doc_id: str, which: str, as_of: dt.date) -> Event | None:
        record = self.record(doc_id)
        found: tuple[Event, ...] = getattr(record, which) if record is not None else ()
        if record is not None and which == "approvals":  # not_counted judges each, as of as_of
            found = tuple(sorted(found + record.waiting + record.withdrawn, key=lambda e: e.position))
        for event in reversed(found):
            if record is not None and not self.not_counted(record, event, as_of):
                return replace(event, by=self._people_of(event))
        return None

    def not_counted(self, record: Record, event: Event, as_of: dt.date) -> str:
        """Why a review or approval of ``record``'s document does not count for the review rules; "" when it does.

        A review is a commit that names the document in a ``Fitsm-Review`` trailer (a ``Reviewed-by``
        trailer alone reviews a change, as an approval approves one). Either counts under the trust rules
        of approvals: it stands (:meth:`set_aside`: its commit is on the default branch, not only on the
        branch being checked, and no revert dated by ``as_of`` withdrew it), it is dated no
        later than ``as_of`` (the day that counts as today), by a Person of the SMS, signed by that
        Person's key with ``document_control.require_signed_approvals`` (see :meth:`_signed`), and not
        dated before the change it covers (:meth:`Record.predates`).
        """
        if event.kind == "review" and not event.named:
            return "a review of a change, not of the document: no Fitsm-Review trailer names it"
        if aside := self.set_aside(event, as_of):
            return aside
        if event.date > as_of:
            return f"dated after {as_of}"
        if not any(p in self.people.ids for p in event.by):
            return f"by {', '.join(event.by)}, who is no Person of the SMS"
        if not self._people_of(event):
            return f"not signed by the reviewer (document_control.require_signed_approvals): {event.signature}"
        if (early := record.predates(event)) is not None:
            return f"dated before the change it covers ({early.commit.sha[:7]} on {early.commit.authored[:10]})"
        return ""

    def set_aside(self, event: Event, as_of: dt.date | None = None) -> str:
        """Why the approval or review ``event`` does not stand (yet); "" when it does: the one place that judges
        where its commit is and whether it was withdrawn, for approvals and reviews alike.

        Evidence on a branch counts once it is merged: an approval or review in a commit the default branch
        lacks is a claim nobody has merged (the branch's change is *approval pending*). A commit that a
        revert in this history names ("This reverts commit <sha>.", as ``git revert`` writes it; reverting
        a merge also undoes the commits it brought in) was withdrawn: its review, and an approval it made
        without changing the document (a ``Fitsm-Review`` commit with ``Approved-by``), no longer count —
        unless the revert was itself reverted, or (with ``as_of``) is dated after it. An approval whose
        commit changed the document stays: its revert changed the content back, and the approval rules
        judge that content like any other change (a revert needs approval too).
        """
        sha = event.commit.sha[:7]
        if not self._on_default(event.commit.sha):
            return f"its commit {sha} is on this branch only, not on {self.branch.base or 'the default branch'}"
        revert = self._withdrawals(as_of).get(event.commit.sha)
        if revert is not None and not (event.kind == "approval" and event.changed):
            return f"withdrawn: reverted by {revert.sha[:7]} on {commit_date(revert)}"
        return ""

    def _withdrawals(self, as_of: dt.date | None) -> dict[str, Commit]:
        """Each commit withdrawn by a revert dated no later than ``as_of`` (any, without) -> that revert.

        A revert withdraws nothing once it is withdrawn itself (reverted in turn: "Reapply …"). Commits are
        taken parents first, so a revert comes after every commit it names: newest first, whether a revert
        stands is known before the commits it names are reached.
        """
        if as_of not in self._withdrawn:
            undone = self._undone_by_revert()
            found: dict[str, Commit] = {}
            for commit in reversed(self.data.commits):
                if commit.reverts and commit.sha not in found and (as_of is None or commit_date(commit) <= as_of):
                    for sha in commit.reverts:
                        for each in undone.get(sha, [sha]):
                            found.setdefault(each, commit)
            self._withdrawn[as_of] = found
        return self._withdrawn[as_of]

    def _undone_by_revert(self) -> dict[str, list[str]]:
        """Each reverted merge -> itself and the commits it brought in (what its revert undoes); other
        reverted commits undo themselves alone. Git is asked once for the parents of the reverted commits
        history does not hold (a merge that changed no document may have brought in a review commit), and
        once per reverted merge."""
        if self._undone is None:
            self._undone = {}
            top = self._top
            named = {sha for c in self.data.commits for sha in c.reverts}
            if top is None or not named:
                return self._undone
            merges = {c.sha for c in self.data.commits if c.merge and c.sha in named}
            unknown = sorted(named - {c.sha for c in self.data.commits})
            if unknown:
                listed = run_git(top, "rev-list", "--no-walk", "--parents", "--ignore-missing", "--stdin",
                                 may_fail=True, stdin="".join(f"{sha}\n" for sha in unknown).encode())
                merges |= {line.split()[0] for line in listed.decode("ascii", "replace").splitlines()
                           if len(line.split()) > 2}
            for sha in sorted(merges):
                listed = run_git(top, "rev-list", sha, "--not", f"{sha}^1", "--", may_fail=True)
                self._undone[sha] = [sha, *listed.decode("ascii", "replace").split()]
        return self._undone

    def _people_of(self, event: Event) -> tuple[str, ...]:
        """The Persons ``event`` counts for: with signatures required, those its signature proves."""
        by = (event.verified or ()) if self.signed_only else event.by  # not verified: proves nobody
        return tuple(p for p in by if p in self.people.ids)

    def _on_default(self, sha: str) -> bool:
        """Whether commit ``sha`` is on the default branch: evidence on a branch counts once it is merged."""
        if self.branch.on_default:
            return True
        if self._branch_only is None:  # one git call, and only on a branch (a pull request)
            if self._top is not None and self.branch.base_sha:
                listed = run_git(self._top, "rev-list", f"{self.branch.base_sha}..{self.data.head}")
                self._branch_only = set(listed.decode("ascii").split())
            else:  # which commits the default branch holds is unknown: none counts
                self._branch_only = {c.sha for c in self.data.commits}
        return sha not in self._branch_only

    def not_approvals(self, doc_id: str, after: int = -1) -> str:
        """"; trailers that are no approval: …" naming the commits that changed (or named) the document after
        the commit ``after`` (an index into the history; -1: from the start) and carry a trailer that looks like
        an approval but is none (``Fitsm-Approved-by``, ``Acked-by``, GitLab's ``Reviewed-by``), else "".

        Only ``Approved-by`` (any case) and pull-request merges approve; a team told "no approval" must not
        have to guess why the trailer it wrote did not count.
        """
        found = []
        for change in self.data.documents.get(doc_id, []):
            commit = self.data.commits[change.commit]
            if change.commit <= after or commit.trailer("approved-by"):
                continue
            review = doc_id in commit.reviewed()  # its Reviewed-by names the reviewers of the document: meant so
            found += [f"{key} in {commit.sha[:7]}" for key in dict.fromkeys(k for k, _ in commit.trailers)
                      if (key in _LOOKALIKE and not (review and key == "reviewed-by"))
                      or ("approv" in key and key != "approved-by")]
        if not found:
            return ""
        shown = ", ".join(dict.fromkeys(found[-_SHOWN:]))
        return (f"; trailers that are no approval: {shown} (an approval is an 'Approved-by: Name <email>' trailer or "
                "a merged pull request; Reviewed-by reviews a change)")

    def changed_on_branch(self, doc_id: str, path: str) -> bool:
        """Whether this branch (not the default branch) changed the document's content: approval pending.

        ``path``: the document's file (SMS-relative). Only the files that differ from the merge base are read
        there, so a document in any other file is as it was at the base: unchanged, whatever its verdict.
        """
        if self.branch.on_default or path not in self.branch.changed:
            return False
        record = self.record(doc_id)
        current = record.content if record is not None else ""
        return current != self.branch.base_content(doc_id)


class HistorySource:
    """The history rules read as ``ctx.history``.

    With ``prefetch`` reading starts at once, before the SMS is loaded (a cache miss is built on another
    core), unless ``started`` (what :func:`~.reading.start` returned for ``root`` and ``config``) shows it
    began earlier; without ``prefetch``, when a rule first asks: a check whose selected rules never do runs
    no git and gives no notice about Git.
    """

    def __init__(self, root: Path, config: Config, *, prefetch: bool = False, base: str | None = None,
                 started: Begun | None = None) -> None:
        self.root, self.config, self.base = root, config, base
        self.notices: tuple[str, ...] = ()
        # why history the SMS relies on could not be read (a shallow clone): its rules then judged nothing
        self.unread: str | None = None
        self._started = started if prefetch else None
        self._history: GitHistory | None = None
        self._done = False
        if prefetch and started is None:
            self._started = start(root, config)

    def get(self, sms: Sms) -> GitHistory | None:
        if not self._done:
            started, self.notices = self._started or start(self.root, self.config)
            if started is not None:
                self._history, self.notices = finish(started, sms, self.base)
            if self._history is None and self.notices and relied_on(self.root, self.config):
                self.unread = self.notices[0].split(":")[0]
            self._done = True
        return self._history



def for_check(root: Path, sms: Sms, *, explicit: bool = False, base: str | None = None
              ) -> tuple[GitHistory | None, tuple[str, ...]]:
    """The history rules may use, or None, and the notices that say why history is partial or unused.

    ``explicit``: the user asked for history (``fitsm history``), so it is read even from a subdirectory.
    ``base``: the branch a pull request targets (its changes are pending approval against it).
    With ``explicit``, approvals' signatures are verified whenever the SMS names signing keys.
    """
    started, notices = start(root, sms.config, explicit=explicit)
    return finish(started, sms, base, signatures=explicit) if started is not None else (None, notices)


def finish(started: Started, sms: Sms, base: str | None = None, *, signatures: bool = False
           ) -> tuple[GitHistory | None, tuple[str, ...]]:
    """The history :func:`start` began reading, and the notices about its state.

    ``base``: the branch a pull request targets; without it, the default branch (see :mod:`.branch`).
    ``signatures``: verify approvals' signatures even when they are not required (see :class:`GitHistory`).
    """
    state, prefix = started.state, started.prefix
    try:
        changed = sorted(p[len(prefix) + 1:] if prefix else p for p in started.changed())
        data = started.data()
    except history.UnreadableCommit:
        raise  # one crafted commit must not switch document control off: exit 2, naming it
    except FitsmError as e:
        return None, (f"Git history could not be read ({e}): {SKIPPED}",)
    notices = list(data.notices)
    try:
        where = branch.state(state.top, prefix, sms.config.document_control.default_branch, base)
    except FitsmError as e:
        if base is not None:
            raise
        where = BranchState("", True)
        notices.append(f"the default branch could not be compared ({e}): changes count as made on it")
    if not state.branch:
        notices.append(f"HEAD is detached at {state.head[:12]}: history is read up to that commit")
    changed = [p for p in changed if is_sms_path(p, started.exclude)]
    if changed:
        hook = " (inside a Git hook: the content about to be committed)" if "GIT_INDEX_FILE" in os.environ else ""
        notices.append(f"uncommitted changes in {len(changed)} SMS file{'s' if len(changed) != 1 else ''}{hook} "
                       f"({', '.join(changed[:3])}{', …' if len(changed) > 3 else ''}): their documents are "
                       "checked as changed now, after everything in Git")
    return GitHistory(data, sms, _pending(started.root, changed, data), where, top=state.top,
                      signatures=signatures), tuple(notices)


def _pending(root: Path, changed: list[str], data: history.History) -> dict[str, DocState]:
    """Documents in the changed files whose content differs from their latest committed content."""
    pending: dict[str, DocState] = {}
    real_root = root.resolve()
    for rel in changed:
        path = root / rel
        try:  # an untracked link is not followed out of the SMS (to /dev/zero, a secret, a FIFO)
            if not path.resolve(strict=True).is_relative_to(real_root):
                continue
        except (OSError, RuntimeError):
            continue  # deleted, or a broken link: its documents are no longer in the SMS
        content = read_file(path)  # a regular file of bounded size, never a device or FIFO
        if isinstance(content, LoadProblem):
            continue  # the check reports it
        for doc in documents(content):
            committed = [c for c in data.documents.get(doc.id, []) if c.what != "named"]
            if not committed or committed[-1].content != doc.content:
                pending[doc.id] = doc
    return pending


_STATUS = {"B": "a bad signature", "R": "signed by a revoked key", "E": "signed by a key on no Person and no "
           "trusted signer", "U": "signed by a key on no Person and no trusted signer"}


def _describe(signature: Signature, verified: tuple[str, ...], author: str, role: str) -> str:
    """What a signature shows of an approval or review (``role``: "approver", "reviewer"), for ``fitsm history``
    and findings."""
    key = f" ({signature.keys[0]})" if signature.keys else ""
    if not signature.signed:
        return "unsigned"
    persons = sorted(signature.owners - {TRUSTED})
    trusted = TRUSTED in signature.owners
    if verified:
        if trusted and author in verified and author not in persons:
            return f"signed by a trusted platform key for {author}{key}"
        return f"signed by the key of {', '.join(verified)}{key}"
    if persons or trusted:
        holders = ", ".join(persons + ([f"a trusted signer (for {author})"] if trusted else []))
        return f"signed by a key of {holders}, not of the {role}{key}"
    return _STATUS.get(signature.status, f"signature status {signature.status}") + key
