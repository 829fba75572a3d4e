"""Who may approve a document: ``document_control.approvers`` resolved to Person ids through the role assignments.

One answer for the rules that judge approvals in Git (:mod:`fitsm_kit.rules.doc_control`) and for the
CODEOWNERS that asks those people to review (:mod:`fitsm_kit.gitcontrol.codeowners`).
"""

from __future__ import annotations

from fitsm_kit.sms.document_control import parse_token
from fitsm_kit.sms.index import Doc, Sms

_ROLE_NAMES = {"owner": "its owner", "sms-owner": "the SMS owner", "sms-manager": "the SMS manager",
               "process-owner": "the {} process owner", "process-manager": "the {} process manager"}


def allowed_approvers(sms: Sms, doc: Doc) -> tuple[set[str], str]:
    """The Person ids who may approve ``doc``, and who they are in words ("the SMS owner or its owner")."""
    code = getattr(doc.spec, "code", None)  # a Process definition's own process
    return allowed_for(sms, doc.kind, doc.model.metadata.owner,
                       None if code is None else str(getattr(code, "value", code)))


def allowed_for(sms: Sms, kind: str, owner: str | None, code: str | None = None) -> tuple[set[str], str]:
    """:func:`allowed_approvers` of a document given by its kind, owner and (for a Process) process code;
    also for one that is no longer in the SMS (a pull request deletes it)."""
    persons: set[str] = set()
    words: list[str] = []
    for token in sms.config.document_control.approvers_of(kind):
        role, process = parse_token(token)
        if role == "owner":
            if owner:
                persons.add(owner)
        else:
            if role.startswith("process-") and process is None:
                if code is None:
                    continue
                process = code
            persons.update(sms.holders(role, process))
        words.append(_ROLE_NAMES[role].format(process))
    return persons, " or ".join(words) or "nobody (check document_control.approvers)"


def with_handles(sms: Sms, ids: set[str]) -> str:
    """Person ids with their GitHub / GitLab handles, as CODEOWNERS names them: "carla-rossi (@crossi)"."""
    shown = []
    for person_id in sorted(ids):
        doc = sms.get(person_id, "Person")
        handles = sorted({"@" + h.strip().lstrip("@") for h in (getattr(doc.spec, "github", None),
                                                               getattr(doc.spec, "gitlab", None)) if h}
                         ) if doc is not None else []
        shown.append(f"{person_id} ({', '.join(handles)})" if handles else person_id)
    return ", ".join(shown) or "nobody"
