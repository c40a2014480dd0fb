"""The isolation matrix: every table × actor × operation × own/other organization, as skopx_app.

Expectations come from tests/integration/matrix.py. A denied UPDATE/DELETE must affect 0 rows (or
be refused), and the superuser re-reads the row afterwards to prove nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from psycopg import errors
from psycopg.rows import dict_row

from backend.db.testing import MigratedDatabase
from tests.integration.matrix import ACTORS, RANK, RULES, Ctx, Rule
from tests.integration.world import World


@dataclass(frozen=True)
class Case:
    rule: Rule
    variant: str
    actor: str
    op: str
    org: str  # "own" (A) or "other" (B)

    @property
    def id(self) -> str:
        variant = f"[{self.variant}]" if self.variant else ""
        return f"{self.rule.table}{variant}-{self.op}-{self.actor}-{self.org}"

    @property
    def expected(self) -> bool:
        role = self.actor if self.org == "own" and self.actor in RANK else None
        ctx = Ctx(role=role, actor=self.actor, variant=self.variant)
        return getattr(self.rule, self.op)(ctx)


def cases() -> list[Case]:
    return [
        Case(rule, variant, actor, op, org)
        for rule in RULES
        for variant in rule.variants
        for op in ("select", "insert", "update", "delete")
        for actor in ACTORS
        for org in ("own", "other")
    ]


ALL_CASES = cases()


@pytest.fixture(scope="module")
def app_conn(test_db: MigratedDatabase) -> Iterator[psycopg.Connection]:
    with psycopg.connect(test_db.app, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture(scope="module")
def truth(test_db: MigratedDatabase) -> Iterator[psycopg.Connection]:
    with psycopg.connect(test_db.admin, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def _actor_id(world: World, actor: str) -> Any:
    if actor == "anonymous":
        return None
    if actor == "outsider":
        return world.outsider
    return world.a.users[actor]


def _where(pk: dict[str, Any]) -> tuple[str, list[Any]]:
    return " and ".join(f"{column} = %s" for column in pk), list(pk.values())


def _snapshot(truth: psycopg.Connection, table: str, pk: dict[str, Any]) -> Any:
    where, params = _where(pk)
    return truth.execute(f"select to_jsonb(t) as row from {table} t where {where}", params).fetchone()


def _attempt(conn: psycopg.Connection, case: Case, world: World) -> tuple[bool, bool]:
    """Run the case's statement; returns (allowed, refused_with_error)."""
    org = world.org(case.org)
    table = case.rule.table
    pk = org.rows[f"{table}:{case.variant}"]
    where, params = _where(pk)
    try:
        if case.op == "select":
            count = conn.execute(f"select count(*) as n from {table} where {where}", params).fetchone()["n"]
            return count == 1, False
        if case.op == "insert":
            values = case.rule.values(org, _actor_id(world, case.actor), case.variant)
            marks = ", ".join(["%s"] * len(values))
            conn.execute(f"insert into {table} ({', '.join(values)}) values ({marks})", list(values.values()))
            return True, False
        if case.op == "update":
            cursor = conn.execute(f"update {table} set {case.rule.set_clause} where {where}", params)
        else:
            cursor = conn.execute(f"delete from {table} where {where}", params)
        return cursor.rowcount == 1, False
    except errors.InsufficientPrivilege:
        return False, True


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_matrix(case: Case, world: World, app_conn: psycopg.Connection, truth: psycopg.Connection) -> None:
    pk = world.org(case.org).rows[f"{case.rule.table}:{case.variant}"]
    before = _snapshot(truth, case.rule.table, pk)
    assert before is not None, "the target row must exist"
    app_conn.execute("select set_config('app.user_id', %s, true)", (str(_actor_id(world, case.actor) or ""),))
    allowed, refused = _attempt(app_conn, case, world)
    if case.expected:
        app_conn.rollback()
        assert allowed, f"{case.id}: expected to be allowed"
        return
    if refused:
        app_conn.rollback()
    else:
        app_conn.commit()  # a denial must have changed nothing, so committing is harmless
    assert not allowed, f"{case.id}: expected to be denied"
    assert _snapshot(truth, case.rule.table, pk) == before, f"{case.id}: the row changed"


def test_matrix_covers_every_tenant_table_and_has_both_outcomes(truth: psycopg.Connection) -> None:
    tenant_tables = {
        r["table_name"]
        for r in truth.execute(
            "select table_name from information_schema.columns where table_schema = 'public'"
            " and column_name = 'organization_id' and table_name <> 'stripe_events'"
        )
    } | {"organizations"}
    assert tenant_tables == {c.rule.table for c in ALL_CASES}
    outcomes = {c.expected for c in ALL_CASES}
    assert outcomes == {True, False}
    assert not any(c.expected for c in ALL_CASES if c.org == "other" or c.actor in ("outsider", "anonymous"))
