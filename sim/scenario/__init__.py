"""sim.scenario: scenario files (YAML), their model, and durations."""

from sim.scenario.durations import format_duration, parse_duration
from sim.scenario.loader import ScenarioError, load_scenario, parse_scenario
from sim.scenario.model import NodePool, Scenario, TimelineAction

__all__ = [
    "NodePool",
    "Scenario",
    "ScenarioError",
    "TimelineAction",
    "format_duration",
    "load_scenario",
    "parse_duration",
    "parse_scenario",
]
