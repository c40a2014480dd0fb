"""Authenticated encryption of stored secrets: AES-256-GCM, versioned, key-id tagged.

Token format: `v2:<kid>:<nonce>:<ciphertext+tag>`, both binary parts base64url
without padding. The associated data `purpose|scope_id|row_id` binds a ciphertext to
its purpose, its tenant (organization id, or user id for user API keys) and its row,
so it cannot be replayed into another row, tenant or column.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from uuid import UUID

from cryptography.exceptions import InvalidTag

from backend.crypto.keyring import KID_PATTERN, Keyring, get_keyring
from backend.errors import AppError

VERSION = "v2"
NONCE_BYTES = 12
TAG_BYTES = 16
_B64URL = re.compile(r"[A-Za-z0-9_-]+")


class DecryptionError(AppError):
    """A stored secret could not be decrypted. The message carries no secret or ciphertext."""

    status_code = 500
    default_detail = "A stored secret could not be read. Enter it again, or ask an administrator."

    def __init__(self, purpose: str, reason: str) -> None:
        super().__init__(f"Could not decrypt a stored {purpose} secret: {reason}.")
        self.purpose = purpose
        self.reason = reason


def associated_data(purpose: str, scope_id: str | UUID, row_id: str | UUID) -> bytes:
    scope, row = str(scope_id), str(row_id)
    if not scope or not row or "|" in scope or "|" in row:
        # An empty id or a separator inside one would let two different bindings collide.
        raise ValueError("scope_id and row_id must be non-empty and must not contain '|'.")
    return f"{purpose}|{scope}|{row}".encode()


def seal(keyring: Keyring, plaintext: bytes | str, *, scope_id: str | UUID, row_id: str | UUID) -> str:
    """Encrypt with the keyring's newest key."""
    data = plaintext.encode() if isinstance(plaintext, str) else bytes(plaintext)
    nonce = os.urandom(NONCE_BYTES)
    aad = associated_data(keyring.purpose, scope_id, row_id)
    sealed = keyring.newest_cipher.encrypt(nonce, data, aad)
    return f"{VERSION}:{keyring.newest_kid}:{_b64encode(nonce)}:{_b64encode(sealed)}"


def unseal(keyring: Keyring, token: str, *, scope_id: str | UUID, row_id: str | UUID) -> bytes:
    """Decrypt a v2 token with whichever of the keyring's keys its key id names."""
    purpose = keyring.purpose
    parts = token.split(":") if isinstance(token, str) else ()
    if len(parts) != 4 or parts[0] != VERSION:
        raise DecryptionError(purpose, "not a v2 token")
    _, kid, nonce_text, sealed_text = parts
    cipher = keyring.cipher(kid)
    if cipher is None:
        well_formed = KID_PATTERN.fullmatch(kid)
        raise DecryptionError(
            purpose, f"key id {kid!r} is not in the keyring" if well_formed else "bad key id"
        )
    nonce, sealed = _b64decode(nonce_text), _b64decode(sealed_text)
    if nonce is None or sealed is None or len(nonce) != NONCE_BYTES or len(sealed) < TAG_BYTES:
        raise DecryptionError(purpose, "malformed token")
    try:
        return cipher.decrypt(nonce, sealed, associated_data(purpose, scope_id, row_id))
    except InvalidTag:
        raise DecryptionError(purpose, "authentication failed (wrong key, row or tampered data)") from None


def encrypt(purpose: str, plaintext: bytes | str, *, scope_id: str | UUID, row_id: str | UUID) -> str:
    return seal(get_keyring(purpose), plaintext, scope_id=scope_id, row_id=row_id)


def decrypt(purpose: str, token: str, *, scope_id: str | UUID, row_id: str | UUID) -> bytes:
    return unseal(get_keyring(purpose), token, scope_id=scope_id, row_id=row_id)


def key_id_of(token: str) -> str | None:
    """The key id of a v2 token, or None for anything else (legacy or garbage)."""
    parts = token.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == VERSION else None


def needs_rotation(purpose: str, token: str) -> bool:
    """True unless the token is a v2 token under the purpose's newest key."""
    return key_id_of(token) != get_keyring(purpose).newest_kid


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes | None:
    """Strict base64url: only the canonical unpadded encoding is accepted, so no two
    different token strings decode to the same bytes."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if _b64encode(data) == text else None
