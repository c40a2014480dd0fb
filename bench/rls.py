"""RLS overhead benchmark: the measured policy shape against no RLS, in the same run.

Loads >= 1,000,000 messages over ~1,000 organizations into a throw-away database (`skopx_bench`),
with one large organization whose conversations hold >= 5,000 messages, then times each query as
skopx_app (RLS) and as the superuser (no RLS) with identical SQL, interleaved, in 7 rounds. Prints
each query's median ratio over the rounds, their spread, and the access path of each side.
Last line: `worst_ratio=<float>`.

    .venv/bin/python bench/rls.py [--reuse] [--runs 200] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.db.testing import recreate_database

DBNAME = "skopx_bench"
BUDGETS = {"count": 1.2}
DEFAULT_BUDGET = 1.5


# Bulk load, consistent by construction: session_replication_role = replica skips FK and audit triggers.
LOAD = """
set session_replication_role = replica;
-- Triggers are off in replica mode, so the privacy flags of sql/0006 are set below as the triggers would
-- (the read keys of sql/0007 are generated columns and follow them).
insert into users (id, email, password_hash, display_name)
  select md5('u' || i)::uuid, 'u' || i || '@bench.test', 'x', 'User ' || i from generate_series(0, %(orgs)s) i;
insert into organizations (id, name, slug)
  select md5('o' || i)::uuid, 'Org ' || i, 'bench-' || i from generate_series(0, %(orgs)s - 1) i;
-- user i owns org i; in the large org 0 the bench user (user 0) is a member and user <orgs> the owner.
insert into organization_members (organization_id, user_id, role)
  select md5('o' || i)::uuid, md5('u' || i)::uuid, case when i = 0 then 'member' else 'owner' end::org_role
  from generate_series(0, %(orgs)s - 1) i
  union all select md5('o0')::uuid, md5('u' || %(orgs)s)::uuid, 'owner'
  union all select md5('o1')::uuid, md5('u0')::uuid, 'member';
insert into projects (organization_id, id, name, visibility, created_by)
  select md5('o' || i)::uuid, md5('p' || i)::uuid, 'Project ' || i, 'shared', md5('u' || i)::uuid
  from generate_series(0, %(orgs)s - 1) i
  union all select md5('o0')::uuid, md5('private0')::uuid, 'Owner only', 'private', md5('u' || %(orgs)s)::uuid;
insert into conversations (organization_id, project_id, id, title, created_by, updated_at, in_private_project)
  select md5('o' || i)::uuid, md5('p' || i)::uuid, md5('c' || i || '-' || c)::uuid, 'Conversation ' || c,
         md5('u' || i)::uuid, now() - c * interval '1 minute', false
  from generate_series(0, %(orgs)s - 1) i
  cross join lateral generate_series(0, case when i = 0 then %(big_convs)s else %(convs)s end - 1) c
  union all select md5('o0')::uuid, md5('private0')::uuid, md5('hidden' || c)::uuid, 'Hidden ' || c,
         md5('u' || %(orgs)s)::uuid, now(), true from generate_series(0, 1) c;
insert into messages (organization_id, project_id, conversation_id, role, content, created_by, created_at,
                      in_private_project)
  select c.organization_id, c.project_id, c.id, case when g %% 2 = 0 then 'user' else 'assistant' end,
         md5(g::text) || ' ' || md5(c.id::text || g), c.created_by, now() - g * interval '1 second',
         c.project_id = md5('private0')::uuid
  from conversations c
  cross join lateral generate_series(
    1, case when c.organization_id = md5('o0')::uuid then %(big_msgs)s else %(msgs)s end) g;
