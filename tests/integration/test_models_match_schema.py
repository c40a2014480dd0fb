"""The SQLModel classes mirror the live schema: same tables, same columns, same nullability."""

from __future__ import annotations

import psycopg

from backend.db.models import TABLE_MODELS


def test_every_table_has_a_model_with_the_same_columns_and_nullability(admin: psycopg.Connection) -> None:
    rows = admin.execute(
        "select table_name, column_name, is_nullable = 'YES' as nullable from information_schema.columns"
        " where table_schema = 'public' order by table_name, ordinal_position"
    ).fetchall()
    live: dict[str, dict[str, bool]] = {}
    for row in rows:
        live.setdefault(row["table_name"], {})[row["column_name"]] = row["nullable"]
    modeled = {
        model.__tablename__: {column.name: bool(column.nullable) for column in model.__table__.columns}
        for model in TABLE_MODELS
    }
    assert sorted(modeled) == sorted(live)
    for table, columns in live.items():
        assert modeled[table] == columns, table


def test_primary_keys_match(admin: psycopg.Connection) -> None:
    rows = admin.execute(
        "select k.table_name as tbl, array_agg(k.column_name::text) as cols"
        " from information_schema.table_constraints t join information_schema.key_column_usage k"
        " using (constraint_schema, constraint_name, table_name)"
        " where t.constraint_type = 'PRIMARY KEY' and t.table_schema = 'public' group by k.table_name"
    ).fetchall()
    live = {r["tbl"]: set(r["cols"]) for r in rows}
    modeled = {m.__tablename__: {c.name for c in m.__table__.primary_key.columns} for m in TABLE_MODELS}
    assert modeled == live


def test_generated_columns_are_modeled_as_computed_with_the_live_expression(
    admin: psycopg.Connection,
) -> None:
    rows = admin.execute(
        "select c.relname as tbl, a.attname as col, pg_get_expr(d.adbin, d.adrelid) as expression"
        " from pg_attribute a join pg_class c on c.oid = a.attrelid"
        " join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'"
        " join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
        " where a.attgenerated = 's'"
    ).fetchall()
    live = {(r["tbl"], r["col"]): r["expression"] for r in rows}
    modeled = {
        (m.__tablename__, c.name): str(c.computed.sqltext)
        for m in TABLE_MODELS
        for c in m.__table__.columns
        if c.computed is not None
    }
    assert live and sorted(modeled) == sorted(live)
    for key, expression in live.items():
        assert " ".join(modeled[key].lower().split()) == " ".join(expression.lower().split()), key
