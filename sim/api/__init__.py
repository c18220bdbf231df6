"""sim.api: kinds, quantities, selectors, validation and defaulting (Kubernetes JSON in and out)."""