"""


def load(admin_url: str, args: argparse.Namespace) -> float:
    started = time.perf_counter()
    params = {k: getattr(args, k) for k in ("orgs", "convs", "msgs", "big_convs", "big_msgs")}
    with psycopg.connect(admin_url) as conn:
        for statement in filter(str.strip, LOAD.split(";\n")):
            conn.execute(statement, params if "%(" in statement else None)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("vacuum analyze")
    return time.perf_counter() - started


def queries() -> dict[str, tuple[str, tuple[Any, ...]]]:
    me, big, typical = "md5('u0')::uuid", "md5('o0')::uuid", "md5('o1')::uuid"
    last50 = (
        "select id, role, content, created_at from messages where organization_id = {org}"
        " and conversation_id = {conv} order by created_at desc limit 50"
    )
    return {
        "last 50, typical conversation": (last50.format(org=typical, conv="md5('c1-0')::uuid"), ()),
        "last 50, large conversation": (last50.format(org=big, conv="md5('c0-0')::uuid"), ()),
        "count": (f"select count(*) from messages where organization_id = {big}", ()),
        "my conversation list": (
            f"select id, title, updated_at from conversations where organization_id = {big}"
            f" and created_by = {me} order by updated_at desc limit 50",
            (),
        ),
    }


ROLE_SWITCH = {"rls": "set local role skopx_app", "base": "reset role"}


def _time(conn: psycopg.Connection, statement: str) -> tuple[float, int]:
    started = time.perf_counter()
    rows = conn.execute(statement, prepare=True).fetchall()
    return time.perf_counter() - started, len(rows) if len(rows) != 1 else next(iter(rows[0].values()))


def _access_path(conn: psycopg.Connection, statement: str) -> str:
    """The scan that reads the table, e.g. 'Index Only Scan messages_organization_visibility_idx'."""
    plan = conn.execute("explain (format json, costs off) " + statement).fetchone()["QUERY PLAN"][0]["Plan"]
    stack = [plan]
    while stack:
        node = stack.pop()
        if node.get("Relation Name") and node.get("Parent Relationship") != "InitPlan":
            return f"{node['Node Type']} {node.get('Index Name', '')}".strip()
        stack.extend(node.get("Plans", []))
    return "?"


def _round(conn: psycopg.Connection, statements: dict[str, str], runs: int) -> dict[str, Any]:
    """One round: `runs` interleaved pairs (order alternating) after 5 warm-up pairs; medians in ms."""
    timings: dict[str, list[float]] = {"rls": [], "base": []}
    rows: dict[str, int] = {}
    for i in range(runs + 5):
        for side in ("rls", "base") if i % 2 else ("base", "rls"):
            conn.execute(ROLE_SWITCH[side])
            elapsed, rows[side] = _time(conn, statements[side])
            if i >= 5:
                timings[side].append(elapsed)
    medians = {side: statistics.median(values) * 1000 for side, values in timings.items()}
    return {"rows": rows, **medians, "ratio": medians["rls"] / medians["base"]}


def measure(db, runs: int, rounds: int) -> list[dict[str, Any]]:
    """Both sides run on one backend of the admin connection: `set local role skopx_app` (RLS applies, the
    role is neither owner nor BYPASSRLS) or `reset role` (superuser, no RLS). On a small VM, two backends
    differ by tens of microseconds per round trip depending on where the scheduler puts them, which is as
    much as the overhead measured here; one backend cancels that out. Each side has its own prepared
    statement (a trailing comment), so neither plan is invalidated by the role switch. Parallel workers are
    off on both sides: on 2 cores they add noise, and they only ever slowed the no-RLS side."""
    results = []
    with psycopg.connect(db.admin, row_factory=dict_row) as conn:
        conn.execute("set max_parallel_workers_per_gather = 0")
        conn.execute("select set_config('app.user_id', md5('u0')::uuid::text, true)")
        for name, (statement, _) in queries().items():
            statements = {side: f"{statement} /* {side} */" for side in ROLE_SWITCH}
            paths = {}
            for side in ROLE_SWITCH:
                conn.execute(ROLE_SWITCH[side])
                paths[side] = _access_path(conn, statement)
            n = runs if name != "count" else max(runs // 10, 10)
            per_round = sorted((_round(conn, statements, n) for _ in range(rounds)), key=lambda r: r["ratio"])
            middle = per_round[len(per_round) // 2]  # the median round (the higher one of an even count)
            results.append(
                {
                    "query": name,
                    "rows": middle["rows"],
                    "base": middle["base"],
                    "rls": middle["rls"],
                    "ratio": middle["ratio"],
                    "spread": (per_round[0]["ratio"], per_round[-1]["ratio"]),
                    "paths": paths,
                    "budget": BUDGETS.get(name, DEFAULT_BUDGET),
                }
            )
        conn.rollback()
    return results


def report(results: list[dict[str, Any]]) -> None:
    print(
        f"{'query':30} {'rows rls/base':>14} {'no RLS ms':>9} {'RLS ms':>7} {'ratio':>5} {'spread':>9} {'budget':>6}"
    )
    for r in results:
        rows = f"{r['rows']['rls']}/{r['rows']['base']}"
        spread = f"{r['spread'][0]:.2f}-{r['spread'][1]:.2f}"
        flag = "" if r["ratio"] <= r["budget"] else "  OVER"
        print(
            f"{r['query']:30} {rows:>14} {r['base']:9.3f} {r['rls']:7.3f} {r['ratio']:5.2f} {spread:>9}"
            f" {r['budget']:6.1f}{flag}"
        )
    print("access paths (no RLS | RLS):")
    for r in results:
        print(f"  {r['query']:30} {r['paths']['base']} | {r['paths']['rls']}")


def main() -> int:
    parser = argparse.ArgumentParser(description="RLS overhead benchmark")
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--convs", type=int, default=10, help="conversations per ordinary organization")
    parser.add_argument("--msgs", type=int, default=90, help="messages per ordinary conversation")
    parser.add_argument("--big-convs", type=int, default=20)
    parser.add_argument("--big-msgs", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=200, help="interleaved pairs per round (count: a tenth)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds; the ratio is the median round's")
    parser.add_argument("--reuse", action="store_true", help="reuse an already loaded skopx_bench")
    args = parser.parse_args()
    if args.reuse:
        from backend.db.testing import MigratedDatabase, _urls

        urls = _urls(DBNAME)
        db = MigratedDatabase(name=DBNAME, admin=urls.admin, app=urls.app, service=urls.service)
    else:
        db = recreate_database(DBNAME)
        print(f"loaded in {load(db.admin, args):.1f} s")
    with psycopg.connect(db.admin) as conn:
        n, orgs, biggest = conn.execute(
            "select count(*), count(distinct organization_id),"
            " (select max(n) from (select count(*) n from messages group by conversation_id) s) from messages"
        ).fetchone()
        version = conn.execute("show server_version").fetchone()[0]
    print(f"PostgreSQL {version}: {n:,} messages in {orgs:,} organizations; largest conversation {biggest:,}")
    results = measure(db, args.runs, args.rounds)
    report(results)
    print(f"worst_ratio={max(r['ratio'] for r in results):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
