"""Per-purpose keyrings loaded from the environment.

Each purpose (`oauth`, `dbconfig`, `apikeys`) has its own variable
`SKOPX_KEYRING_<PURPOSE>` holding comma-separated `kid:base64url(32 bytes)` entries.
The last entry is the newest and encrypts every new write; earlier entries only
decrypt, which is what makes key rotation possible without migrating data first.

Keyrings are parsed once and cached, and one AESGCM object is kept per key, so an
encrypt or decrypt costs no key derivation. Key material never appears in messages
or reprs; only key ids (which are not secret) and variable names do.

`python -m backend.crypto.check` validates configuration and exits non-zero,
naming each variable at fault, if anything is missing (production) or malformed.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.config import Settings, SettingsError, get_settings

PURPOSES = ("oauth", "dbconfig", "apikeys")
KEY_BYTES = 32
KID_PATTERN = re.compile(r"[a-z0-9]{1,16}")
_B64URL_PADDED = re.compile(r"[A-Za-z0-9_-]+={0,2}")


class KeyringError(RuntimeError):
    """A keyring is missing or malformed. The message names the variable, never key bytes."""


def keyring_variable(purpose: str) -> str:
    _check_purpose(purpose)
    return f"SKOPX_KEYRING_{purpose.upper()}"


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown encryption purpose {purpose!r}; expected one of {', '.join(PURPOSES)}.")


class Keyring:
    """The keys of one purpose. Holds ciphers, not raw key bytes, and never prints them."""

    __slots__ = ("_ciphers", "newest_kid", "purpose")

    def __init__(self, purpose: str, keys: Sequence[tuple[str, bytes]]) -> None:
        _check_purpose(purpose)
        if not keys:
            raise KeyringError(f"The {purpose} keyring has no keys.")
        self.purpose = purpose
        self._ciphers: dict[str, AESGCM] = {}
        for kid, key in keys:
            if not KID_PATTERN.fullmatch(kid):
                raise KeyringError(f"Key id {kid!r} in the {purpose} keyring must match [a-z0-9]{{1,16}}.")
            if kid in self._ciphers:
                raise KeyringError(f"Key id {kid!r} appears twice in the {purpose} keyring.")
            if len(key) != KEY_BYTES:
                raise KeyringError(f"Key {kid!r} in the {purpose} keyring is not {KEY_BYTES} bytes.")
            self._ciphers[kid] = AESGCM(key)
        self.newest_kid = keys[-1][0]

    @classmethod
    def parse(cls, purpose: str, raw: str) -> Keyring:
        """Parse `kid:base64url,...`; errors name the variable and entry, not the key."""
        variable = keyring_variable(purpose)
        entries = [entry.strip() for entry in raw.split(",")]
        if not any(entries):
            raise KeyringError(f"{variable} is empty.")
        keys: list[tuple[str, bytes]] = []
        for position, entry in enumerate(entries, start=1):
            where = f"{variable} entry {position}"
            kid, separator, encoded = entry.partition(":")
            if not separator:
                raise KeyringError(f"{where} is not of the form kid:base64url-key.")
            if not KID_PATTERN.fullmatch(kid):
                raise KeyringError(f"{where}: key id must be 1-16 characters of a-z and 0-9.")
            if any(kid == seen for seen, _ in keys):
                raise KeyringError(f"{where}: key id {kid!r} is used more than once.")
            key = _decode_key(encoded)
            if key is None:
                raise KeyringError(f"{where} (key id {kid!r}): key is not valid base64url.")
            if len(key) != KEY_BYTES:
                raise KeyringError(
                    f"{where} (key id {kid!r}): key must decode to {KEY_BYTES} bytes, not {len(key)}."
                )
            keys.append((kid, key))
        return cls(purpose, keys)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._ciphers)

    @property
    def newest_cipher(self) -> AESGCM:
        return self._ciphers[self.newest_kid]

    def cipher(self, kid: str) -> AESGCM | None:
        return self._ciphers.get(kid)

    def __repr__(self) -> str:
        return f"Keyring(purpose={self.purpose!r}, kids={list(self._ciphers)!r}, newest={self.newest_kid!r})"

    __str__ = __repr__


def _decode_key(encoded: str) -> bytes | None:
    encoded = encoded.strip()
    if not _B64URL_PADDED.fullmatch(encoded):
        return None
    unpadded = encoded.rstrip("=")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        return None


_cache: dict[str, Keyring] = {}


def get_keyring(purpose: str) -> Keyring:
    """The keyring for `purpose`, parsed from settings on first use and cached."""
    keyring = _cache.get(purpose)
    if keyring is None:
        keyring = load_keyring(get_settings(), purpose)
        _cache[purpose] = keyring
    return keyring


def load_keyring(settings: Settings, purpose: str) -> Keyring:
    variable = keyring_variable(purpose)
    raw = settings.keyrings.get(purpose, "").strip()
    if not raw:
        hint = (
            "Set it (see README, Configuration)."
            if settings.is_production
            else "In local mode run `make run` (or `make secrets`) once to create development keys."
        )
        raise KeyringError(f"{variable} is not set. {hint}")
    return Keyring.parse(purpose, raw)


def validate_all(settings: Settings) -> None:
    """Raise SettingsError naming every missing (production) or malformed keyring variable."""
    problems: list[str] = []
    for purpose in PURPOSES:
        if not settings.keyrings.get(purpose, "").strip() and not settings.is_production:
            continue  # local mode: reported with a `make run` hint when first used
        try:
            load_keyring(settings, purpose)
        except KeyringError as error:
            problems.append(str(error))
    if problems:
        raise SettingsError("Skopx cannot start: encryption keyrings are unusable. " + " ".join(problems))
