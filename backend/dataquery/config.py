"""Where a data query connects: one connected database, as its owner configured it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from backend.errors import Invalid
from backend.limits import DATA_QUERY_ENGINES, DATA_QUERY_TLS_MODES

Engine = Literal["postgresql", "mysql"]
TlsMode = Literal["disable", "prefer", "require", "verify-full"]


@dataclass(frozen=True)
class ConnectionConfig:
    """A database to query. `engine` "mysql" covers MariaDB too.

    `tls`: "disable" (plain TCP), "prefer" (TLS when the server offers it), "require" (TLS, the
    certificate unchecked) or "verify-full" (TLS with a certificate the system trusts, for `host`).
    The password never appears in `repr()` or in an error.
    """

    engine: Engine
    host: str
    port: int
    database: str
    user: str
    password: str = field(default="", repr=False)
    tls: TlsMode = "verify-full"

    def __post_init__(self) -> None:
        if self.engine not in DATA_QUERY_ENGINES:
            raise Invalid("Choose PostgreSQL or MySQL (MariaDB) as the database engine.", field="engine")
        if self.tls not in DATA_QUERY_TLS_MODES:
            raise Invalid(
                "Choose one of the TLS settings: " + ", ".join(DATA_QUERY_TLS_MODES) + ".", field="tls"
            )
        if not isinstance(self.port, int) or not 1 <= self.port <= 65_535:
            raise Invalid("The port must be a number from 1 to 65535.", field="port")
        for name, label in (("host", "host"), ("database", "database name"), ("user", "user name")):
            value = getattr(self, name)
            if not value or not value.strip():
                raise Invalid(f"Enter the {label}.", field=name)
        for name in ("host", "database", "user", "password"):
            if "\x00" in getattr(self, name):
                raise Invalid(f"The {name} contains a NUL character; remove it.", field=name)
