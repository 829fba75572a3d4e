"""The SMS document kinds: one pydantic model per kind, looked up by ``kind:``."""

from __future__ import annotations

from fitsm_kit.model import general, measurement, operations, service, waiver
from fitsm_kit.model.base import Envelope

KINDS: dict[str, type[Envelope]] = {
    cls.model_fields["kind"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for module in (general, service, operations, waiver, measurement)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, Envelope) and cls is not Envelope
}
