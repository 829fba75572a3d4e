"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One ``reportingDescriptor`` per check that ran (its id is the rule name, stable across runs; its help
is the FitSM-1 requirement text), one ``result`` per finding. Locations are relative to the Git work
tree (``uriBaseId: %SRCROOT%``), so alerts stay attached to the same file from run to run. Waived
findings are included with an external, accepted suppression that names the waiver. After a comparison
(a baseline, pull-request mode) the new results have ``baselineState: new`` and the known ones, also
included, ``unchanged``.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from fitsm_kit import __version__
from fitsm_kit.escape import inert_json
from fitsm_kit.findings import Finding, Result, Severity
from fitsm_kit.output.checks import CheckInfo, ran, source_root

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def as_sarif(result: Result) -> str:
    """The SARIF log of one check, as JSON text."""
    infos = ran(result)
    index = {info.name: i for i, info in enumerate(infos)}
    prefix = _prefix(Path(result.root))
    results = [_result(f, index, prefix) for f in result.findings]
    results += [_result(f, index, prefix) for f in result.waived]
    if result.baseline or result.compared_with:  # SARIF's own words for a comparison with a baseline
        for item in results:
            item["baselineState"] = "new"
        results += [_result(f, index, prefix) | {"baselineState": "unchanged"} for f in result.known]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "fitsm-kit", "version": __version__, "semanticVersion": __version__,
                                "rules": [_descriptor(info) for info in infos]}},
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"asOf": result.as_of, "documents": result.documents, "files": result.files,
                           "notices": list(result.notices)},
        }],
    }
    return inert_json(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _prefix(root: Path) -> PurePosixPath:
    """The SMS root relative to the source root, so URIs are relative to the Git work tree."""
    return PurePosixPath(root.resolve().relative_to(source_root(root)).as_posix())


def _descriptor(info: CheckInfo) -> dict[str, Any]:
    help_text = info.requirement_text + (f"\n\nFix: {info.fix}" if info.fix else "")
    return {
        "id": info.name,
        "shortDescription": {"text": info.summary or info.name},
        "fullDescription": {"text": info.doc or info.summary or info.name},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL[info.severity]},
        "properties": {"requirement": info.requirement, "tags": ["fitsm", info.requirement.split(".")[0],
                                                                 info.requirement]},
    }


def _result(f: Finding, index: dict[str, int], prefix: PurePosixPath) -> dict[str, Any]:
    text = f"{f.requirement} {f.message}" + (f"\nFix: {f.fix}" if f.fix else "")
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            # a non-UTF-8 file name (surrogate escapes) is percent-encoded as the bytes it has on disk
            "artifactLocation": {"uri": quote(str(prefix / f.path), errors="surrogateescape"),
                                 "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": f.line, "startColumn": f.col},
        }}],
        # stable while the finding is the same, however far edits above it move it
        "partialFingerprints": {"fitsmFinding/v1": f.fingerprint},
        "properties": {"requirement": f.requirement, "document": f.document},
    }
    if f.waiver:
        out["suppressions"] = [{"kind": "external", "status": "accepted",
                                "justification": f"waived by Waiver {f.waiver}"}]
    return out
