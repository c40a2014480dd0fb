"""Email validation with email-validator, offline."""

from __future__ import annotations

import pytest

from backend.auth.emails import normalize_email
from backend.errors import Invalid


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (None, "Enter your email address."),
        ("", "Enter your email address."),
        ("   ", "Enter your email address."),
        ("no-at-sign", "@-sign"),
        ("name@", "after the @-sign"),
        ("@example.com", "before the @-sign"),
        ("two@@example.com", "@-sign"),
        ("first last@example.com", "SPACE"),
        ("name@localhost", "period"),
        ("name@example", "period"),
        ("name@example..com", ""),
        ("x" * 65 + "@example.com", "too long before the @-sign"),
        ("a@" + "b" * 400 + ".com", "too long"),
    ],
)
def test_invalid_addresses_raise_invalid_on_the_email_field(typed: str | None, reason: str) -> None:
    with pytest.raises(Invalid) as caught:
        normalize_email(typed)
    assert caught.value.field == "email"
    assert reason in caught.value.detail
    assert caught.value.detail.endswith(".")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("name@example.com", "name@example.com"),
        ("  Name.Surname@Example.COM ", "name.surname@example.com"),
        ("first+tag@sub.example.org", "first+tag@sub.example.org"),
        ("josé@exämple.de", "josé@exämple.de"),
        ("x" * 64 + "@example.com", "x" * 64 + "@example.com"),
    ],
)
def test_valid_addresses_are_normalised(typed: str, stored: str) -> None:
    assert normalize_email(typed) == stored


def test_no_network_lookup_for_unknown_domains() -> None:
    assert normalize_email("someone@no-such-domain-for-skopx-tests.com").endswith(".com")


def test_demo_workspace_addresses_on_the_reserved_test_domain_are_accepted() -> None:
    assert normalize_email("Owner@Acme.test") == "owner@acme.test"
