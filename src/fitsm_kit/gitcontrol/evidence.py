"""Approvals and reviews in Git: trailers and pull-request merges, matched to ``Person`` records.

Recognised evidence, per commit that changed a document (a merge: what it brought in against its first
parent) or names it in a ``Fitsm-Review:`` trailer:

- ``Approved-by: Name <email>`` — an approval by that person (GitLab's merge-commit template writes
  these with ``%{approved_by}``);
- a pull / merge request merge commit (GitHub "Merge pull request #N from …", GitLab "See merge request
  !N") without ``Approved-by`` — an approval by whoever merged it (the commit's author), as comply does;
- ``Reviewed-by: Name <email>`` — a review by that person;
- ``Fitsm-Review: ID[, ID…]`` — the commit reviews the named documents (whether or not it changes
  them): a review of the whole document, which the review rules count (see :meth:`.doccontrol.GitHistory.last_review`
  for when it counts); its reviewers are the ``Reviewed-by`` trailers, else the ``Approved-by`` ones (who then
  approve it too), else its author. A ``Reviewed-by`` trailer on a commit that does not name the document
  reviews that change, as an approval approves it: evidence for ``fitsm history``, not a review of the document.

A squash merge ("… (#N)") is authored by the pull request's author and names no approver: add an
``Approved-by`` trailer to its message. Trailers and authors are claims made by whoever committed;
branch protection and CODEOWNERS (``fitsm codeowners``) make them meaningful.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from fitsm_kit.errors import FitsmError
from fitsm_kit.gitcontrol.history import Change, Commit
from fitsm_kit.sms.index import Sms

# Every pattern here runs on text from commits; each is linear in its input (tests/test_security.py times
# them on long adversarial strings): anchored, with no nested or adjacent overlapping repetition.
_GITHUB_MERGE = re.compile(r"Merge pull request #(\d+) from ")
_GITLAB = re.compile(r"See merge request [^\s!]*!(\d+)")
_NOREPLY = re.compile(r"(?:\d+[+-])?([A-Za-z0-9][\w.-]*)@users\.noreply\.(github|gitlab)\.com\Z", re.I)
_BAD_IN_TRAILER = frozenset("<>\r\n\x00")


def pull_request(commit: Commit) -> str:
    """"#12" (GitHub) or "!7" (GitLab) when the commit merged a pull / merge request, else ""."""
    if m := _GITHUB_MERGE.match(commit.subject):
        return f"#{m.group(1)}"
    if m := _GITLAB.search(commit.body):
        return f"!{m.group(1)}"
    return _squash(commit.subject)


def _squash(subject: str) -> str:
    """"#N" when the subject ends with "(#N)", as a squash merge's does (string operations: linear)."""
    text = subject.rstrip()
    start = text.rfind("(#")
    number = text[start + 2:-1] if start >= 0 and text.endswith(")") else ""
    return f"#{number}" if number.isascii() and number.isdigit() else ""


def bracketed_email(value: str) -> str | None:
    """The email of "Name <email>" (the last ``<…>`` at the end, one word with an @), else None."""
    text = value.rstrip()
    start = text.rfind("<")
    if start < 0 or not text.endswith(">"):
        return None
    email = text[start + 1:-1]
    return email if "@" in email and ">" not in email and not any(c.isspace() for c in email) else None


def trailer_identity(name: str | None, email: str | None) -> str:
    """``Name <email>`` for a trailer fitsm writes; refused when either part could break the line or the
    brackets, or is missing (the Person model already makes this a finding; this is the last check before Git)."""
    name, email = name or "", email or ""
    if not name.strip() or not email.strip() or any(c in _BAD_IN_TRAILER or unicodedata.category(c) == "Cc"
                                                     for c in name + email):
        raise FitsmError(f"the name or email {name!r} <{email!r}> cannot go into a commit trailer: fix the Person "
                         "(one line, no control characters or angle brackets)")
    return f"{name.strip()} <{email.strip()}>"


def commit_date(commit: Commit) -> dt.date:
    return dt.date.fromisoformat(commit.committed[:10])


