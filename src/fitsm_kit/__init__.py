"""fitsm-kit: a FitSM service management system as code."""

__version__ = "0.1.0"
