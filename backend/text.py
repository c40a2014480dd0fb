"""Text people type: the one place it is checked before it is stored, compared or searched for.

PostgreSQL refuses NUL in text, and a Python string can hold lone surrogates (half of a UTF-16 pair)
that cannot be encoded to UTF-8 at all; either would otherwise surface as an unexpected error. Every
service passes user text through `clean_line` (names, titles, search terms, addresses, keys) or
`clean_text` (descriptions, chat messages) and gets back a normalised string or an `Invalid` whose
sentence names the field in plain words.

In order:
1. Lone surrogates and control characters (C0, DEL, C1) are refused. A line treats tab, CR and LF as
   spaces; multi-line text keeps tab and LF and turns CRLF and lone CR into LF.
2. A line drops the bidirectional embedding, override and isolate characters (U+202A-U+202E,
   U+2066-U+2069): they are invisible, often come along when a name is copied from another app, and
   can make a name display as something else. Multi-line text keeps them: right-to-left prose uses them.
3. NFC normalisation, so the same word typed on different keyboards is the same text.
4. Surrounding whitespace is trimmed; a line also collapses each run of whitespace into one space.
5. The length, counted in code points as PostgreSQL's char_length does, is checked last.

Text that nobody typed but that must be stored anyway (a model's reply) goes through `storable`.
"""

from __future__ import annotations

import re
import unicodedata

from backend.errors import Invalid

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab, LF and CR; DEL; C1
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_NEWLINE = re.compile(r"\r\n?")


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]


def _refuse_unusable(value: str, *, label: str, field: str) -> None:
    if _SURROGATE.search(value):
        raise Invalid(
            f"{_sentence(label)} contains a broken character (half of an emoji or symbol). "
            "Remove it and try again.",
            field=field,
        )
    if _CONTROL.search(value):
        raise Invalid(
            f"{_sentence(label)} contains a character that can't be used (a control character). "
            "Remove it and try again.",
            field=field,
        )


def _check_length(
    value: str, *, label: str, field: str, min_len: int, max_len: int | None, length_error: str | None
) -> str:
    if len(value) < min_len or (max_len is not None and len(value) > max_len):
        if length_error is None:
            if not value:
                length_error = f"Enter {label}."
            elif max_len is None:
                length_error = f"{_sentence(label)} must be at least {min_len:,} characters."
            else:
                length_error = f"{_sentence(label)} must be {min_len:,}–{max_len:,} characters."
        raise Invalid(length_error, field=field)
    return value


def clean_line(
    value: str | None,
    *,
    label: str,
    field: str,
    max_len: int | None = None,
    min_len: int = 1,
    length_error: str | None = None,
) -> str:
    """One line of text (a name, a title, a search term), or `Invalid`.

    `label` names the field inside a sentence ("the project name", "your name"); `field` is the form
    field the error belongs to; `length_error` replaces the generic sentence for a bad length.
    """
    text = value or ""
    _refuse_unusable(text, label=label, field=field)
    text = unicodedata.normalize("NFC", _BIDI_CONTROL.sub("", text))
    text = " ".join(text.split())
    return _check_length(
        text, label=label, field=field, min_len=min_len, max_len=max_len, length_error=length_error
    )


def clean_text(
    value: str | None,
    *,
    label: str,
    field: str,
    max_len: int | None = None,
    min_len: int = 0,
    length_error: str | None = None,
) -> str:
    """Multi-line text (a description, a message), or `Invalid`; same arguments as `clean_line`."""
    text = value or ""
    _refuse_unusable(text, label=label, field=field)
    text = unicodedata.normalize("NFC", _NEWLINE.sub("\n", text)).strip()
    return _check_length(
        text, label=label, field=field, min_len=min_len, max_len=max_len, length_error=length_error
    )


def storable(value: str) -> str:
    """`value` with NUL and lone surrogates, which PostgreSQL cannot store, replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))
