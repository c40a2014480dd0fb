"""`python -m backend.db.snapshot`: write (or `--check`) sql/snapshot/schema.sql."""

import sys

from backend.db.snapshot import main

raise SystemExit(main(sys.argv[1:]))
