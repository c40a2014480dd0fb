"""`python -m backend.cli.create_owner`: the first account of a production database.

Asks for the name, the email address and (twice, without echo) the password, then creates the
account with its own organization, of which it is the owner: exactly what sign-up does, without a
browser. Works on an empty database and on one that already has accounts.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from backend.errors import AppError
from backend.services import accounts


def _ask_password() -> str:
    while True:
        password = getpass.getpass("Password: ")
        if password == getpass.getpass("Repeat the password: "):
            return password
        print("The two passwords differ. Try again.", file=sys.stderr)


async def _create(name: str, email: str, password: str) -> None:
    from backend.db.session import close_pools

    try:
        # Sign-up opens a browser session too; nobody will use this one, so it is closed at once.
        token = await accounts.sign_up(name=name, email=email, password=password, user_agent="create_owner")
        await accounts.log_out(token=token)
    finally:
        await close_pools()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", help="the owner's display name (asked when missing)")
    parser.add_argument("--email", help="the owner's email address (asked when missing)")
    args = parser.parse_args(argv)
    name = args.name or input("Name: ")
    email = args.email or input("Email: ")
    password = _ask_password()
    try:
        asyncio.run(_create(name, email, password))
    except AppError as refused:
        print(refused.detail, file=sys.stderr)
        return 1
    print(f"Created {email.strip()}, owner of a new organization. Sign in at the app's /login page.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
