"""backend.text: exactly which characters a line or a multi-line text accepts, and what it stores."""

from __future__ import annotations

import pytest

from backend.errors import Invalid
from backend.text import clean_line, clean_text, storable

CONTROL = (
    "The project name contains a character that can't be used (a control character). Remove it and try again."
)
BROKEN = "The project name contains a broken character (half of an emoji or symbol). Remove it and try again."

# (typed, stored by clean_line, stored by clean_text); a sentence instead of a value means refused.
TABLE = [
    ("Launch plan", "Launch plan", "Launch plan"),
    ("  Launch   plan  ", "Launch plan", "Launch   plan"),
    ("a\tb", "a b", "a\tb"),
    ("a\nb", "a b", "a\nb"),
    ("a\r\nb", "a b", "a\nb"),
    ("a\rb", "a b", "a\nb"),
    ("a\r\n\r\nb\n", "a b", "a\n\nb"),
    ("a\u00a0b", "a b", "a\u00a0b"),  # no-break space: whitespace, collapsed in a line
    ("a\u3000b", "a b", "a\u3000b"),  # ideographic space
    ("a\u2028b", "a b", "a\u2028b"),  # line separator: whitespace, not a control character
    ("a\x00b", CONTROL, CONTROL),
    ("\x00", CONTROL, CONTROL),
    ("a\x01b", CONTROL, CONTROL),
    ("a\x08b", CONTROL, CONTROL),
    ("a\x0bb", CONTROL, CONTROL),  # vertical tab
    ("a\x0cb", CONTROL, CONTROL),  # form feed
    ("a\x1bb", CONTROL, CONTROL),  # escape
    ("a\x1cb", CONTROL, CONTROL),  # file separator: Python calls it whitespace, still refused
    ("a\x1fb", CONTROL, CONTROL),
    ("a\x7fb", CONTROL, CONTROL),  # DEL
    ("a\x80b", CONTROL, CONTROL),
    ("a\x85b", CONTROL, CONTROL),  # next line (C1)
    ("a\x9fb", CONTROL, CONTROL),
    ("a\ud800b", BROKEN, BROKEN),
    ("a\udfffb", BROKEN, BROKEN),
    ("\ude00", BROKEN, BROKEN),
    ("a\x00\ud800", BROKEN, BROKEN),
    ("a\u00a0\u00a1\u00ffb", "a \u00a1\u00ffb", "a\u00a0\u00a1\u00ffb"),  # first characters after C1
    ("e\u0301te\u0301", "\u00e9t\u00e9", "\u00e9t\u00e9"),  # NFC
    ("Ｆｕｌｌｗｉｄｔｈ", "Ｆｕｌｌｗｉｄｔｈ", "Ｆｕｌｌｗｉｄｔｈ"),  # NFC keeps compatibility forms
    ("😀 👩\u200d💻", "😀 👩\u200d💻", "😀 👩\u200d💻"),  # emoji; the joiner stays
    ("\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627", "שלום مرحبا", "שלום مرحبا"),
    ("a\u200fb\u200eb", "a\u200fb\u200eb", "a\u200fb\u200eb"),  # RLM / LRM are marks, not overrides
    ("admin\u202egpj.exe", "admingpj.exe", "admin\u202egpj.exe"),
    ("\u202a\u202b\u202c\u202d\u202ex", "x", "\u202a\u202b\u202c\u202d\u202ex"),
    ("\u2066\u2067\u2068\u2069x", "x", "\u2066\u2067\u2068\u2069x"),
    ("\u2068Ana\u2069", "Ana", "\u2068Ana\u2069"),
    ("\u2069 x \u2066", "x", "\u2069 x \u2066"),
    ("\u2065\u206ax", "\u2065\u206ax", "\u2065\u206ax"),  # the neighbours of the isolates stay
    ("\u2029", "", ""),  # a paragraph separator alone is only whitespace
]


def outcome(clean, value: str) -> str:
    try:
        return clean(value, label="the project name", field="name", min_len=0)
    except Invalid as error:
        assert error.field == "name"
        return error.detail


@pytest.mark.parametrize(("typed", "line", "text"), TABLE)
def test_accept_refuse_table(typed: str, line: str, text: str) -> None:
    assert outcome(clean_line, typed) == line
    assert outcome(clean_text, typed) == text


def test_refusal_names_the_field_in_plain_words() -> None:
    with pytest.raises(Invalid) as refused:
        clean_line("a\x00b", label="your name", field="display_name")
    assert refused.value.detail.startswith("Your name contains a character that can't be used")
    assert refused.value.field == "display_name"
    assert "\x00" not in refused.value.detail


def test_lengths_are_counted_after_normalising() -> None:
    assert clean_line("e\u0301" * 3, label="x", field="f", max_len=3) == "\u00e9" * 3
    assert clean_line("  a  " + " " * 500 + "b", label="x", field="f", max_len=3) == "a b"
    assert clean_line("\u2068" * 50 + "ab", label="x", field="f", max_len=2) == "ab"
    assert clean_text("ab\r\n", label="x", field="f", max_len=2) == "ab"
    with pytest.raises(Invalid, match=r"^The title must be 1–3 characters\.$"):
        clean_line("abcd", label="the title", field="f", max_len=3)
    with pytest.raises(Invalid, match=r"^Enter the title\.$"):
        clean_line(" \t\u2066 ", label="the title", field="f", max_len=3)
    with pytest.raises(Invalid, match=r"^Enter your message\.$"):
        clean_text(None, label="your message", field="f", min_len=1)
    with pytest.raises(Invalid, match=r"^The title must be at least 2 characters\.$"):
        clean_line("a", label="the title", field="f", min_len=2)
    with pytest.raises(Invalid, match=r"^Too long$") as refused:
        clean_text("a" * 4, label="x", field="f", max_len=3, length_error="Too long")
    assert refused.value.field == "f"


def test_characters_are_checked_before_the_length() -> None:
    with pytest.raises(Invalid, match="control character"):
        clean_line("x" * 1000 + "\x00", label="x", field="f", max_len=10)


def test_none_is_empty() -> None:
    assert clean_line(None, label="x", field="f", min_len=0) == ""
    assert clean_text(None, label="x", field="f") == ""


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("plain\ttext\n", "plain\ttext\n"),
        ("a\x00b", "a\ufffdb"),
        ("a\ud83d", "a\ufffd"),
        ("\x01\x7f\x85\u202e", "\x01\x7f\x85\u202e"),  # PostgreSQL stores these
        ("😀", "😀"),
    ],
)
def test_storable(value: str, stored: str) -> None:
    assert storable(value) == stored
    stored.encode("utf-8")
