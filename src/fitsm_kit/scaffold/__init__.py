"""Scaffolding: ``fitsm init`` (:mod:`init`, a new SMS repository) and ``fitsm new`` (:mod:`new`, one document).

:mod:`questions` says what ``new`` asks for each kind (references offered from the SMS), :mod:`templating`
renders the Jinja2 templates below ``templates/`` and writes files without ever replacing one. The
prompts themselves are in :mod:`fitsm_kit.cli.scaffold`: this package returns questions and takes answers.

May import ``engine`` (to read the SMS), ``gitcontrol`` (CODEOWNERS for a new SMS), ``sms``, ``model`` and
the top-level modules; never ``cli``, ``site``, ``evaluation`` or ``output``.
"""
