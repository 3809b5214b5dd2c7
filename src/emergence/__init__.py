"""Reproducible analysis of Morocco's industrial policy from published national statistics."""

__version__ = "0.1.0"
