"""`python -m backend.crypto.keygen`: print a new keyring entry `k<yyyymmdd>:<base64url 32 bytes>`.

To rotate, append the printed entry (after a comma) to the purpose's SKOPX_KEYRING_*
variable, restart, then run `python -m backend.crypto.rotate --purpose <name>`.
`--env` prints one fresh `SKOPX_KEYRING_<PURPOSE>=...` line per purpose (used by `make secrets`).
"""

from __future__ import annotations

import argparse
import base64
import os
from datetime import UTC, datetime

from backend.crypto.keyring import KEY_BYTES, KID_PATTERN, PURPOSES, keyring_variable


def default_kid() -> str:
    return f"k{datetime.now(UTC):%Y%m%d}"


def new_keyring_entry(kid: str | None = None) -> str:
    kid = kid or default_kid()
    if not KID_PATTERN.fullmatch(kid):
        raise ValueError("Key id must be 1-16 characters of a-z and 0-9.")
    key = base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).rstrip(b"=").decode("ascii")
    return f"{kid}:{key}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m backend.crypto.keygen", description=__doc__)
    parser.add_argument("--kid", help="key id, 1-16 of [a-z0-9] (default: k<yyyymmdd>)")
    parser.add_argument("--env", action="store_true", help="print a VAR=entry line for every purpose")
    args = parser.parse_args(argv)
    try:
        if args.env:
            for purpose in PURPOSES:
                print(f"{keyring_variable(purpose)}={new_keyring_entry(args.kid)}")
        else:
            print(new_keyring_entry(args.kid))
    except ValueError as error:
        parser.error(str(error))


if __name__ == "__main__":
    main()
