"""The `next` parameter after sign-in: same-origin paths only."""

from __future__ import annotations

import pytest

from backend.auth.redirects import DEFAULT_NEXT_PATH, MAX_NEXT_LENGTH, safe_next_path


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "chat",  # relative
        "//evil.example",
        "//evil.example/chat",
        "/\\evil.example",
        "\\\\evil.example",
        "/chat\\..\\admin",
        "https://evil.example/chat",
        "http:/evil.example",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        " /chat",
        "/\t/evil.example",
        "/\n/evil.example",
        "/chat\r\nSet-Cookie: x=1",
        "/chat\x00",
        "/chat\u202e",  # bidi override
        "/chat\u00a0x",  # non-breaking space
        "/%2F%2Fevil.example",
        "/%2f/evil.example",
        "/%5Cevil.example",
        "/chat%0d%0aSet-Cookie:x",
        "/" + "a" * MAX_NEXT_LENGTH,
    ],
)
def test_unsafe_values_fall_back_to_the_default(value: str | None) -> None:
    assert safe_next_path(value) == DEFAULT_NEXT_PATH


@pytest.mark.parametrize(
    "value",
    [
        "/",
        "/chat",
        "/chat?x=1",
        "/chat?q=hello%20world&x=1#latest",
        "/org/acme/members",
        "/files/report%202024.pdf",
        "/search?next=//not-a-redirect",  # the query is not a location
        "/" + "a" * (MAX_NEXT_LENGTH - 1),
    ],
)
def test_same_origin_paths_are_kept_verbatim(value: str) -> None:
    assert safe_next_path(value) == value


def test_custom_default() -> None:
    assert safe_next_path("https://evil.example", default="/settings") == "/settings"
