"""The baseline: today's findings, recorded so that an SMS can adopt fitsm gradually.

``fitsm baseline`` writes every finding of a check to ``fitsm-baseline.json`` at the SMS root (JSON, so
it is never read as an SMS document; sorted, one finding per line, so its diff is easy to review).
``fitsm check`` then fails only on findings that are not in it; the baselined ones are reported as
known, and a baselined finding that no longer occurs is reported as gone, so the baseline can shrink.
Findings are matched as in pull-request mode (:mod:`.matching`): by fingerprint (rule, file, document
and message), which survives edits above them, and a document moved to another file keeps its findings.
Only ``fitsm check`` reads the baseline: the conformity matrix (``fitsm status``) and the site show
every finding, so a baseline hides nothing from an auditor.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from fitsm_kit.atomic import write_atomic
from fitsm_kit.engine.matching import split
from fitsm_kit.errors import FitsmError
from fitsm_kit.findings import Finding, Result, Severity

FILE = "fitsm-baseline.json"
VERSION = 1


def path(root: Path) -> Path:
    return root / FILE


ABOUT = "findings known when this baseline was written: fitsm check fails only on others; shrink it with fitsm baseline"


def render(result: Result) -> str:
    """The baseline file for ``result``'s findings: one finding per line, sorted, so diffs are readable."""
    lines = [json.dumps({"fingerprint": f.fingerprint, **f.to_dict()}, ensure_ascii=False, sort_keys=True)
             for f in sorted(result.findings)]
    separator = ",\n    "
    body = f"\n    {separator.join(lines)}\n  " if lines else ""
    return (f'{{\n  "version": {VERSION},\n  "tool": "fitsm-kit",\n  "about": {json.dumps(ABOUT)},\n'
            f'  "findings": [{body}]\n}}\n')


def write(root: Path, result: Result) -> Path:
    """Write the baseline of ``result`` (replacing the previous one: that is what it is for)."""
    target = path(root)
    try:
        write_atomic(target, render(result))
    except OSError as e:
        raise FitsmError(f"cannot write {target}: {e.strerror or e}") from None
    return target


def load(root: Path) -> list[Finding] | None:
    """The baselined findings, or None when the SMS has no baseline; FitsmError when it cannot be read."""
    target = path(root)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise FitsmError(f"{target}: not a readable baseline ({e}); write it again with 'fitsm baseline'") from None
    try:
        if data["version"] != VERSION:
            raise ValueError(f"version {data['version']!r}")
        return [Finding(str(f["path"]), int(f["line"]), int(f["column"]), str(f["requirement"]), str(f["rule"]),
                        str(f["message"]), Severity(f["severity"]), str(f.get("fix", "")), str(f.get("document", "")))
                for f in data["findings"]]
    except (KeyError, TypeError, ValueError) as e:
        raise FitsmError(f"{target}: not a baseline fitsm-kit understands ({e}); write it again with "
                         "'fitsm baseline'") from None


def apply(result: Result, known: list[Finding]) -> Result:
    """``result`` with the baselined findings moved to ``known``, and baselined ones no longer found as ``gone``."""
    new, old = split(result.findings, known)
    gone, _ = split(known, result.findings)
    return dataclasses.replace(result, findings=tuple(new), known=(*result.known, *old), gone=tuple(gone),
                               baseline=FILE)
