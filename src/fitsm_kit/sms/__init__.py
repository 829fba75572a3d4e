"""Reading an SMS: configuration, discovery of its files, YAML with positions, and the index of documents.

:mod:`config` finds the SMS root (``fitsm.yaml`` or ``[tool.fitsm]`` in :mod:`pyproject`) and reads its
settings, :mod:`document_control` is that settings section; :mod:`discovery` lists and reads the files
once; :mod:`loader` parses YAML 1.2 into data that remembers where every key and value came from, and
:mod:`positions` maps a path in a document back to a line and column; :mod:`index` holds the validated
documents by id and kind, with the references between them.

May import ``model`` and the top-level modules; never ``gitcontrol`` or anything above it.
"""
