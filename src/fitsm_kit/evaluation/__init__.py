"""Evaluation: agreement targets measured from outage and ticket data (PR2.3, PR2.5), reports from a
``ReportSpecification`` (PR3), and the FitSM-6-style self-assessment (:mod:`assess`).

Works on an SMS index its caller (the CLI) loaded and passes in. May import ``output`` (the conformity
matrix), ``sms``, ``model`` and the top-level modules; never ``cli``, ``site`` or ``scaffold``.
"""
