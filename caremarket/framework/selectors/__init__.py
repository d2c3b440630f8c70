"""Reads of the framework, one module per concept; import from the module you need."""
