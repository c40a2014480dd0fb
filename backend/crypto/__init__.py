"""Encryption at rest: per-purpose keyrings, AES-256-GCM tokens bound
to purpose, tenant and row, the seed's legacy format (read-only), rotation and BYOK helpers."""

from backend.crypto.aead import DecryptionError, decrypt, encrypt, key_id_of, needs_rotation
from backend.crypto.api_keys import mask_api_key, validate_anthropic_key
from backend.crypto.keyring import Keyring, KeyringError, get_keyring, validate_all

__all__ = [
    "DecryptionError",
    "Keyring",
    "KeyringError",
    "decrypt",
    "encrypt",
    "get_keyring",
    "key_id_of",
    "mask_api_key",
    "needs_rotation",
    "validate_all",
    "validate_anthropic_key",
]
