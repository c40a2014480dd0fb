"""Session JWTs: every forged, stale or malformed token is refused the same way."""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.auth.tokens import (
    AUDIENCE,
    SESSION_ENDED_MESSAGE,
    InvalidSessionToken,
    decode_session_token,
    hash_token,
    issue_session_token,
    new_invitation_token,
    new_session_jti,
    session_cookie_clear_kwargs,
    session_cookie_kwargs,
    session_cookie_name,
)
from backend.config import load_settings
from backend.errors import Unauthenticated

SECRET = "unit-test-session-secret-" + "0123456789abcdef" * 3  # 64 bytes: enough for HS512 too
USER_ID = uuid.UUID("6f1c2c8e-2f4e-4c55-9d1a-0b7e5a3c9d10")


def now() -> datetime:
    return datetime.now(UTC)


def valid_claims(**overrides: object) -> dict[str, object]:
    issued = int(now().timestamp())
    claims: dict[str, object] = {
        "sub": str(USER_ID),
        "jti": "jti-1",
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + 3600,
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def refusal_reason(token: str, secret: str = SECRET) -> str:
    with pytest.raises(InvalidSessionToken) as caught:
        decode_session_token(token, secret)
    error = caught.value
    assert isinstance(error, Unauthenticated)
    assert error.detail == SESSION_ENDED_MESSAGE  # the user never learns why
    assert token not in str(error) and secret not in str(error)
    return error.reason


def test_alg_none_is_refused() -> None:
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(valid_claims())}."
    assert refusal_reason(token) == "algorithm"


def test_alg_none_with_a_signature_is_refused() -> None:
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(valid_claims())}.c2lnbmF0dXJl"
    assert refusal_reason(token) == "algorithm"


def test_other_hmac_algorithm_with_the_right_key_is_refused() -> None:
    token = jwt.encode(valid_claims(), SECRET, algorithm="HS512")
    assert refusal_reason(token) == "algorithm"


def test_rs256_token_from_an_attacker_key_is_refused() -> None:
    attacker_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(valid_claims(), attacker_key, algorithm="RS256")
    assert refusal_reason(token) == "algorithm"


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "jti", "aud"])
def test_missing_required_claim_is_refused(claim: str) -> None:
    token = jwt.encode(valid_claims(**{claim: None}), SECRET, algorithm="HS256")
    assert refusal_reason(token) == f"missing_claim:{claim}"


def test_expired_token_is_refused_beyond_a_small_leeway() -> None:
    token = issue_session_token(USER_ID, "jti-1", now() - timedelta(hours=2), 3600, SECRET)
    assert refusal_reason(token) == "expired"
    just_expired = issue_session_token(USER_ID, "jti-1", now() - timedelta(seconds=3630), 3600, SECRET)
    assert refusal_reason(just_expired) == "expired"


def test_token_issued_in_the_future_is_refused() -> None:
    token = issue_session_token(USER_ID, "jti-1", now() + timedelta(hours=1), 3600, SECRET)
    assert refusal_reason(token) == "issued_in_future"


def test_wrong_key_is_refused() -> None:
    token = issue_session_token(USER_ID, "jti-1", now(), 3600, "another-secret-0123456789abcdefghij")
    assert refusal_reason(token) == "signature"


def test_tampered_payload_is_refused() -> None:
    header, _payload, signature = issue_session_token(USER_ID, "jti-1", now(), 3600, SECRET).split(".")
    other_user = valid_claims(sub=str(uuid.uuid4()))
    assert refusal_reason(f"{header}.{b64(other_user)}.{signature}") == "signature"


def test_wrong_audience_is_refused() -> None:
    token = jwt.encode(valid_claims(aud="skopx:something-else"), SECRET, algorithm="HS256")
    assert refusal_reason(token) == "audience"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"sub": "not-a-uuid"}, "bad_claim:sub"),
        ({"jti": ""}, "bad_claim:jti"),
        ({"jti": "x" * 200}, "bad_claim:jti"),
    ],
)
def test_malformed_claims_are_refused(overrides: dict[str, object], reason: str) -> None:
    assert refusal_reason(jwt.encode(valid_claims(**overrides), SECRET, algorithm="HS256")) == reason


@pytest.mark.parametrize("token", ["", "not.a.jwt", "a.b", "x" * 5000, "...."])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(InvalidSessionToken):
        decode_session_token(token, SECRET)


def test_none_token_is_refused() -> None:
    with pytest.raises(InvalidSessionToken) as caught:
        decode_session_token(None, SECRET)
    assert caught.value.reason == "missing"


def test_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="SESSION_SECRET"):
        issue_session_token(USER_ID, "jti-1", now(), 3600, "")
    with pytest.raises(ValueError, match="SESSION_SECRET"):
        decode_session_token("a.b.c", "")


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone"):
        issue_session_token(USER_ID, "jti-1", datetime.now(), 3600, SECRET)


def test_valid_token_round_trips_typed_claims() -> None:
    issued = now().replace(microsecond=0)
    jti = new_session_jti()
    token = issue_session_token(str(USER_ID), jti, issued, 3600, SECRET)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = decode_session_token(token, SECRET)
    assert claims.user_id == USER_ID
    assert claims.jti == jti  # the caller checks it against the sessions table
    assert claims.issued_at == issued
    assert claims.expires_at == issued + timedelta(seconds=3600)


def test_session_ids_are_unique() -> None:
    assert len({new_session_jti() for _ in range(100)}) == 100


def settings_for(public_url: str, env: str = "local"):
    local = load_settings({"SKOPX_PUBLIC_URL": public_url, "SESSION_SECRET": SECRET})
    return dataclasses.replace(local, env=env)


def test_cookie_over_https_is_host_prefixed_and_secure() -> None:
    settings = settings_for("https://skopx.example.com", env="production")
    assert session_cookie_name(settings) == "__Host-skopx_session"
    kwargs = session_cookie_kwargs(settings)
    assert kwargs == {
        "max_age": settings.session_ttl_seconds,
        "path": "/",
        "secure": True,
        "httponly": True,
        "samesite": "lax",
    }
    assert "domain" not in kwargs  # __Host- cookies must not carry a Domain


def test_cookie_over_local_http_drops_secure_and_prefix() -> None:
    settings = settings_for("http://localhost:3000")
    assert session_cookie_name(settings) == "skopx_session"
    kwargs = session_cookie_kwargs(settings)
    assert kwargs["secure"] is False
    assert kwargs["httponly"] is True and kwargs["samesite"] == "lax" and kwargs["path"] == "/"


def test_production_cookie_is_secure_even_behind_an_http_public_url() -> None:
    settings = settings_for("http://internal:3000", env="production")
    assert session_cookie_kwargs(settings)["secure"] is True


def test_clear_kwargs_match_the_set_attributes() -> None:
    settings = settings_for("https://skopx.example.com")
    cleared = session_cookie_clear_kwargs(settings)
    assert "max_age" not in cleared
    assert cleared.items() <= session_cookie_kwargs(settings).items()


def test_invitation_tokens_are_random_and_stored_only_as_a_hash() -> None:
    token, digest = new_invitation_token()
    assert len(token) >= 43  # 256 bits, url-safe
    assert digest == hash_token(token)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert token not in digest
    assert len({new_invitation_token()[0] for _ in range(100)}) == 100
    assert hash_token(token + "x") != digest
