"""sim.core: the clock, named random streams, the trace recorder, SimPy's named fast paths
(`events`) and the one thread-safe hand-off into the simulation (`driver.SimDriver`)."""

from sim.core.clock import DEFAULT_EPOCH, Clock
from sim.core.durations import format_duration, parse_duration
from sim.core.errors import ConfigError
from sim.core.rand import NAME_ALPHABET, RandomStream, RandomStreams, stream_seed
from sim.core.trace import TraceRecord, TraceRecorder, canonical_line

__all__ = [
    "DEFAULT_EPOCH",
    "NAME_ALPHABET",
    "Clock",
    "ConfigError",
    "RandomStream",
    "RandomStreams",
    "TraceRecord",
    "TraceRecorder",
    "canonical_line",
    "format_duration",
    "parse_duration",
    "stream_seed",
]
