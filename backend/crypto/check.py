"""`python -m backend.crypto.check`: validate settings and every keyring.

Exits 2 with a message naming each variable at fault (missing in production, or
malformed anywhere); otherwise prints each keyring's key ids, never key material.
"""

from __future__ import annotations

import sys

from backend.config import SettingsError, load_settings
from backend.crypto.keyring import PURPOSES, keyring_variable, load_keyring, validate_all


def main() -> None:
    try:
        settings = load_settings()
        validate_all(settings)
    except SettingsError as error:
        print(error.message, file=sys.stderr)
        raise SystemExit(2) from None
    for purpose in PURPOSES:
        variable = keyring_variable(purpose)
        if settings.keyrings.get(purpose, "").strip():
            keyring = load_keyring(settings, purpose)
            kids = ", ".join(keyring.kids)
            print(f"{variable}: key id(s) {kids}; newest {keyring.newest_kid}")
        else:
            print(f"{variable}: not set (local mode: run `make run` or `make secrets` to create it)")


if __name__ == "__main__":
    main()
