"""GR2.4 document control from Git: approvals by the right role, four eyes, no change after approval.

These rules read ``ctx.history`` (see :mod:`fitsm_kit.gitcontrol.doccontrol`); without trustworthy Git history
(no repository, a shallow clone, ``document_control.git: false``) they check nothing and the run's
notices say why. Who may approve which kind is ``document_control.approvers`` in ``fitsm.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from fitsm_kit.findings import Severity
from fitsm_kit.gitcontrol.approvers import allowed_approvers, with_handles
from fitsm_kit.gitcontrol.doccontrol import GitHistory, Record
from fitsm_kit.gitcontrol.docdiff import differences
from fitsm_kit.gitcontrol.evidence import Event
from fitsm_kit.model.base import Status
from fitsm_kit.model.kinds import KINDS
from fitsm_kit.rules.base import Context, Doc, Problem, approved, rule

_SHOWN_DIFFERENCES = 3


def _approved(ctx: Context, *, pending: bool = False) -> Iterator[tuple[Doc, Record, list[Event]]]:
    """Each approved document with a Git record, and the approvals of its latest approved content.

    Documents this branch changed (approval pending, see :mod:`fitsm_kit.gitcontrol.branch`) come only
    with ``pending``; the others only without: one document gets one verdict. An approval in a commit on
    this branch only is no approval yet (``record.waiting``, see
    :meth:`~fitsm_kit.gitcontrol.doccontrol.GitHistory.set_aside`): a document the branch only approves is
    pending too when its merge would settle it, else it gets the verdict of the default branch.
    """
    history = ctx.history
    if history is None:
        return
    for doc in ctx.sms.docs:
        record = history.as_of(doc.id, ctx.as_of) if doc.model.metadata.status is Status.APPROVED else None
        if record is None:
            continue
        waits = history.changed_on_branch(doc.id, doc.path) or bool(record.waiting) and _settled_by_merge(ctx, doc,
                                                                                                          record)
        if waits == pending:
            yield doc, record, _latest_approvals(record)


def _settled_by_merge(ctx: Context, doc: Doc, record: Record) -> bool:
    """Whether the approvals waiting on this branch, once merged, leave nothing wrong with ``doc``'s approval."""
    merged = replace(record, approvals=tuple(sorted(record.approvals + record.waiting, key=lambda e: e.position)))
    latest = _latest_approvals(merged)
    return not [*_check_approval(ctx, doc, merged, latest), *_check_unchanged(doc, merged, latest)]


def _latest_approvals(record: Record) -> list[Event]:
    latest = record.approvals[-1].content if record.approvals else ""
    return [e for e in record.approvals if e.content == latest]


def _allowed(ctx: Context, doc: Doc) -> tuple[set[str], str]:
    """:func:`allowed_approvers` of ``doc`` (not to be changed), once per kind, owner and process: thousands of
    approved documents share a few answers."""
    key = (doc.kind, doc.owner, getattr(doc.spec, "code", None))
    known: dict[tuple[str, str | None, object], tuple[set[str], str]] = ctx.memo("allowed-approvers", dict)
    if key not in known:
        known[key] = allowed_approvers(ctx.sms, doc)
    return known[key]


