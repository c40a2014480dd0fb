"""Database access: connection URLs, the embedded server, migrations and sessions."""
