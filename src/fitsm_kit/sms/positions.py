"""Map a path inside a document (``("spec", "targets", 1, "value")``) to a 1-based line and column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fitsm_kit.sms.loader import Pos, YList, YMap


def position(root: Any, loc: Sequence[str | int], fallback: Pos = (1, 1), *, at_key: bool = False) -> Pos:
    """The value at ``loc`` if it exists (its key with ``at_key``); else the key of its nearest parent.

    A missing key is reported at the key of the mapping that should hold it (``metadata:``), which is
    where the user has to add it.
    """
    node = root
    pos = getattr(root, "pos", fallback)
    for part in loc:
        if isinstance(node, YMap) and isinstance(part, str) and part in node:
            child = node[part]
            # containers: point at their key line; scalars: at the value itself
            keyed = at_key or isinstance(child, (YMap, YList))
            pos = node.key_pos[part] if keyed else node.value_pos[part]
            node = child
        elif isinstance(node, YList) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.item_pos[part]
            node = node[part]
        else:
            break
    return pos
