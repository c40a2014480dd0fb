"""Sign-in attempts are counted under the address the account is looked up by."""

from __future__ import annotations

import pytest

from backend.auth.emails import normalize_email
from backend.errors import Invalid
from backend.ratelimit import email_key
from backend.ratelimit.policies import storage_identifier
from backend.services.accounts import attempt_address

SPELLINGS = [
    "owner@example.test",
    "OWNER@EXAMPLE.TEST",
    "  Owner@Example.Test ",
    "owner@example\u3002test",  # ideographic full stop
    "owner@example\uff0etest",  # fullwidth full stop
    "owner@\uff45xample.test",  # fullwidth e
]


def test_different_addresses_do_not_share_a_budget() -> None:
    assert email_key(attempt_address("owner@example.test")) != email_key(
        attempt_address("0wner@example.test")
    )
    assert email_key(attempt_address("not an address")) != email_key(attempt_address("not an address 2"))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_an_address_is_counted_as_the_account_lookup_sees_it(spelling: str) -> None:
    assert attempt_address(spelling) == normalize_email(spelling) == "owner@example.test"


def test_input_that_is_no_address_still_folds_case_width_and_dots() -> None:
    forms = {attempt_address(s) for s in ("no address@Example\u3002Test", "NO ADDRESS@\uff45xample.test ")}
    assert forms == {"no address@example.test"}


def test_a_spelling_the_lookup_refuses_still_shares_the_budget_of_the_address_it_resembles() -> None:
    fullwidth = "\uff4f\uff57\uff4e\uff45\uff52\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff54\uff45\uff53\uff54"
    with pytest.raises(Invalid):
        normalize_email(fullwidth)  # the full-width @ is refused, so no account is reached
    assert attempt_address(fullwidth) == "owner@example.test"


def test_a_lone_surrogate_still_makes_a_key() -> None:
    key = email_key(attempt_address("bad\ud800@example.test"))
    assert len(storage_identifier(key)) == 32
    assert storage_identifier(key) != storage_identifier(email_key(attempt_address("bad@example.test")))
