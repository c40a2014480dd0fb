"""Email address checks with `email-validator`, offline (no DNS deliverability lookups)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from backend.errors import Invalid
from backend.text import clean_line

MAX_INPUT_LENGTH = 320


def normalize_email(value: str | None) -> str:
    """The canonical form used to store and look up an account.

    The domain is normalised by email-validator; the whole address is then lower-cased,
    because people type their address in varying case and expect it to be the same account.
    """
    candidate = clean_line(value, label="the email address", field="email", min_len=0)
    if not candidate:
        raise Invalid("Enter your email address.", field="email")
    if len(candidate) > MAX_INPUT_LENGTH:
        raise Invalid("That email address is too long. Check it and try again.", field="email")
    try:
        # strict: also enforce RFC 5321 length limits (64 before the @-sign), which
        # mail servers apply, so an invitation address is never undeliverable by length.
        # test_environment: accept the reserved `.test` domain, which the demo workspace uses.
        result = validate_email(candidate, check_deliverability=False, strict=True, test_environment=True)
    except EmailNotValidError as error:
        # email-validator's messages are complete sentences that describe only the
        # typed address, e.g. "An email address must have an @-sign."
        raise Invalid(f"{error} Enter an address like name@example.com.", field="email") from None
    return result.normalized.lower()
