"""Document history for the site: the hook between the pages and Git.

Pages ask a :data:`HistorySource` for the revisions of a document and show them as its "History"
table; the newest revision's date becomes the page's ``revision_date`` (the "last update" line
mkdocs-material shows). :func:`from_git` adapts the document control of :mod:`fitsm_kit.gitcontrol.doccontrol`,
which reads the whole history in one ``git log`` pass (cached by HEAD), so Git never runs per page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit.sms.index import Doc, Sms

TYPE_CHECKING = False
if TYPE_CHECKING:
    from fitsm_kit.gitcontrol.doccontrol import HistorySource as GitSource


@dataclass(frozen=True)
class Revision:
    """One commit that changed a document."""

    commit: str
    date: dt.date
    author: str
    subject: str
    approvers: tuple[str, ...] = ()  # approvals in Git of exactly this content
    version: str | None = None  # metadata.version after the commit


HistorySource = Callable[[Doc], Sequence[Revision]]


def no_history(doc: Doc) -> Sequence[Revision]:
    """The history source for an SMS without usable Git history: no revisions."""
    return ()


def from_git(root: Path, sms: Sms, as_of: dt.date) -> tuple[HistorySource, GitSource | None, tuple[str, ...]]:
    """The SMS's history from Git as it stood on ``as_of`` (the site's "today": commits and approvals dated
    after it are left out, as in ``fitsm history --as-of``), newest revision first, and what the rules read as
    ``ctx.history``; or :func:`no_history`, None and the notices saying why."""
    from fitsm_kit.gitcontrol import doccontrol  # runs git: imported only when a site is rendered
    from fitsm_kit.gitcontrol.evidence import commit_date

    source = doccontrol.HistorySource(root, sms.config)
    git = source.get(sms)
    if git is None:
        return no_history, None, source.notices

    def name(who: str) -> str:
        person = sms.by_id.get(who)
        return str(person.spec.name or person.title) if person is not None and person.kind == "Person" else who

    def revisions(doc: Doc) -> Sequence[Revision]:
        record = git.as_of(doc.id, as_of)
        if record is None:
            return ()
        versions = [v for v in record.versions if commit_date(v.commit) <= as_of]
        found = []
        for i, v in enumerate(versions):
            until = versions[i + 1].change.commit if i + 1 < len(versions) else math.inf
            approvers = [name(who) for e in record.approvals if e.content == v.change.content
                         and v.change.commit <= e.position < until for who in e.by]
            found.append(Revision(v.commit.sha, commit_date(v.commit), name(v.author), v.commit.subject,
                                  tuple(dict.fromkeys(approvers)), v.change.version))
        return found[::-1]

    return revisions, source, source.notices
