"""A query's result as JSON-safe data, collected within the row and byte caps.

Values become what JSON can carry without loss or surprise: whole numbers stay numbers while a
JavaScript number holds them exactly (beyond ±2^53 they become strings), floats stay floats (NaN and
infinities become strings), exact decimals become strings ("12.50", so no digit is lost), dates and
times become ISO 8601 strings, durations "[-]H:MM:SS[.ffffff]", binary data a short placeholder,
JSON and arrays nested lists and objects, and anything else its text.

`Collector` is fed the driver's rows in batches and says how many to ask for next: one row first,
then as many as should fit in the bytes left judging by the widest row so far (at most
`_MAX_BATCH`), so that neither cap makes the driver hold much more than the result it returns.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any, Literal

from backend.dataquery.errors import statement_timed_out
from backend.limits import QueryLimits

TypeFamily = Literal["number", "text", "date", "bool", "other"]
Convert = Callable[[Any], Any]

_MAX_SAFE_INTEGER = 2**53 - 1
_MAX_BATCH = 2_000
_SCALAR_SIZE = 8
_FIXED_SIZES: dict[str, int] = {"number": _SCALAR_SIZE, "bool": _SCALAR_SIZE, "date": 32}


@dataclass(frozen=True)
class Column:
    name: str
    type: TypeFamily


@dataclass(frozen=True)
class QueryResult:
    """`rows` hold JSON-safe values in `columns` order; `truncated` when a cap stopped the fetch early
    (`truncated_by` says which: "rows" or "bytes"); `duration_ms` runs from sending the query to the
    last row read, connecting excluded."""

    columns: tuple[Column, ...]
    rows: list[list[Any]]
    row_count: int
    truncated: bool
    duration_ms: int
    truncated_by: Literal["rows", "bytes"] | None = None


def json_safe(value: Any) -> Any:
    """`value` as described in the module's docstring."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return whole_number(value)
    if isinstance(value, float):
        return real_number(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time_of_day):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<binary data, {len(value):,} bytes>"
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(json_safe(item) for item in value)
    return str(value)


def whole_number(value: int) -> int | str:
    return value if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER else str(value)


def real_number(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


def duration(value: timedelta) -> str:
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign, micros = ("-", -micros) if micros < 0 else ("", micros)
    seconds, fraction = divmod(micros, 1_000_000)
    text = f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{text}.{fraction:06d}" if fraction else text


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | dict):
        return len(json.dumps(value))
    return _SCALAR_SIZE


class Collector:
    """Rows gathered under `limits`: until `done`, fetch `wanted()` rows and `add()` them.

    A row counts towards the byte cap as 8 for itself, 8 per number or boolean, 32 per date, the
    characters of its text, and the JSON length of anything else.
    """

    def __init__(
        self,
        columns: Sequence[tuple[str, TypeFamily, Convert | None]],
        limits: QueryLimits,
        *,
        started: float,
    ) -> None:
        """`columns`: each column's name, type family and conversion (None: the driver's value is JSON-safe)."""
        self.columns = tuple(Column(name, family) for name, family, _ in columns)
        self._convert = [
            (index, convert) for index, (_, _, convert) in enumerate(columns) if convert is not None
        ]
        self._fixed = _SCALAR_SIZE + sum(_FIXED_SIZES.get(column.type, 0) for column in self.columns)
        self._measured = [
            index for index, column in enumerate(self.columns) if column.type not in _FIXED_SIZES
        ]
        self._limits = limits
        self._started = started  # time.perf_counter() when the query was sent
        self.rows: list[list[Any]] = []
        self._bytes = 0
        self._widest = 0
        self._asked = 0
        self.truncated_by: Literal["rows", "bytes"] | None = None
        self.done = not self.columns  # True once nothing more is to be fetched

    def wanted(self) -> int:
        """How many rows to fetch next: one more than the cap allows, to learn whether more exist."""
        rows_left = self._limits.max_rows + 1 - len(self.rows)
        if not self._widest:
            self._asked = min(rows_left, 1)
        else:
            fitting = (self._limits.max_bytes - self._bytes) // self._widest + 1
            self._asked = max(1, min(rows_left, fitting, _MAX_BATCH))
        return self._asked

    def add(self, batch: Sequence[Sequence[Any]]) -> None:
        """Take the rows `wanted()` asked for; `done` once a cap is reached or the result has ended.

        Raises `QueryTimedOut` once the statement timeout has passed: a fetch is a statement of its own
        to the database, so its timeout alone would not bound them all.
        """
        if self.elapsed_s() > self._limits.statement_timeout_s:
            raise statement_timed_out(self._limits)
        rows = [list(raw) for raw in batch]
        # Column by column: one conversion function over many values is what Python does fastest.
        for index, convert in self._convert:
            for row in rows:
                value = row[index]
                if value is not None:
                    row[index] = convert(value)
        sizes = [self._fixed] * len(rows)
        for index in self._measured:
            for position, row in enumerate(rows):
                value = row[index]
                if value is not None:
                    sizes[position] += len(value) if value.__class__ is str else _size(value)
        self.done = len(rows) < self._asked
        limits = self._limits
        for row, size in zip(rows, sizes, strict=True):
            if len(self.rows) == limits.max_rows:
                self.truncated_by = "rows"
            elif self._bytes + size > limits.max_bytes:
                self.truncated_by = "bytes"
            else:
                self._bytes += size
                self._widest = max(self._widest, size)
                self.rows.append(row)
                continue
            self.done = True
            return

    def elapsed_s(self) -> float:
        return time.perf_counter() - self._started

    def result(self) -> QueryResult:
        return QueryResult(
            columns=self.columns,
            rows=self.rows,
            row_count=len(self.rows),
            truncated=self.truncated_by is not None,
            truncated_by=self.truncated_by,
            duration_ms=round(self.elapsed_s() * 1000),
        )
