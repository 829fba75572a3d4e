"""``document_control`` in ``fitsm.yaml``: whether Git history is used, versioning, who approves what.

Kept free of the models so that reading the configuration stays cheap (a cached check loads no kinds).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fitsm_kit.errors import did_you_mean
from fitsm_kit.model.signing import SigningKey

PROCESSES = frozenset(("SPM", "SLM", "SRM", "SACM", "CAPM", "ISM", "CRM", "SUPPM", "ISRM", "PM", "CONFM", "CHM",
                       "RDM", "CSI"))
_TOKEN = re.compile(r"^(owner|sms-owner|sms-manager|process-owner|process-manager)(?::([A-Z]+))?\Z")

# Who must approve each kind: FitSM-1 GR1.2 (the policy by top management: the SMS owner), GR2.4,
# FitSM-3 (the SLM process manager agrees SLAs, OLAs and UAs; a process owner approves its process's
# definition). "owner" is the document's metadata.owner; "*" is every other kind.
DEFAULT_APPROVERS: dict[str, list[str]] = {
    "Policy": ["sms-owner"],
    "SLA": ["process-manager:SLM", "owner"],
    "OLA": ["process-manager:SLM", "owner"],
    "UA": ["process-manager:SLM", "owner"],
    "Process": ["process-owner"],
    "*": ["owner", "sms-manager"],
}


def parse_token(token: str) -> tuple[str, str | None]:
    """("process-manager", "SLM") for "process-manager:SLM"; ValueError for an unknown token."""
    m = _TOKEN.match(token)
    if m is None or (m.group(2) is not None and m.group(2) not in PROCESSES):
        roles = ["owner", "sms-owner", "sms-manager", "process-owner", "process-manager"]
        raise ValueError(f"unknown approver {token!r}{did_you_mean(token.split(':')[0], roles)}; use owner, "
                         "sms-owner, sms-manager, process-owner[:CODE] or process-manager[:CODE] (CODE: a process "
                         "such as SLM)")
    return m.group(1), m.group(2)


class DocumentControl(BaseModel):
    """How Git history is used for document control (GR2.4)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    git: bool | Literal["auto"] = Field(
        "auto", description="Use Git history: true, false, or auto (when the SMS root is the repository root)")
    versioning: Literal["count", "explicit"] = Field(
        "count", description="explicit: every content change must bump metadata.version")
    default_branch: str | None = Field(
        None, description="The branch whose history records approvals; default: origin/HEAD, else main, else master")
    approvers: dict[str, list[str]] = Field(
        {}, description="Kind (or '*') -> who may approve it; overrides the defaults per kind")
    require_signed_approvals: bool = Field(
        False, description="Count an approval only from a commit signed by a key on the approver's Person "
        "(spec.signing_keys), or by a trusted_signers key with the commit's author as approver")
    trusted_signers: list[SigningKey] = Field(
        [], description="Platform keys that sign merges made in its web interface (GitHub: "
        "https://github.com/web-flow.gpg); such a commit's author is its approver")

    @field_validator("default_branch")
    @classmethod
    def _branch(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or value.startswith("-") or any(c in value for c in " ~^:?*[\\")):
            raise ValueError(f"{value!r} is not a branch name")
        return value

    @field_validator("approvers")
    @classmethod
    def _known(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for tokens in value.values():
            for token in tokens:
                parse_token(token)
        return value

    def approvers_of(self, kind: str) -> list[str]:
        table = {**DEFAULT_APPROVERS, **self.approvers}
        return table.get(kind, table["*"])
