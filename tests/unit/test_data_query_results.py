"""Data-query results (JSON-safe values, the caps, batch sizes), scrubbed messages and connection configs."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from ipaddress import ip_address

import pytest

from backend.dataquery import Column, ConnectionConfig, errors
from backend.dataquery.results import Collector, json_safe
from backend.errors import Invalid
from backend.limits import DATA_QUERY_LIMITS


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        (None, None),
        (True, True),
        ("Zoë 🚀", "Zoë 🚀"),
        (42, 42),
        (2**53 - 1, 2**53 - 1),
        (2**53, "9007199254740992"),
        (-(2**63), "-9223372036854775808"),
        (0.5, 0.5),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        (Decimal("12.50"), "12.50"),
        (Decimal("NaN"), "NaN"),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 2, 29, 13, 14, 15, 500_000, tzinfo=UTC), "2024-02-29T13:14:15.500000+00:00"),
        (time_of_day(23, 59, 58), "23:59:58"),
        (timedelta(hours=26, seconds=1), "26:00:01"),
        (timedelta(hours=-838, minutes=-59, seconds=-59), "-838:59:59"),
        (timedelta(microseconds=1500), "0:00:00.001500"),
        (b"\x00\xff\x10", "<binary data, 3 bytes>"),
        (memoryview(b"x" * 2048), "<binary data, 2,048 bytes>"),
        ({"a": [1, Decimal("2.5"), None], 3: 2**60}, {"a": [1, "2.5", None], "3": "1152921504606846976"}),
        ((1, "b"), [1, "b"]),
        ({"b", "a"}, ["a", "b"]),
        (uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        (ip_address("10.0.0.1"), "10.0.0.1"),
    ],
)
def test_values_become_json_safe(value: object, safe: object) -> None:
    assert json_safe(value) == safe
    json.dumps(json_safe(value), allow_nan=False)


def _collector(**limits: int) -> Collector:
    return Collector(
        [("n", "number", None), ("s", "text", None)],
        dataclasses.replace(DATA_QUERY_LIMITS, **limits),
        started=time.perf_counter(),
    )


def test_rows_stop_at_the_row_cap_and_say_so() -> None:
    collector = _collector(max_rows=3)
    assert collector.wanted() == 1
    collector.add([(1, "a")])
    assert not collector.done
    assert collector.wanted() == 3  # up to one more than the cap, to learn whether more exist
    collector.add([(2, "b"), (3, "c"), (4, "d")])
    assert collector.done
    result = collector.result()
    assert result.columns == (Column("n", "number"), Column("s", "text"))
    assert (result.rows, result.row_count, result.truncated, result.truncated_by) == (
        [[1, "a"], [2, "b"], [3, "c"]],
        3,
        True,
        "rows",
    )


def test_exactly_the_cap_is_not_truncated() -> None:
    collector = _collector(max_rows=2)
    collector.add([(1, "a")][: collector.wanted()])
    collector.add([(2, "b")][: collector.wanted()])
    assert collector.done  # fewer rows came than were asked for: the result has ended
    assert (collector.result().row_count, collector.result().truncated) == (2, False)


def test_rows_stop_before_the_byte_cap_and_batches_shrink_to_fit() -> None:
    collector = _collector(max_bytes=1_000)
    collector.wanted()
    collector.add([(1, "x" * 184)])  # 8 for the row, 8 for the number, 184 characters: 200
    assert collector.wanted() == 5  # the 800 bytes left fit 4 rows like it, plus one to look ahead
    collector.add([(n, "x" * 184) for n in range(2, 7)])
    result = collector.result()
    assert (collector.done, result.row_count, result.truncated_by) == (True, 5, "bytes")


def test_a_first_row_wider_than_the_cap_gives_an_empty_truncated_result() -> None:
    collector = _collector(max_bytes=100)
    collector.wanted()
    collector.add([(1, "x" * 200)])
    assert collector.done
    assert (collector.result().row_count, collector.result().truncated_by) == (0, "bytes")


def test_batches_never_exceed_the_largest_batch() -> None:
    collector = _collector()
    collector.wanted()
    collector.add([(1, "")])
    assert collector.wanted() == 2_000


def test_a_statement_without_a_result_has_nothing_to_fetch() -> None:
    collector = Collector([], DATA_QUERY_LIMITS, started=time.perf_counter())
    assert collector.done
    assert collector.result().rows == []


def test_a_fetch_after_the_statement_timeout_stops_the_query() -> None:
    collector = Collector(
        [("n", "number", None)],
        dataclasses.replace(DATA_QUERY_LIMITS, statement_timeout_s=1),
        started=time.perf_counter() - 2,
    )
    with pytest.raises(errors.QueryTimedOut):
        collector.add([(1,)])


def test_conversions_apply_to_their_columns_and_skip_nulls() -> None:
    collector = Collector(
        [("amount", "number", str), ("n", "number", None)], DATA_QUERY_LIMITS, started=time.perf_counter()
    )
    collector.wanted()
    collector.add([(Decimal("1.50"), 1), (None, 2)])
    assert collector.result().rows == [["1.50", 1], [None, 2]]


CONFIG = ConnectionConfig(
    "postgresql", "db.example.test", 5432, "shop", "reader", "Sup3r-Secret-pw", tls="require"
)


def test_the_password_never_shows_in_a_config_s_repr() -> None:
    assert "Sup3r-Secret-pw" not in repr(CONFIG)
    assert "Sup3r-Secret-pw" not in str(CONFIG)
    assert "db.example.test" in repr(CONFIG)


@pytest.mark.parametrize(
    "message",
    [
        "login failed for Sup3r-Secret-pw",
        "could not connect to postgresql://reader:Sup3r-Secret-pw@db.example.test/shop",
        "could not connect to mysql://reader:other-secret@db.example.test/shop",
        "invalid dsn: host=db password=other-secret dbname=shop",
        "invalid dsn: host=db password = 'quoted secret' dbname=shop",
    ],
)
def test_scrub_removes_passwords_and_credentials(message: str) -> None:
    scrubbed = errors.scrub(message, CONFIG)
    for secret in ("Sup3r-Secret-pw", "other-secret", "quoted secret"):
        assert secret not in scrubbed


def test_scrub_makes_one_short_line() -> None:
    assert errors.scrub("first\n\tsecond  third", CONFIG) == "first second third"
    assert len(errors.scrub("x" * 5_000, CONFIG)) == 600


def test_a_short_password_is_not_scrubbed_out_of_ordinary_words() -> None:
    short = dataclasses.replace(CONFIG, password="abc")
    assert errors.scrub("table abc does not exist", short) == "table abc does not exist"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"engine": "sqlite"}, "engine"),
        ({"tls": "maybe"}, "tls"),
        ({"port": 0}, "port"),
        ({"port": 70_000}, "port"),
        ({"host": " "}, "host"),
        ({"database": ""}, "database"),
        ({"user": ""}, "user"),
        ({"password": "a\x00b"}, "password"),
        ({"host": "db\x00.example.test"}, "host"),
    ],
)
def test_a_config_that_can_t_work_is_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        dataclasses.replace(CONFIG, **changes)
    assert caught.value.field == field
