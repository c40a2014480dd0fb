"""The seed's `salt:iv:ciphertext` format: Node interop both ways, and why it was replaced."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from backend.crypto.aead import DecryptionError, _b64decode, _b64encode, seal, unseal
from backend.crypto.keyring import Keyring
from backend.crypto.legacy import decrypt_legacy, derive_legacy_key, encrypt_legacy, is_legacy_token

NODE = Path("/usr/bin/node")
needs_node = pytest.mark.skipif(not NODE.exists(), reason="node is not installed at /usr/bin/node")
PASSPHRASE = "seed passphrase ✓ with unicode"
PLAINTEXTS = ["", "x", "exactly sixteen!", '{"access_token":"ya29.a0Af…","role":"viewer"}', "é" * 300]

# The seed's code path: scryptSync(passphrase, salt, 32) with salt = randomBytes(16) as raw
# bytes, aes-256-cbc, every part written as hex.
NODE_SEED_ENCRYPT = """
const crypto = require('crypto');
const { passphrase, plaintexts } = JSON.parse(process.argv[1]);
const tokens = plaintexts.map((text) => {
  const salt = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  const key = crypto.scryptSync(passphrase, salt, 32);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `${salt.toString('hex')}:${iv.toString('hex')}:${encrypted.toString('hex')}`;
});
process.stdout.write(JSON.stringify(tokens));
"""

NODE_SEED_DECRYPT = """
const crypto = require('crypto');
const { passphrase, tokens } = JSON.parse(process.argv[1]);
const texts = tokens.map((token) => {
  const [salt, iv, encrypted] = token.split(':').map((part) => Buffer.from(part, 'hex'));
  const key = crypto.scryptSync(passphrase, salt, 32);
  const decipher = crypto.createDecipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8');
});
process.stdout.write(JSON.stringify(texts));
"""


def _node(script: str, payload: dict) -> list[str]:
    result = subprocess.run(
        [str(NODE), "-e", script, json.dumps(payload)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout)


@needs_node
def test_tokens_written_by_nodes_crypto_decrypt_in_python() -> None:
    tokens = _node(NODE_SEED_ENCRYPT, {"passphrase": PASSPHRASE, "plaintexts": PLAINTEXTS})
    for token, expected in zip(tokens, PLAINTEXTS, strict=True):
        assert is_legacy_token(token)
        assert decrypt_legacy(token, PASSPHRASE) == expected.encode()


@needs_node
def test_node_salt_is_the_raw_bytes_not_the_hex_text() -> None:
    """Pins the interpretation: deriving from the hex *string* as salt does not reproduce Node's key."""
    [token] = _node(NODE_SEED_ENCRYPT, {"passphrase": PASSPHRASE, "plaintexts": ["a" * 32]})
    salt_hex, iv_hex, ciphertext_hex = token.split(":")
    wrong_key = derive_legacy_key(PASSPHRASE, salt_hex.encode())
    decryptor = Cipher(algorithms.AES(wrong_key), modes.CBC(bytes.fromhex(iv_hex))).decryptor()
    garbage = decryptor.update(bytes.fromhex(ciphertext_hex)) + decryptor.finalize()
    assert b"a" * 16 not in garbage


@needs_node
def test_python_legacy_encryption_decrypts_in_node() -> None:
    tokens = [encrypt_legacy(text, PASSPHRASE) for text in PLAINTEXTS]
    assert _node(NODE_SEED_DECRYPT, {"passphrase": PASSPHRASE, "tokens": tokens}) == PLAINTEXTS


# "refresh-token-value-123" under PASSPHRASE. A fixed token, because the format has no MAC: about one
# random salt and IV in 256 gives valid padding under a wrong passphrase, which no reader can detect.
FIXED_TOKEN = (
    "43f61cfbb5cb44b82a7897c2376537dc:8ee31436810dc2f93802ec547d459469:"
    "b6594e55429e9a06f7b17f02b595c1dd1e2cb09bdfd5fd896cb2c2c380812070"
)


def test_wrong_passphrase_or_garbage_raises_decryption_error_without_plaintext() -> None:
    token = FIXED_TOKEN
    assert decrypt_legacy(token, PASSPHRASE) == b"refresh-token-value-123"
    with pytest.raises(DecryptionError) as caught:
        decrypt_legacy(token, "not the passphrase", purpose="oauth")
    assert "refresh-token-value-123" not in str(caught.value) and PASSPHRASE not in str(caught.value)
    for garbage in ("", "abc", "00:11:22", "v2:k1:AAAA:AAAA", token + "0", token.replace(":", ";")):
        assert not is_legacy_token(garbage)
        with pytest.raises(DecryptionError):
            decrypt_legacy(garbage, PASSPHRASE)


def test_legacy_format_is_malleable_and_the_new_format_is_not() -> None:
    """The seed's measured weakness, and why its format is only read: IV bit flips rewrite the first block
    silently."""
    original = b'{"role":"viewer"}'
    delta = bytes(a ^ b for a, b in zip(original[:16], b'{"role":"admin" ', strict=True))

    salt_hex, iv_hex, ciphertext_hex = encrypt_legacy(original, PASSPHRASE).split(":")
    tampered_iv = bytes(a ^ b for a, b in zip(bytes.fromhex(iv_hex), delta, strict=True))
    tampered = f"{salt_hex}:{tampered_iv.hex()}:{ciphertext_hex}"
    assert json.loads(decrypt_legacy(tampered, PASSPHRASE)) == {"role": "admin"}

    ring = Keyring("oauth", [("k1", os.urandom(32))])
    version, kid, nonce, sealed = seal(ring, original, scope_id="org", row_id="row").split(":")
    body = bytearray(_b64decode(sealed))
    for index, flip in enumerate(delta):  # GCM is CTR underneath: the same XOR would forge it
        body[index] ^= flip
    with pytest.raises(DecryptionError):
        unseal(ring, f"{version}:{kid}:{nonce}:{_b64encode(bytes(body))}", scope_id="org", row_id="row")
