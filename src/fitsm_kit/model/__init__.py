"""The domain model: the document kinds (pydantic), dates and durations, the FitSM-1 requirement catalogue,
the time arithmetic of service hours (:mod:`timeline`) and of the agreement chain (:mod:`chain`), and the
JSON Schemas published from the kinds.

Pure: no file system, no Git, no configuration. May import only the top-level modules (``errors``,
``findings``); everything else builds on it. This ``__init__`` imports nothing, so reading the
catalogue or a date does not load every kind: the kinds are in :mod:`fitsm_kit.model.kinds`.
"""
