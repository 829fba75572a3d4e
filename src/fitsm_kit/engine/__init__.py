"""The check engine: load → validate → index → resolve references → run rules → waive → result.

One module per step: :mod:`load` (files into the SMS index), :mod:`validate` (one document against its
kind), :mod:`references` (every reference resolves), :mod:`run` (the whole check, rule by rule),
:mod:`waivers` (recorded deviations applied to findings), :mod:`selection` (``--select`` / ``--ignore``),
:mod:`collect` (problems into findings) and :mod:`cache` (a result not computed twice).

May import ``rules``, ``gitcontrol``, ``sms``, ``model`` and the top-level modules; never ``output``,
``site``, ``scaffold``, ``evaluation`` or ``cli``. This ``__init__`` imports nothing: the CLI reads the
result cache without loading the rules.
"""