def _names(ids: set[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(ids))


def _history_read(ctx: Context) -> str | None:
    """Intact: the Git history the SMS relies on for approvals was read (else GR2.4 is "no-evidence")."""
    if ctx.git is None or ctx.history is not None or ctx.git.unread is None:
        return None
    return f"Git history not read ({ctx.git.unread}): approvals in Git were not checked"


@rule("GR2.4", "approved-in-git", history=True, evidence=approved(*KINDS), intact=_history_read,
      fix="merge the change through a pull request approved by the right person, or add an 'Approved-by: "
          "Name <email>' trailer; 'fitsm codeowners' makes the platform ask them")
def approved_in_git(ctx: Context) -> Iterator[Problem]:
    """An approved document's approval is recorded in Git, by someone allowed to approve it, not its author.

    Evidence is an ``Approved-by:`` trailer on a commit that changed the document (or names it in a
    ``Fitsm-Review:`` trailer), or a pull / merge request merge commit (the person who merged approves).
    Who may approve: the policy the SMS owner; an SLA, OLA or UA the SLM process manager or its owner; a
    process definition its process owner; any other document its owner or the SMS manager
    (``document_control.approvers`` in ``fitsm.yaml`` changes this). The approver must have written none of
    the approved content since a second person last approved the document (four eyes on every change:
    commit authors and ``Co-authored-by`` trailers are its writers). With
    ``document_control.require_signed_approvals`` an approval counts only from a commit signed by a key on
    the approver's Person (``spec.signing_keys``), or by a ``trusted_signers`` platform key with the
    commit's author as approver. An approval in a commit the default branch does not hold yet counts once
    it is merged (until then the document is ``approval-pending``); one whose commit a revert withdrew
    without changing the document counts no more. An approval or revert dated after ``--as-of`` (the day
    that counts as today) has not happened yet. A trailer that looks like an approval and is none
    (``Fitsm-Approved-by``, ``Reviewed-by``) is named. Checked only with Git history (see ``fitsm history``).
    """
    for doc, record, approvals in _approved(ctx):
        # who approves the policy is GR1.2's evidence (policy-approved-by-sms-owner reads these approvals)
        yield from _check_approval(ctx, doc, record, approvals, authority=doc.kind != "Policy")


def _check_approval(ctx: Context, doc: Doc, record: Record, approvals: list[Event], *, authority: bool = True
                    ) -> Iterator[Problem]:
    """What is wrong with the approval of ``doc``; ``authority``: also whether the approvers may approve it."""
    if not approvals and record.unverified:
        claim = record.unverified[-1]
        yield Problem(doc, ("metadata", "status"), "approved, but no approval of it is signed by the approver "
                      f"(document_control.require_signed_approvals): {claim.how} in {claim.commit.sha[:7]} on "
                      f"{claim.date.isoformat()} is {claim.signature}",
                      "sign the approving commit with a key on the approver's Person (spec.signing_keys), or merge "
                      "in the platform's web interface with its key in document_control.trusted_signers")
        return
    if not approvals and record.later:
        first = record.later[0]
        yield Problem(doc, ("metadata", "status"), f"approved, but Git records no approval of it dated by "
                      f"{ctx.as_of} ({first.how} in {first.commit.sha[:7]} on {first.date.isoformat()} is dated "
                      "after it)", "check as of a later day, or have it approved again")
        return
    if not approvals:
        yield Problem(doc, ("metadata", "status"), "approved, but Git records no approval of it (no Approved-by "
                      f"trailer or merged pull request changed it){_not_approvals(ctx, doc)}")
        return
    dated = [e for e in approvals if record.predates(e) is None]
    if not dated:
        last, version = approvals[-1], record.predates(approvals[-1])
        assert version is not None
        yield Problem(doc, ("metadata", "status"), f"approved by {_names(last.by)} ({last.how} in "
                      f"{last.commit.sha[:7]} on {last.date.isoformat()}), dated before the change it approves "
                      f"({version.commit.sha[:7]} on {version.commit.authored[:10]}): Git records no approval of "
                      "this content after it was written", "have it approved again, with the true date")
        return
    approvals = dated
    allowed, who = _allowed(ctx, doc)
    by = {p for e in approvals for p in e.by}
    last = approvals[-1]
    where = f"{last.how} in {last.commit.sha[:7]} on {last.date.isoformat()}"
    if not by & allowed:
        if authority:  # else another requirement's rule reports who approved it
            yield Problem(doc, ("metadata", "status"), f"approved by {_names(by)} ({where}), who is not {who}")
        return
    earlier = [e for e in record.approvals if e.position < last.position and record.predates(e) is None]
    writers = record.writers(last, _second_person_since(record, earlier, allowed))
    own = by & allowed & writers.keys()
    if not (by & allowed) - own:
        version = record.approved_version(last)
        if version is not None and own == {version.author}:
            said = f"{version.author}, the last author of the approved content"
        else:
            newest = max((writers[p] for p in own), key=lambda v: v.number)
            said = f"{_names(own)}, who wrote part of the approved content ({newest.commit.sha[:7]})"
        yield Problem(doc, ("metadata", "status"), f"approved only by {said} ({where}); a second person must approve",
                      "have another of " + who + " approve it")


def _second_person_since(record: Record, earlier: list[Event], allowed: set[str]) -> int:
    """The commit index of the newest of ``earlier`` (approvals, oldest first) that a second person gave: an
    allowed approver who wrote none of what it approves since the one before; -1 when none did. What was
    written before it has had four eyes; what came after still needs them."""
    since = -1
    for event in earlier:
        if (set(event.by) & allowed) - record.writers(event, since).keys():
            since = event.position
    return since


@rule("GR2.4", "changed-after-approval", history=True, evidence=approved(*KINDS),
      intact=_history_read,
      fix="have the change approved (a reviewed pull request, or an Approved-by trailer), or set status: "
          "in-review while the document is revised")
def changed_after_approval(ctx: Context) -> Iterator[Problem]:
    """An approved document has not changed since its approval in Git.

    Changed means its content: a change to ``metadata.review`` alone (recording a review) is not one, nor
    are edits to other documents in the same file. Uncommitted changes count as changes made now.
    """
    for doc, record, approvals in _approved(ctx):
        yield from _check_unchanged(doc, record, approvals, ctx)


def _check_unchanged(doc: Doc, record: Record, approvals: list[Event], ctx: Context | None = None
                     ) -> Iterator[Problem]:
    """``ctx``: name the trailers after the approval that look like an approval and are none."""
    last = approvals[-1] if approvals else None
    if last is not None and record.content != last.content:
        yield Problem(doc, ("metadata", "status"), f"changed since its approval ({last.how} in "
                      f"{last.commit.sha[:7]} on {last.date.isoformat()})"
                      f"{_not_approvals(ctx, doc, last.position) if ctx is not None else ''}")


def _not_approvals(ctx: Context, doc: Doc, after: int = -1) -> str:
    return ctx.history.not_approvals(doc.id, after) if ctx.history is not None else ""


@rule("GR2.4", "approval-pending", severity=Severity.INFO, history=True, evidence=approved(*KINDS),
      fix="have the pull request approved by one of the people named (CODEOWNERS asks them); the approving "
          "merge records the approval on the default branch")
def approval_pending(ctx: Context) -> Iterator[Problem]:
    """A change to an approved document that has not reached the default branch waits for its approval.

    On a branch other than the default branch (``document_control.default_branch``, else ``origin/HEAD``,
    else ``main`` / ``master``), in a pull-request check (``--changed-since REF``) or in a pre-commit run
    there, a change to an approved document is not yet an error: the approving merge will record the
    approval. This information names what changed and who may approve it. An approval written into a
    commit on the branch (an ``Approved-by`` trailer) is a claim nobody has merged: the document stays
    pending, and the information names that approval, which counts once it reaches the default branch.
    On the default branch the same change, unapproved, is an error (``approved-in-git``,
    ``changed-after-approval``).
    """
    history = ctx.history
    if history is None:
        return
    for doc, record, approvals in _approved(ctx, pending=True):
        if approvals and not [*_check_approval(ctx, doc, record, approvals), *_check_unchanged(doc, record, approvals)]:
            continue  # approved on the branch already, by someone allowed who did not write it
        yield Problem(doc, ("metadata", "status"), _pending_message(ctx, history, doc, record))


def _pending_message(ctx: Context, history: GitHistory, doc: Doc, record: Record) -> str:
    before = history.branch.base_document(doc.id)
    if not history.changed_on_branch(doc.id, doc.path):
        what = "unchanged on this branch"
    elif before is None:
        what = "new on this branch"
    else:
        found = differences(before, doc.raw)
        shown = "; ".join(found[:_SHOWN_DIFFERENCES])
        more = len(found) - _SHOWN_DIFFERENCES
        what = (shown + (f"; and {more} more" if more > 0 else "")) or "changed (formatting only)"
    if record.waiting:
        claim = record.waiting[-1]
        what += (f"; approved by {_names(claim.by)} on this branch only ({claim.how} in {claim.commit.sha[:7]} on "
                 f"{claim.date.isoformat()}), which counts once it is merged")
    allowed, who = _allowed(ctx, doc)
    author = record.versions[-1].author if record.versions and not record.pending else None
    others = allowed - {author} if author else allowed
    not_author = f"; not {author}, who changed it" if author in allowed else ""
    return (f"approval pending until it reaches {history.branch.base or 'the default branch'}: {what}; to be "
            f"approved by {who}: {with_handles(ctx.sms, others)}{not_author}")


@rule("GR2.4", "version-bumped", history=True, evidence=approved(*KINDS),
      fix="raise metadata.version with every content change")
def version_bumped(ctx: Context) -> Iterator[Problem]:
    """With ``document_control.versioning: explicit``, every content change raises ``metadata.version``.

    The current content is compared with the content the current version number was first committed
    with; records (evaluations, reviews, persons) are not versioned. Checked only with Git history.
    """
    if ctx.history is None or ctx.config.document_control.versioning != "explicit":
        return
    for doc in ctx.sms.docs:
        record = None if doc.model.record else ctx.history.record(doc.id)
        if record is not None:
            yield from _check_version(doc, record)


def _check_version(doc: Doc, record: Record) -> Iterator[Problem]:
    version = doc.model.metadata.version
    if not record.versions:
        return
    if version is None:
        yield Problem(doc, ("metadata",), "no metadata.version, but this SMS versions documents explicitly",
                      "add metadata.version, e.g. version: \"1.0\"")
        return
    first = None
    for v in reversed(record.versions):
        if v.change.version != version:
            break
        first = v
    if first is None:
        if record.pending:
            return  # the version was raised in the uncommitted change itself
        first = record.versions[-1]
    if record.content != first.change.content:
        yield Problem(doc, ("metadata", "version"), f"content changed since version {version} was committed "
                      f"({first.commit.sha[:7]} on {first.commit.authored[:10]}), but the version was not raised")
