"""Data-query executor against plain psycopg: the same 5,000-row query on the same PostgreSQL, same run.

Both sides open a fresh connection per query, as the executor does. The baseline then runs the query
and fetches every row; the executor also starts a read-only transaction, sets its timeouts, reads
through a server-side cursor within the caps and turns every value JSON-safe. Runs alternate, in
rounds; the budget is executor_ratio <= 1.3 (median executor time / median psycopg time).

The database is a throw-away one on SKOPX_DQ_POSTGRES (default: the machine's PostgreSQL, as the
integration tests use). Last line: `executor_ratio=<float>`.

    .venv/bin/python bench/data_query.py [--runs 40] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.dataquery import ConnectionConfig, run_query
from backend.limits import DATA_QUERY_LIMITS
from tests.integration.dataquery_targets import postgres_target

ROWS = DATA_QUERY_LIMITS.max_rows
BUDGET = 1.3
QUERY = "select id, label, amount, placed_at, paid from bench_rows order by id"


def _load(admin_url: str, reader: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "create table bench_rows as select g as id, 'order ' || g as label, (g * 1.25)::numeric(12, 2) "
            "as amount, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' as placed_at, "
            f"g % 3 = 0 as paid from generate_series(1, {ROWS}) g"
        )
        conn.execute("alter table bench_rows add primary key (id)")
        conn.execute(f"grant select on bench_rows to {reader}")
        conn.execute("vacuum analyze bench_rows")


async def _psycopg(config: ConnectionConfig) -> int:
    conn = await psycopg.AsyncConnection.connect(
        host=config.host, port=config.port, dbname=config.database, user=config.user, password=config.password
    )
    try:
        cursor = await conn.execute(QUERY)
        return len(await cursor.fetchall())
    finally:
        await conn.close()


async def _executor(config: ConnectionConfig) -> int:
    result = await run_query(config, QUERY)
    assert not result.truncated
    return result.row_count


async def _measure(config: ConnectionConfig, runs: int, rounds: int) -> tuple[list[float], list[float]]:
    baseline: list[float] = []
    executor: list[float] = []
    for _ in range(3):  # warm both paths: connections, caches, the server's plan
        await _psycopg(config)
        await _executor(config)
    for _ in range(rounds):
        for _ in range(runs):
            for sink, run in ((baseline, _psycopg), (executor, _executor)):
                started = time.perf_counter()
                assert await run(config) == ROWS
                sink.append((time.perf_counter() - started) * 1000)
    return baseline, executor


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with postgres_target() as target:
        _load(target.admin_url, target.reader.user)
        baseline, executor = asyncio.run(_measure(target.reader, args.runs, args.rounds))
    ratio = statistics.median(executor) / statistics.median(baseline)
    print(f"rows={ROWS} runs={len(baseline)}")
    print(f"psycopg_ms_p50={statistics.median(baseline):.2f}")
    print(f"executor_ms_p50={statistics.median(executor):.2f}")
    print(f"budget={BUDGET} {'ok' if ratio <= BUDGET else 'OVER BUDGET'}")
    print(f"executor_ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
