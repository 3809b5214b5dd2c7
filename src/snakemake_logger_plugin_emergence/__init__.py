"""Snakemake finds logger plugins by this module name (`--logger emergence`); the logger is emergence.buildlog."""

from emergence.buildlog import LogHandler

__all__ = ["LogHandler"]