class People:
    """Git identities to Person ids: by email (spec.email, spec.emails), handle or id."""

    def __init__(self, sms: Sms) -> None:
        self.by_email: dict[str, str] = {}
        self.by_handle: dict[str, str] = {}
        # a noreply address names a user of one platform: the same handle on the other may be someone else's
        self.on_platform: dict[tuple[str, str], str] = {}
        self.ids: set[str] = set()
        self._identities: dict[str, str | None] = {}
        self._authors: dict[tuple[str, str], str] = {}
        self._groups: dict[tuple[str, ...], tuple[str, ...]] = {}
        for doc in sms.of_kind("Person"):
            spec = doc.spec
            self.ids.add(doc.id)
            for email in (spec.email, *spec.emails):
                if email:  # one left out (or cut out as invalid) is reported under GR2.4
                    self.by_email.setdefault(email.strip().lower(), doc.id)
            for platform, handle in (("github", spec.github), ("gitlab", spec.gitlab)):
                if handle:
                    self.by_handle.setdefault(handle.strip().lstrip("@").lower(), doc.id)
                    self.on_platform.setdefault((platform, handle.strip().lstrip("@").lower()), doc.id)

    def email(self, email: str) -> str | None:
        email = email.strip().lower()
        if email in self.by_email:
            return self.by_email[email]
        m = _NOREPLY.match(email)
        return self.on_platform.get((m.group(2).lower(), m.group(1).lower())) if m else None

    def identity(self, value: str) -> str | None:
        """A trailer value ("Name <email>", "@handle", a Person id) as a Person id."""
        if value not in self._identities:  # the same trailers recur in thousands of commits
            self._identities[value] = self._identity(value)
        return self._identities[value]

    def _identity(self, value: str) -> str | None:
        if (email := bracketed_email(value)) is not None:
            return self.email(email)
        word = value.strip()
        if "@" in word[1:]:  # a bare email
            return self.email(word)
        if word in self.ids:
            return word
        return self.by_handle.get(word.lstrip("@").lower())

    def author(self, commit: Commit) -> str:
        """The Person id of the commit's author, else "Name <email>"."""
        key = (commit.author, commit.email)  # the same few authors wrote thousands of commits
        if key not in self._authors:
            self._authors[key] = self.email(commit.email) or f"{commit.author} <{commit.email}>"
        return self._authors[key]

    def group(self, values: tuple[str, ...]) -> tuple[str, ...]:
        """Trailer values as Person ids (a value no Person matches as itself), each once, in order."""
        if values not in self._groups:  # the same approvers recur in thousands of commits
            self._groups[values] = tuple(dict.fromkeys(self.identity(v) or v for v in values))
        return self._groups[values]


@dataclass(frozen=True)
class Event:
    """An approval or review of a document's content at one commit."""

    kind: str  # approval | review
    commit: Commit
    position: int  # the commit's index in the history (oldest first)
    by: tuple[str, ...]  # Person ids, or the raw identity when no Person matches
    how: str  # what the evidence is, for people
    content: str  # the content fingerprint it covers
    verified: tuple[str, ...] | None = None  # approvers a signature proves (signatures.py); None: not checked
    signature: str = ""  # what the signature shows, for people ("" when not checked)
    named: bool = False  # the commit names the document in a Fitsm-Review trailer (a review of all of it)
    changed: bool = False  # the commit changed the document's content (a revert of it changes it back)

    @property
    def date(self) -> dt.date:
        return commit_date(self.commit)


def events(doc_id: str, changes: list[tuple[Change, Commit]], people: People) -> list[Event]:
    """Approvals and reviews of the document ``doc_id``, oldest first."""
    found: list[Event] = []
    content = ""
    for change, commit in changes:
        if change.what == "deleted":
            content = ""
            continue
        content = change.content or content
        if not content:
            continue  # named before it existed: nothing to review
        whole = doc_id in commit.reviewed()

        def add(kind: str, by: tuple[str, ...], how: str) -> None:
            found.append(Event(kind, commit, change.commit, by, how, content,  # noqa: B023 (called at once)
                               named=whole, changed=change.what in ("created", "changed")))  # noqa: B023

        approvers = commit.trailer("approved-by")
        if approvers:
            add("approval", people.group(tuple(approvers)), "Approved-by trailer")
        elif commit.merge and (pr := pull_request(commit)):
            add("approval", (people.author(commit),), f"merged pull request {pr}")
        reviewers = commit.trailer("reviewed-by") or (approvers if whole else [])
        if whole:
            add("review", people.group(tuple(reviewers)) if reviewers else (people.author(commit),),
                "Fitsm-Review trailer")
        elif reviewers:
            add("review", people.group(tuple(reviewers)), "Reviewed-by trailer")
    return found
