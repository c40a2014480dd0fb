"""BYOK key display and format checks: the key is never echoed back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.crypto.api_keys import mask_api_key, validate_anthropic_key
from backend.errors import Invalid

VALID = "sk-ant-api03-" + "Ab3_-" * 18 + "wxYZ"
key_bodies = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=33)


def test_mask_shows_prefix_and_last_four_only() -> None:
    assert mask_api_key(VALID) == "sk-ant-****wxYZ"


@given(body=key_bodies.filter(lambda body: len(body) <= 193))
def test_mask_never_reveals_more_than_the_last_four(body: str) -> None:
    key = "sk-ant-" + body
    masked = mask_api_key(key)
    assert masked == f"sk-ant-****{key[-4:]}"
    assert key[7:-4] not in masked


def test_mask_of_short_or_foreign_keys_reveals_nothing_useful() -> None:
    assert mask_api_key("sk-ant-abc") == "sk-ant-****"
    assert mask_api_key("short") == "****"
    assert mask_api_key("x" * 30 + "tail") == "****tail"


def test_valid_key_is_returned_stripped() -> None:
    assert validate_anthropic_key(f"  {VALID}\n") == VALID


@pytest.mark.parametrize(
    ("candidate", "complaint"),
    [
        ("", "Enter your Anthropic API key"),
        ("   ", "Enter your Anthropic API key"),
        ("sk-proj-" + "a" * 60, "start with"),
        ("SK-ANT-" + "a" * 60, "start with"),
        ("sk-ant-" + "a" * 20, "got 27"),
        ("sk-ant-" + "a" * 200, "got 207"),
        ("sk-ant-" + "a" * 30 + " " + "b" * 20, "characters"),
        ("sk-ant-" + "a" * 30 + '"' + "b" * 20, "characters"),
        ("sk-ant-" + "a" * 30 + "é" + "b" * 20, "characters"),
    ],
)
def test_invalid_keys_are_refused_without_echoing_them(candidate: str, complaint: str) -> None:
    with pytest.raises(Invalid) as caught:
        validate_anthropic_key(candidate)
    message = caught.value.detail
    assert complaint in message
    assert caught.value.field == "api_key"
    assert candidate.strip()[7:] == "" or candidate.strip()[7:17] not in message


@given(candidate=st.text(max_size=250))
def test_any_refusal_message_omits_the_candidate(candidate: str) -> None:
    try:
        validate_anthropic_key(candidate)
    except Invalid as error:
        secret_part = candidate.strip()[7:]
        if len(secret_part) >= 4:
            assert secret_part not in error.detail
