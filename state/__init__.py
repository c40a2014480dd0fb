"""Reflex state: thin handlers that parse input, call a service and set view vars."""
