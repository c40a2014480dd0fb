"""History within a token budget, and titles from the first message."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from backend.llm.history import assemble_history, estimate_message_tokens
from backend.llm.titles import DEFAULT_TITLE, title_from_first_message


def msg(role: str, content: str) -> dict[str, str]:
    return {"role": role, "content": content}


def conversation(pairs: int, size: int = 400) -> list[dict[str, str]]:
    history = []
    for index in range(pairs):
        history += [msg("user", f"q{index} " + "x" * size), msg("assistant", f"a{index} " + "y" * size)]
    return history


def cost(messages: list[dict[str, str]]) -> int:
    return sum(estimate_message_tokens(message) for message in messages)


def test_everything_kept_when_it_fits():
    history = [*conversation(3), msg("user", "latest")]
    assert assemble_history(history, budget_tokens=100_000) == history


def test_keeps_most_recent_within_budget_dropping_oldest_whole():
    history = [*conversation(10), msg("user", "latest question")]
    kept = assemble_history(history, budget_tokens=1_000)
    assert kept[-1] == msg("user", "latest question")
    assert cost(kept) <= 1_000
    assert kept == history[-len(kept) :]  # a contiguous suffix: nothing split or skipped
    assert len(kept) < len(history)
    assert kept[0]["role"] == "user"
    # one more (older) message would not have fitted, or would have broken alternation
    assert cost(history[-len(kept) - 2 :]) > 1_000


def test_latest_user_message_kept_even_over_budget():
    huge = msg("user", "z" * 40_000)
    kept = assemble_history([*conversation(2), huge], budget_tokens=100)
    assert kept == [huge]


def test_starts_with_user_after_trimming():
    history = [*conversation(4, size=100), msg("user", "now")]
    for budget in range(20, 400, 7):
        kept = assemble_history(history, budget)
        assert kept[0]["role"] == "user"
        roles = [message["role"] for message in kept]
        assert all(a != b for a, b in itertools.pairwise(roles))


def test_consecutive_user_messages_are_merged_not_lost():
    history = [msg("user", "first try"), msg("user", "second try")]
    assert assemble_history(history, 1_000) == [msg("user", "first try\n\nsecond try")]


def test_empty_and_unknown_roles_are_skipped_and_trailing_assistant_dropped():
    history = [
        msg("system", "ignored"),
        msg("user", "hello"),
        msg("assistant", "   "),
        msg("assistant", "hi!"),
        msg("user", "question"),
        msg("assistant", "a partial reply after the latest user message"),
    ]
    assert assemble_history(history, 1_000) == [
        msg("user", "hello"),
        msg("assistant", "hi!"),
        msg("user", "question"),
    ]


def test_accepts_objects_with_role_and_content():
    @dataclass
    class Row:
        role: str
        content: str

    assert assemble_history([Row("user", "a"), Row("assistant", "b"), Row("user", "c")], 1_000) == [
        msg("user", "a"),
        msg("assistant", "b"),
        msg("user", "c"),
    ]


def test_no_user_message_gives_empty_history():
    assert assemble_history([msg("assistant", "hello")], 1_000) == []
    assert assemble_history([], 1_000) == []


def test_title_is_first_line_trimmed():
    assert title_from_first_message("  Plan the Q3 launch  \nwith details") == "Plan the Q3 launch"
    assert title_from_first_message("\n\n  # Heading question\nbody") == "Heading question"
    assert title_from_first_message("tabs\tand   spaces") == "tabs and spaces"


def test_long_title_cut_on_word_boundary():
    text = "Summarise the quarterly engineering report and list every risk we identified so far"
    title = title_from_first_message(text)
    assert len(title) <= 60
    assert title.endswith("…")
    assert text.startswith(title[:-1])
    assert text[len(title) - 1] == " "  # the cut falls between words


def test_exactly_sixty_chars_kept_whole():
    text = "a" * 29 + " " + "b" * 30
    assert title_from_first_message(text) == text


def test_single_long_word_is_hard_cut():
    title = title_from_first_message("x" * 200)
    assert title == "x" * 59 + "…"


def test_empty_message_gets_default_title():
    assert title_from_first_message("") == DEFAULT_TITLE
    assert title_from_first_message("   \n \n") == DEFAULT_TITLE


def test_older_messages_are_never_kept_past_a_dropped_one():
    history = [
        msg("user", "small one"),
        msg("assistant", "small two"),
        msg("user", "huge " * 2_000),
        msg("assistant", "small three"),
        msg("user", "latest"),
    ]
    assert assemble_history(history, budget_tokens=200) == [msg("user", "latest")]
