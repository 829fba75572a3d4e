"""What changed in a document, field by field: ``spec.targets[0].availability: 99.5 → 99.9``.

Compares two loaded documents (the plain data :mod:`fitsm_kit.sms.loader` returns). ``metadata.review``
is left out, as history leaves it out: recording a review is not a change. Numbers are shown as they
were written (``99.50`` stays ``99.50``). Used for approval-pending findings and pull-request summaries.
"""

from __future__ import annotations

from typing import Any

from fitsm_kit.sms.loader import load_bytes

IGNORED = (("metadata", "review"),)
_LONG = 60


def find_document(data: bytes, doc_id: str) -> Any:
    """The loaded document ``doc_id`` in a file's bytes, or None."""
    for _, doc in load_bytes(data, "").documents:
        metadata = doc.get("metadata") if isinstance(doc, dict) else None
        if isinstance(metadata, dict) and metadata.get("id") == doc_id:
            return doc
    return None


def show(value: Any) -> str:
    """A value as people read it: numbers as written, long text and structures shortened."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, (int, float)):
        return getattr(value, "source", str(value))
    if isinstance(value, dict):
        return "{…}" if value else "{}"
    if isinstance(value, list):
        return f"[{len(value)} item{'s' if len(value) != 1 else ''}]" if value else "[]"
    text = " ".join(str(value).split())
    return repr(text if len(text) <= _LONG else text[:_LONG - 1] + "…")


def differences(old: Any, new: Any) -> list[str]:
    """Each changed leaf as ``path: old → new``, ``path: added …`` or ``path: removed …``, in document order."""
    found: list[str] = []
    _walk(old, new, (), found)
    return found


def _name(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _same(a: Any, b: Any) -> bool:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    return show(a) == show(b) if numbers else bool(type(a) is type(b) and a == b)


def _walk(old: Any, new: Any, path: tuple[str | int, ...], found: list[str]) -> None:
    if path in IGNORED:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            sub = (*path, key)
            if sub in IGNORED:
                continue
            if key not in new:
                found.append(f"{_name(sub)}: removed {show(old[key])}")
            elif key not in old:
                found.append(f"{_name(sub)}: added {show(new[key])}")
            else:
                _walk(old[key], new[key], sub, found)
        return
    if isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            if i >= len(new):
                found.append(f"{_name((*path, i))}: removed {show(old[i])}")
            elif i >= len(old):
                found.append(f"{_name((*path, i))}: added {show(new[i])}")
            else:
                _walk(old[i], new[i], (*path, i), found)
        return
    if not _same(old, new):
        found.append(f"{_name(path)}: {show(old)} → {show(new)}")
