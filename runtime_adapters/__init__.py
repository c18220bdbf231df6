"""runtime_adapters."""
