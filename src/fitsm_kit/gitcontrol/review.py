"""``fitsm review``: record a review in the document itself, and optionally commit it with trailers.

The review is written to ``metadata.review.last_reviewed`` and ``reviewed_by``, where the review rules
and the site read it, with or without Git. Only that entry is rewritten: ruamel.yaml round-trips the
``review`` mapping (keeping its style and comments) and the new text is spliced into the file, so every
other byte of the file — other documents, comments, flow mappings ruamel would re-wrap — stays as it was.
The commit (``--commit``) carries ``Fitsm-Review: ID`` and ``Reviewed-by:`` trailers, so the review is
also Git-native evidence; a review stamp alone is not a content change, so it never "changes" an
approved document. A review in Git is dated by its commit, so with ``--commit`` the review date is the
day the commit carries (its committer date, as git will write it): a different ``--on`` is refused
rather than recorded as two dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from fitsm_kit.atomic import write_atomic
from fitsm_kit.errors import FitsmError, did_you_mean, io_error
from fitsm_kit.gitcontrol.docread import documents
from fitsm_kit.gitcontrol.evidence import People, trailer_identity
from fitsm_kit.gitcontrol.repo import run_git, work_tree
from fitsm_kit.sms.index import Sms

_BOUNDARY = re.compile(r"(?m)(^---(?:[ \t].*)?$)")


def stamp(text: str, doc_id: str, by: str, on: dt.date, where: str) -> str:
    """``text`` with the review of document ``doc_id`` set to ``on`` by ``by``; nothing else changes."""
    parts = _BOUNDARY.split(text)
    for i, chunk in enumerate(parts):
        if _BOUNDARY.fullmatch(chunk):
            continue
        if any(d.id == doc_id for d in documents(chunk.encode("utf-8", "surrogateescape"))):
            parts[i] = _stamp_chunk(chunk, by, on, where)
            return "".join(parts)
    raise FitsmError(f"{where}: no document with id {doc_id!r}")


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 2**31 - 1  # never fold: ruamel 0.19.1 loses characters in some folded double-quoted strings
    return yaml


def _stamp_chunk(chunk: str, by: str, on: dt.date, where: str) -> str:
    try:
        doc = _yaml().load(chunk)
    except Exception as e:  # noqa: BLE001 - ruamel raises many error types; any means "not editable"
        raise FitsmError(f"{where}: cannot be read for editing: {e}") from None
    meta = doc.get("metadata") if isinstance(doc, CommentedMap) else None
    if not isinstance(meta, CommentedMap) or meta.fa.flow_style():
        raise FitsmError(f"{where}: metadata is not a block mapping; set metadata.review by hand")
    lines = chunk.split("\n")
    own = dict(meta.non_merged_items())  # not what a merge key ('<<: *defaults') brings: that is written elsewhere
    if not own:
        raise FitsmError(f"{where}: metadata has no entry of its own; set metadata.review by hand")
    keys = list(own)
    indent = " " * meta.lc.key(keys[0])[1]
    review: Any = own.get("review")
    if review is None:
        # a review that a merge key brings is copied into the document's own entry, which overrides it
        merged = meta.get("review")
        review = CommentedMap(merged.items() if isinstance(merged, CommentedMap) else ())
        review.fa.set_flow_style()
        start = stop = _block_end(lines, meta.lc.key(keys[-1])[0], len(indent))
    elif not isinstance(review, CommentedMap):
        raise FitsmError(f"{where}: metadata.review is not a mapping")
    else:
        start = meta.lc.key("review")[0]
        stop = _block_end(lines, start, len(indent))
    review["last_reviewed"] = on
    review["reviewed_by"] = by
    out = io.StringIO()
    _yaml().dump({"review": review}, out)
    new = [indent + line if line else line for line in out.getvalue().rstrip("\n").split("\n")]
    key_line = re.compile(r"\s*review:\s*(#.*)?")
    if start < stop and key_line.fullmatch(new[0]) and key_line.fullmatch(lines[start]):
        new[0] = lines[start]  # ruamel re-aligns a comment after "review:"; keep the line as it was
    return "\n".join(lines[:start] + new + lines[stop:])


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The line after the entry starting at ``start``: the next line (not blank, not a comment) at most
    ``indent`` deep; blank and comment lines just before it stay with what follows."""
    end = start + 1
    last = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            if len(line) - len(line.lstrip()) <= indent:
                break
            last = end + 1
        end += 1
    return last


def commit_day(top: Path) -> dt.date:
    """The date a commit made now in ``top`` carries: git's committer date (``GIT_COMMITTER_DATE`` too) in
    its own time zone, as :func:`~.evidence.commit_date` reads it back."""
    ident = run_git(top, "var", "GIT_COMMITTER_IDENT").decode("utf-8", "replace").split()
    try:
        seconds, zone = int(ident[-2]), ident[-1]
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * (-1 if zone[0] == "-" else 1)
        return dt.datetime.fromtimestamp(seconds, dt.timezone(offset)).date()
    except (IndexError, ValueError):
        raise FitsmError(f"git var GIT_COMMITTER_IDENT in {top} gave no date: set user.name and user.email") from None


def record(root: Path, sms: Sms, doc_id: str, by: str, on: dt.date | None, *, note: str | None = None,
           commit: bool = False) -> tuple[Path, dt.date, str | None]:
    """Stamp the review into the document's file (and commit it); the file, the review date and the commit
    sha (or None). ``on``: the review date; None: today, or with ``commit`` the commit's date (which a
    different ``on`` must not contradict)."""
    doc = sms.by_id.get(doc_id)
    if doc is None:
        raise FitsmError(f"no document with id {doc_id!r} in the SMS at {root}{did_you_mean(doc_id, sms.by_id)}")
    person = People(sms).identity(by)
    if person is None:
        people = [p.id for p in sms.of_kind("Person")]
        raise FitsmError(f"--by {by!r} names no Person of the SMS{did_you_mean(by, people)} (use a Person id, email "
                         "or GitHub/GitLab handle)")
    path = root / doc.path
    top = work_tree(root) if commit else None
    if commit:
        if top is None:
            raise FitsmError(f"--commit: {root} is not in a Git repository")
        if run_git(top, "status", "--porcelain", "--", str(path.resolve())).strip():
            raise FitsmError(f"--commit: {doc.path} has uncommitted changes; commit or drop them first, so the "
                             "review commit holds the review alone")
        day = commit_day(top)
        if on is not None and on != day:
            raise FitsmError(f"--on {on} with --commit: the review commit is dated {day}, and a review in Git counts "
                             "from its commit's date; leave out --on, or record the review of another day without "
                             "--commit and commit the file without a Fitsm-Review trailer")
        on = day
    on = on or dt.date.today()
    spec = sms.by_id[person].spec
    reviewer = trailer_identity(spec.name, spec.email) if commit else ""  # refused before anything is written
    try:
        text = path.read_bytes().decode("utf-8")  # as written: CRLF line ends stay (read_text would make them LF)
    except OSError as e:
        raise io_error("read", path, e) from None
    write_atomic(path, stamp(text, doc_id, person, on, doc.path), within=root, edited=text)
    if top is None:
        return path, on, None
    message = f"Review {doc_id}\n\n{note.strip()}\n\n" if note else f"Review {doc_id}\n\n"
    message += f"Fitsm-Review: {doc_id}\nReviewed-by: {reviewer}\n"
    run_git(top, "commit", "-q", "--only", "-F", "-", "--", str(path.resolve()), stdin=message.encode())
    return path, on, run_git(top, "rev-parse", "HEAD").decode().strip()
