"""Configuration errors, shared by every layer that reads user configuration.

A malformed scenario or component section raises `ConfigError` with a message of the form
`<file>: <field path>: <what was expected>`; `sim.scenario.ScenarioError` is the same class, so
components (which sit below the scenario layer) can raise it without importing upward.
"""


class ConfigError(ValueError):
    """Bad user configuration: names the file (when known), the field and what was expected."""
