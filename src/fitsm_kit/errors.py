"""Errors the user can fix (exit 2). Anything else that escapes is a bug (exit 3)."""


class FitsmError(Exception):
    """A usage, configuration or input problem, with a message that says what to do."""
