"""Durations live in sim.core.durations (components parse their own configuration); this module
keeps the scenario-level import path."""

from sim.core.durations import format_duration, parse_duration

__all__ = ["format_duration", "parse_duration"]
