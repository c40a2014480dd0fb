"""AES-256-GCM tokens: round-trip, tamper and context binding, key rotation, no leaks."""

from __future__ import annotations

import base64
import os
import traceback
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.crypto import aead, keyring
from backend.crypto.aead import DecryptionError, decrypt, encrypt, key_id_of, needs_rotation, seal, unseal
from backend.crypto.keyring import PURPOSES, Keyring
from backend.errors import AppError

OLD_KEY, NEW_KEY, OTHER_KEY = os.urandom(32), os.urandom(32), os.urandom(32)
OLD = Keyring("oauth", [("old1", OLD_KEY)])
ROTATED = Keyring("oauth", [("old1", OLD_KEY), ("new1", NEW_KEY)])
OTHER = Keyring("oauth", [("old1", OTHER_KEY)])
SAME_KEY_EVERY_PURPOSE = {purpose: Keyring(purpose, [("k1", OLD_KEY)]) for purpose in PURPOSES}

plaintexts = st.binary(max_size=512)
ids = st.text(alphabet="abcdef0123456789-", min_size=1, max_size=36)


def _split(token: str) -> tuple[str, str, bytes]:
    version, kid, nonce, sealed = token.split(":")
    return version, kid, aead._b64decode(nonce) + aead._b64decode(sealed)


def _join(version: str, kid: str, body: bytes) -> str:
    nonce, sealed = body[: aead.NONCE_BYTES], body[aead.NONCE_BYTES :]
    return f"{version}:{kid}:{aead._b64encode(nonce)}:{aead._b64encode(sealed)}"


@given(plaintext=plaintexts, scope=ids, row=ids)
def test_round_trip(plaintext: bytes, scope: str, row: str) -> None:
    token = seal(ROTATED, plaintext, scope_id=scope, row_id=row)
    assert unseal(ROTATED, token, scope_id=scope, row_id=row) == plaintext


def test_format_is_versioned_with_key_id_and_fresh_nonce() -> None:
    first = seal(ROTATED, b"same", scope_id="org", row_id="row")
    second = seal(ROTATED, b"same", scope_id="org", row_id="row")
    version, kid, body = _split(first)
    assert (version, kid) == ("v2", "new1")
    assert len(body) == aead.NONCE_BYTES + len(b"same") + aead.TAG_BYTES
    assert first != second
    assert key_id_of(first) == "new1"


def test_str_plaintext_and_uuid_ids() -> None:
    org, row = uuid4(), uuid4()
    token = seal(OLD, "héllo", scope_id=org, row_id=row)
    assert unseal(OLD, token, scope_id=str(org), row_id=str(row)) == "héllo".encode()


