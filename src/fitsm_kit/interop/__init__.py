"""Interoperability: service records of other catalogues in and out of the SMS (``fitsm import`` / ``fitsm export``).

:mod:`eosc_profile` is the EOSC EU Node service profile v3 (its JSON Schema ships in ``data/``) and reads
record files with positions; :mod:`eosc_mapping` maps a record to FitSM fields and back, keeping what has
no FitSM meaning in ``x-eosc-`` extension fields; :mod:`eosc_import` turns records into ``Service``,
``Supplier`` and ``ServiceCatalogue`` drafts and updates them on a new import; :mod:`eosc_export` writes
a catalogue's live services as records; :mod:`yamlblock` writes the YAML both use.

A stage above ``scaffold``: it writes documents with scaffold's rules (place, id checks, schema copies,
never over a file) and reads the SMS through ``engine``. May import ``scaffold``, ``engine``, ``sms``,
``model`` and the top-level modules; never ``cli``, ``site``, ``evaluation`` or ``output``, and not ``rules``
or ``gitcontrol`` directly (the engine it reads through uses them).
"""
