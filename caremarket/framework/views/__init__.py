"""Pages of the framework, one module per concept."""
