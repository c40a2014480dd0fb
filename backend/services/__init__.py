"""Use cases: the only callers of backend.db from state and the API."""
