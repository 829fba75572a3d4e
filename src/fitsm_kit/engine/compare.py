"""Compare a check with another: what a change causes and fixes (pull-request mode).

A change can break what it does not touch: deleting a Person leaves owners and role assignments
dangling in other files. So pull-request mode checks the SMS as it is in REF's tree too (a temporary
``git worktree`` of REF, with the same flags and the same date) and splits the findings by their
fingerprint (:mod:`.matching`: stable when edits move them): *new* ones, wherever they
are, fail; ones already at REF are *known*; ones at REF that are gone are *fixed*. The check of REF is
cached by REF's commit in the repository's cache directory, so CI runs on the same base reuse it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from fitsm_kit.engine import cache
from fitsm_kit.engine.matching import split
from fitsm_kit.engine.run import check_sms
from fitsm_kit.findings import Result
from fitsm_kit.gitcontrol import reftree
from fitsm_kit.sms.config import Config, config_path, load_config

_CACHE_NAME = "ref-check"


def check_ref(root: Path, ref: str, config: Config, as_of: dt.date, *, no_cache: bool = False) -> Result:
    """The check of the SMS at ``root`` as it is at ``ref``, with ``config``'s flags and date.

    REF's own ``fitsm.yaml`` applies (it is part of what the change may change), with the command line's
    ``select``, ``ignore`` and ``fail_on`` and the date of the check it is compared with. An SMS that did
    not exist at REF has no findings there.
    """
    sha = reftree.commit_of(root, ref)
    _, prefix = reftree.sms_prefix(root)
    flags = {"as_of": as_of, "select": config.select, "ignore": config.ignore, "fail_on": config.fail_on}
    key = None if no_cache else cache.ref_key(sha, prefix, repr(sorted(flags.items())))
    found = cache.load(root, key, _CACHE_NAME)
    if found is not None:
        return found
    with reftree.checkout(root, sha) as ref_root:
        if config_path(ref_root) is None:
            result = Result(root=str(root), as_of=as_of.isoformat(), findings=(), documents=0, files=0)
        else:
            ref_config = load_config(ref_root).model_copy(update=flags)
            result = dataclasses.replace(check_sms(ref_root, ref_config, as_of)[1], root=str(root))
    cache.store(root, key, result, _CACHE_NAME)
    return result


def compare(head: Result, ref: Result, ref_name: str) -> Result:
    """``head`` with only its new findings in ``findings``; those already at REF known, REF's gone ones fixed."""
    new, known = split(head.findings, ref.findings)
    fixed, _ = split(ref.findings, head.findings)
    notice = (f"compared with {ref_name}: {len(new)} new finding{'s' if len(new) != 1 else ''}, {len(fixed)} fixed, "
              f"{len(known)} already there")
    return dataclasses.replace(head, findings=tuple(new), known=tuple(known), fixed=tuple(fixed),
                               compared_with=ref_name, notices=(*head.notices, notice))
