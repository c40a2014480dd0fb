"""`make migrate`: start the embedded database when no DATABASE_URL is set, then migrate."""

from __future__ import annotations

import sys

from backend.config import get_settings
from backend.db import embedded, migrate


def main() -> int:
    if not get_settings().database_url:
        try:
            embedded.start()
        except embedded.EmbeddedDatabaseError as error:
            print(str(error), file=sys.stderr)
            return 1
    return migrate.main()


if __name__ == "__main__":
    raise SystemExit(main())
