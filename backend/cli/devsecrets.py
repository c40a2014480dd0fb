"""Create local development secrets once, in a git-ignored file with mode 0600.

Never used in production: there every secret comes from the environment.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from backend.config import PROJECT_ROOT

SECRETS_FILE = PROJECT_ROOT / ".secrets" / "local.env"


def _key_entry() -> str:
    kid = "k" + datetime.now(UTC).strftime("%Y%m%d")
    return f"{kid}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def generate() -> dict[str, str]:
    return {
        "SESSION_SECRET": secrets.token_urlsafe(48),
        "SKOPX_KEYRING_OAUTH": _key_entry(),
        "SKOPX_KEYRING_DBCONFIG": _key_entry(),
        "SKOPX_KEYRING_APIKEYS": _key_entry(),
    }


def ensure(path: Path = SECRETS_FILE) -> bool:
    """Write the file if it does not exist. Returns True when it was created."""
    if path.exists():
        path.chmod(0o600)
        return False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("# Local development secrets, created by `make secrets`. Never commit.\n")
        for name, value in generate().items():
            handle.write(f"{name}={value}\n")
    return True


def load(path: Path = SECRETS_FILE) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def apply_to_environ(path: Path = SECRETS_FILE) -> None:
    """Local mode only: fill unset variables from the secrets file."""
    if os.environ.get("SKOPX_ENV", "local") != "local" or not path.exists():
        return
    for name, value in load(path).items():
        os.environ.setdefault(name, value)


if __name__ == "__main__":
    created = ensure()
    print(f"local secrets {'created' if created else 'already present'}: {SECRETS_FILE}", file=sys.stderr)