@settings(max_examples=300)
@given(plaintext=plaintexts, data=st.data())
def test_any_single_bit_flip_in_nonce_ciphertext_or_tag_is_rejected(plaintext: bytes, data) -> None:
    version, kid, body = _split(seal(ROTATED, plaintext, scope_id="org", row_id="row"))
    bit = data.draw(st.integers(0, len(body) * 8 - 1))
    flipped = bytearray(body)
    flipped[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(DecryptionError):
        unseal(ROTATED, _join(version, kid, bytes(flipped)), scope_id="org", row_id="row")


@settings(max_examples=300)
@given(plaintext=plaintexts, data=st.data())
def test_any_single_bit_flip_anywhere_in_the_token_text_is_rejected(plaintext: bytes, data) -> None:
    raw = bytearray(seal(ROTATED, plaintext, scope_id="org", row_id="row").encode("ascii"))
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(DecryptionError):
        unseal(ROTATED, raw.decode("latin-1"), scope_id="org", row_id="row")


def test_non_canonical_base64_is_rejected() -> None:
    # 18 + 16 tag bytes -> 46 characters, whose last one carries 4 unused bits: a lax decoder
    # would accept 16 spellings of the same ciphertext.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    token = seal(OLD, b"x" * 18, scope_id="org", row_id="row")
    *head, sealed = token.split(":")
    canonical = alphabet.index(sealed[-1])
    assert canonical % 16 == 0
    for unused_bits in range(1, 16):
        tampered = ":".join([*head, sealed[:-1] + alphabet[canonical + unused_bits]])
        with pytest.raises(DecryptionError):
            unseal(OLD, tampered, scope_id="org", row_id="row")
    for padded in (sealed + "==", sealed + "=", " " + sealed, sealed + "\n"):
        with pytest.raises(DecryptionError):
            unseal(OLD, ":".join([*head, padded]), scope_id="org", row_id="row")


@given(plaintext=plaintexts)
def test_swapping_the_key_id_is_rejected(plaintext: bytes) -> None:
    _, _, body = _split(seal(ROTATED, plaintext, scope_id="org", row_id="row"))
    with pytest.raises(DecryptionError):
        unseal(ROTATED, _join("v2", "old1", body), scope_id="org", row_id="row")


@given(plaintext=plaintexts, scope=ids, row=ids, other=ids)
def test_another_row_or_scope_is_rejected(plaintext: bytes, scope: str, row: str, other: str) -> None:
    token = seal(OLD, plaintext, scope_id=scope, row_id=row)
    if other != row:
        with pytest.raises(DecryptionError):
            unseal(OLD, token, scope_id=scope, row_id=other)
    if other != scope:
        with pytest.raises(DecryptionError):
            unseal(OLD, token, scope_id=other, row_id=row)


@given(plaintext=plaintexts, source=st.sampled_from(PURPOSES), target=st.sampled_from(PURPOSES))
def test_another_purpose_is_rejected_even_with_identical_key_material(
    plaintext: bytes, source: str, target: str
) -> None:
    token = seal(SAME_KEY_EVERY_PURPOSE[source], plaintext, scope_id="org", row_id="row")
    if source == target:
        assert unseal(SAME_KEY_EVERY_PURPOSE[target], token, scope_id="org", row_id="row") == plaintext
    else:
        with pytest.raises(DecryptionError):
            unseal(SAME_KEY_EVERY_PURPOSE[target], token, scope_id="org", row_id="row")


def test_configured_purposes_do_not_open_each_other() -> None:
    token = encrypt("oauth", b"refresh-token", scope_id="org", row_id="row")
    assert decrypt("oauth", token, scope_id="org", row_id="row") == b"refresh-token"
    for purpose in ("dbconfig", "apikeys"):
        with pytest.raises(DecryptionError):
            decrypt(purpose, token, scope_id="org", row_id="row")


@given(plaintext=plaintexts)
def test_a_different_key_with_the_same_id_is_rejected(plaintext: bytes) -> None:
    token = seal(OLD, plaintext, scope_id="org", row_id="row")
    with pytest.raises(DecryptionError):
        unseal(OTHER, token, scope_id="org", row_id="row")


@given(plaintext=plaintexts)
def test_old_key_ids_still_decrypt_after_a_new_key_is_added(plaintext: bytes) -> None:
    written_before_rotation = seal(OLD, plaintext, scope_id="org", row_id="row")
    assert unseal(ROTATED, written_before_rotation, scope_id="org", row_id="row") == plaintext
    written_after = seal(ROTATED, plaintext, scope_id="org", row_id="row")
    assert key_id_of(written_after) == "new1"
    with pytest.raises(DecryptionError, match="not in the keyring"):
        unseal(OLD, written_after, scope_id="org", row_id="row")


def test_needs_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    before = seal(OLD, b"secret", scope_id="org", row_id="row")
    monkeypatch.setitem(keyring._cache, "oauth", OLD)
    assert not needs_rotation("oauth", before)
    monkeypatch.setitem(keyring._cache, "oauth", ROTATED)
    assert needs_rotation("oauth", before)
    assert not needs_rotation("oauth", encrypt("oauth", b"secret", scope_id="org", row_id="row"))
    assert needs_rotation("oauth", "00" * 16 + ":" + "11" * 16 + ":" + "22" * 16)  # legacy
    assert needs_rotation("oauth", "garbage")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "v2",
        "v1:old1:AAAA:AAAA",
        "v2:old1:AAAA",
        "v2:old1:AAAA:AAAA:AAAA",
        "v2:nope:AAAA:AAAA",
        "v2:old1::",
    ],
)
def test_malformed_tokens_raise_decryption_error(token: str) -> None:
    with pytest.raises(DecryptionError):
        unseal(OLD, token, scope_id="org", row_id="row")


def test_separator_in_ids_is_refused() -> None:
    with pytest.raises(ValueError):
        seal(OLD, b"x", scope_id="a|b", row_id="c")


def test_errors_and_reprs_carry_no_secret() -> None:
    plaintext = b"sk-ant-super-secret-refresh-token-value"
    token = seal(ROTATED, plaintext, scope_id="org", row_id="row")
    with pytest.raises(DecryptionError) as caught:
        unseal(ROTATED, token, scope_id="org", row_id="another-row")
    error = caught.value
    assert isinstance(error, AppError)
    rendered = "".join(traceback.format_exception(error)) + repr(error) + error.detail + repr(ROTATED)
    assert plaintext.decode() not in rendered
    assert token not in rendered
    for key in (OLD_KEY, NEW_KEY):
        for encoding in (base64.urlsafe_b64encode(key).decode().rstrip("="), key.hex(), repr(key)):
            assert encoding not in rendered
    assert repr(ROTATED) == "Keyring(purpose='oauth', kids=['old1', 'new1'], newest='new1')"
