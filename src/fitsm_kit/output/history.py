"""``fitsm history``: a document's version history as data (JSON) or text for people."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

from fitsm_kit.errors import FitsmError, did_you_mean
from fitsm_kit.escape import inert_json, inert_line, safe
from fitsm_kit.gitcontrol.doccontrol import GitHistory
from fitsm_kit.gitcontrol.evidence import Event, commit_date
from fitsm_kit.gitcontrol.history import Commit
from fitsm_kit.sms.index import Doc, Sms


def select(sms: Sms, root: Path, target: str) -> list[Doc]:
    """The documents ``target`` names: a document id, or a file (every document in it)."""
    if target in sms.by_id:
        return [sms.by_id[target]]
    path = Path(target)
    candidates = {path.as_posix()}
    for base in (Path.cwd(), root):
        with contextlib.suppress(ValueError):  # outside the SMS
            candidates.add((base / path).resolve().relative_to(root.resolve()).as_posix())
    docs = [d for d in sms.docs if d.path in candidates]
    if not docs:
        raise FitsmError(f"{target!r} is neither a document id nor a file of the SMS at {root}"
                         f"{did_you_mean(target, sms.by_id)}")
    return docs


def describe(history: GitHistory, doc: Doc, as_of: dt.date, until: dt.date | None = None) -> dict[str, Any]:
    """Everything Git says about ``doc``: versions, approvals, reviews (whether each counts for the review
    rules as of ``as_of``). ``until`` (an --as-of date, given or configured): the history as it stood on that
    day, leaving out the commits dated (committer date, as evidence is dated) after it, so that an audit's
    output does not change as commits are added."""
    record = history.record(doc.id)

    def shown(commit: Commit) -> bool:
        return until is None or commit_date(commit) <= until

    versions = [v for v in record.versions if shown(v.commit)] if record else []
    later = {c.commit for c in history.data.documents.get(doc.id, [])
             if not shown(history.data.commits[c.commit])} if until is not None else set()

    def event(e: Event) -> dict[str, Any]:
        return {"date": e.date.isoformat(), "commit": e.commit.sha, "by": list(e.by), "evidence": e.how}

    def approval(e: Event, signed: bool) -> dict[str, Any]:
        # verified: None when signatures were not checked (no signing key in the SMS, none required);
        # dated_before: the version it approves, when the approval is dated before it (then it does not count);
        # not_counted: why it does not stand (on this branch only, withdrawn by a revert)
        early = record.predates(e) if record else None
        why = history.set_aside(e, as_of) if signed else ""
        return event(e) | {"verified": None if e.verified is None else bool(e.verified),
                           "signature": e.signature or None, "counted": signed and early is None and not why,
                           "dated_before": early.commit.sha if early else None, "not_counted": why or None}

    approvals = sorted([(e, True) for e in (*record.approvals, *record.waiting, *record.withdrawn)]
                       + [(e, False) for e in record.unverified],
                       key=lambda pair: pair[0].position) if record else []

    def review(e: Event) -> dict[str, Any]:
        # counted: whether the review rules take it as the document's review (GitHistory.not_counted says why not)
        why = history.not_counted(record, e, as_of) if record else ""
        return event(e) | {"verified": None if e.verified is None else bool(e.verified),
                           "signature": e.signature or None, "counted": not why, "not_counted": why or None}

    return {
        "id": doc.id, "kind": doc.kind, "path": doc.path, "status": doc.model.metadata.status.value,
        "version": doc.model.metadata.version, "changes": len(versions),
        "created": _version(versions[0]) if versions else None,
        "last_change": _version(versions[-1]) if versions else None,
        "authors": list(dict.fromkeys(v.author for v in versions)),
        "versions": [_version(v) | {"number": v.number, "subject": v.commit.subject, "path": v.change.path,
                                     "metadata_version": v.change.version} for v in versions],
        "approvals": [approval(e, signed) for e, signed in approvals if shown(e.commit)],
        "reviews": [review(e) for e in record.reviews if shown(e.commit)] if record else [],
        "uncommitted": bool(record and record.pending),
        "as_of": until.isoformat() if until is not None else None,
        "later_commits": len(later),  # left out: dated after as_of
    }


def _version(v: Any) -> dict[str, Any]:
    return {"date": v.commit.authored[:10], "commit": v.commit.sha, "author": v.author}


def as_json(items: list[dict[str, Any]], notices: tuple[str, ...]) -> str:
    return inert_json(json.dumps({"version": 1, "documents": items, "notices": list(notices)}, indent=2,
                                 ensure_ascii=False)) + "\n"


def as_text(items: list[dict[str, Any]]) -> str:
    """For people: every text from Git or the SMS (ids, paths, authors, subjects) escaped for a terminal."""
    return "\n".join(inert_line(safe(line)) for line in _text(items)) + "\n"


def _text(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for d in items:
        out.append(f"{d['id']} ({d['kind']}) in {d['path']}: {d['status']}"
                   + (f", metadata.version {d['version']}" if d["version"] else ""))
        if d["created"]:
            out.append(f"  created {d['created']['date']} by {d['created']['author']}; last changed "
                       f"{d['last_change']['date']} by {d['last_change']['author']}; {d['changes']} "
                       f"version{'s' if d['changes'] != 1 else ''}; authors: {', '.join(d['authors'])}")
        else:
            out.append("  not committed yet")
        out.append("  versions:" if d["versions"] else "  versions: none")
        out.extend(f"    {v['number']:>3}  {v['date']}  {v['commit'][:7]}  {v['author']}  {v['subject']}"
                   + (f"  [version {v['metadata_version']}]" if v["metadata_version"] else "")
                   for v in d["versions"])
        for title in ("approvals", "reviews"):
            out.append(f"  {title}:" if d[title] else f"  {title}: none in Git")
            out.extend(f"         {e['date']}  {e['commit'][:7]}  {', '.join(e['by'])}  ({e['evidence']}"
                       + _signature(e) + _early(e) + _why(e) + ")" for e in d[title])
        if d["later_commits"]:
            out.append(f"  {d['later_commits']} later commit{'s' if d['later_commits'] != 1 else ''} (dated after "
                       f"{d['as_of']}) not shown")
        if d["uncommitted"]:
            out.append("  uncommitted changes in the working tree")
    return out


def _signature(event: dict[str, Any]) -> str:
    """"; verified: signed by …" for an approval whose signature was checked; "" otherwise."""
    if event.get("verified") is None:
        return ""
    mark = "verified" if event["verified"] else "NOT verified"
    explained = event["counted"] or event.get("dated_before") or event.get("not_counted")  # said elsewhere
    return f"; {mark}: {event['signature']}" + ("" if explained else "; not counted, signatures are required")


def _early(event: dict[str, Any]) -> str:
    """"; not counted: dated before …" for an approval dated before the version it approves; "" otherwise."""
    early = event.get("dated_before")
    return f"; not counted: dated before the change it approves, {early[:7]}" if early else ""


def _why(event: dict[str, Any]) -> str:
    """"; not counted: …" for a review the review rules do not take; "" otherwise (and for approvals)."""
    why = event.get("not_counted")
    return f"; not counted: {why}" if why else ""
