"""Matching findings of two checks: which are the same finding, so that only new ones fail.

Used by pull-request mode (a check compared with REF's) and by the baseline (a check compared with the
recorded findings). A finding's fingerprint (rule, file, document, message, as SARIF's partial
fingerprints) leaves out line numbers, so edits above a finding do not make it new.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable

from fitsm_kit.findings import Finding


def split(found: Iterable[Finding], known: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """``found`` as (not in ``known``, in ``known``), matched by fingerprint, each known one once.

    A finding about a document moved to another file is the same finding: those left unmatched are
    matched again by rule, document and message, leaving out the file.
    """
    found, known = list(found), list(known)
    left = Counter(f.fingerprint for f in known)
    matched = [False] * len(found)
    for i, f in enumerate(found):
        if left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            matched[i] = True
    moved: Counter[str] = Counter()
    for f in known:  # the known findings no found one matched
        if left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            if f.document:
                moved[_anywhere(f)] += 1
    for i, f in enumerate(found):
        if not matched[i] and f.document and moved[_anywhere(f)] > 0:
            moved[_anywhere(f)] -= 1
            matched[i] = True
    return [f for i, f in enumerate(found) if not matched[i]], [f for i, f in enumerate(found) if matched[i]]


def _anywhere(f: Finding) -> str:
    """The fingerprint of ``f`` in whichever file its document is."""
    return dataclasses.replace(f, path="").fingerprint
