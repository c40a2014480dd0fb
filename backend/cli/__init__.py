"""Developer and operator commands (`python -m backend.cli.<name>`)."""
