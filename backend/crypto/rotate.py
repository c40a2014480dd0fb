"""`python -m backend.crypto.rotate --purpose <oauth|dbconfig|apikeys>`

Re-encrypts every stored secret of a purpose that is not on the keyring's newest key,
including seed-format (`salt:iv:ciphertext`) rows when SKOPX_LEGACY_PASSPHRASE is set.
Runs as skopx_service. Each batch is its own transaction and locks its rows with
`for update skip locked`, and only rows not yet on the newest key are selected, so the
command can be interrupted and re-run at any time, even while the app is writing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection, sql

from backend.config import get_settings
from backend.crypto.aead import DecryptionError, seal, unseal
from backend.crypto.keyring import PURPOSES, Keyring, KeyringError, get_keyring
from backend.crypto.legacy import decrypt_legacy, is_legacy_token
from backend.db.session import close_pools, service_session

DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    scope_column: str  # the tenant id bound into the associated data
    column: str
    scope_in_primary_key: bool  # primary key (scope, id) rather than (id)

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (self.scope_column, "id") if self.scope_in_primary_key else ("id",)

    def key_of(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["scope_id"], row["id"]) if self.scope_in_primary_key else (row["id"],)


ENCRYPTED_COLUMNS = {
    "oauth": EncryptedColumn("integrations", "organization_id", "token_ciphertext", True),
    "dbconfig": EncryptedColumn("database_connections", "organization_id", "config_ciphertext", True),
    "apikeys": EncryptedColumn("user_api_keys", "user_id", "key_ciphertext", False),
}


@dataclass
class RotationCounts:
    scanned: int = 0
    rotated: int = 0
    already_current: int = 0
    failed: int = 0

    def summary(self, purpose: str) -> str:
        return (
            f"purpose={purpose} scanned={self.scanned} rotated={self.rotated} "
            f"already_current={self.already_current} failed={self.failed}"
        )


SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncConnection[Any]]]


def _current_prefix(keyring: Keyring) -> str:
    # Key ids are [a-z0-9] only, so the prefix holds no LIKE wildcards.
    return f"v2:{keyring.newest_kid}:%"


async def _count_current(conn: AsyncConnection[Any], target: EncryptedColumn, keyring: Keyring) -> int:
    query = sql.SQL("select count(*) as n from {table} where {column} like %(current)s").format(
        table=sql.Identifier(target.table), column=sql.Identifier(target.column)
    )
    cursor = await conn.execute(query, {"current": _current_prefix(keyring)})
    row = await cursor.fetchone()
    return int(row["n"]) if row else 0


def _key(target: EncryptedColumn) -> sql.Composable:
    return sql.SQL("({})").format(sql.SQL(", ").join(map(sql.Identifier, target.key_columns)))


def _placeholders(count: int) -> sql.Composable:
    return sql.SQL("({})").format(sql.SQL(", ").join([sql.Placeholder()] * count))


async def _stale_batch(
    conn: AsyncConnection[Any],
    target: EncryptedColumn,
    keyring: Keyring,
    after: tuple[Any, ...] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The next rows not on the newest key, in primary-key order (keyset pagination uses the index)."""
    after_clause = (
        sql.SQL("and {key} > {values}").format(key=_key(target), values=_placeholders(len(after)))
        if after is not None
        else sql.SQL("")
    )
    query = sql.SQL(
        "select id, {scope} as scope_id, {column} as token from {table}"
        " where {column} is not null and {column} not like %s {after}"
        " order by {key} limit %s for update skip locked"
    ).format(
        scope=sql.Identifier(target.scope_column),
        column=sql.Identifier(target.column),
        table=sql.Identifier(target.table),
        after=after_clause,
        key=_key(target),
    )
    cursor = await conn.execute(query, [_current_prefix(keyring), *(after or ()), limit])
    return list(await cursor.fetchall())


async def _store(
    conn: AsyncConnection[Any], target: EncryptedColumn, row: dict[str, Any], token: str
) -> None:
    update = sql.SQL("update {table} set {column} = %s where {key} = {values}").format(
        table=sql.Identifier(target.table),
        column=sql.Identifier(target.column),
        key=_key(target),
        values=_placeholders(len(target.key_columns)),
    )
    await conn.execute(update, [token, *target.key_of(row)])


async def _reencrypt(keyring: Keyring, row: dict[str, Any], legacy_passphrase: str | None) -> str:
    token, scope_id, row_id = row["token"], row["scope_id"], row["id"]
    if is_legacy_token(token):
        if not legacy_passphrase:
            raise DecryptionError(keyring.purpose, "legacy token but SKOPX_LEGACY_PASSPHRASE is not set")
        plaintext = await asyncio.to_thread(decrypt_legacy, token, legacy_passphrase, purpose=keyring.purpose)
    else:
        plaintext = unseal(keyring, token, scope_id=scope_id, row_id=row_id)
    return seal(keyring, plaintext, scope_id=scope_id, row_id=row_id)


async def rotate(
    purpose: str,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    keyring: Keyring | None = None,
    legacy_passphrase: str | None = None,
    session: SessionFactory = service_session,
    report: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> RotationCounts:
    """Re-encrypt every row of `purpose` onto the newest key; returns the counts."""
    keyring = keyring or get_keyring(purpose)
    target = ENCRYPTED_COLUMNS[purpose]
    counts = RotationCounts()
    async with session() as conn:
        counts.already_current = await _count_current(conn, target, keyring)
    after: tuple[Any, ...] | None = None
    while True:
        async with session() as conn:
            rows = await _stale_batch(conn, target, keyring, after, batch_size)
            for row in rows:
                try:
                    new_token = await _reencrypt(keyring, row, legacy_passphrase)
                except DecryptionError as error:
                    counts.failed += 1
                    report(f"{target.table} row {row['id']}: {error.reason}")
                    continue
                await _store(conn, target, row, new_token)
                counts.rotated += 1
        counts.scanned += len(rows)
        if len(rows) < batch_size:
            break
        after = target.key_of(rows[-1])
    counts.scanned += counts.already_current
    return counts


async def _run_cli(purpose: str, batch_size: int) -> RotationCounts:
    passphrase = get_settings().legacy_passphrase
    try:
        return await rotate(purpose, batch_size=batch_size, legacy_passphrase=passphrase)
    finally:
        await close_pools()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m backend.crypto.rotate", description=__doc__)
    parser.add_argument("--purpose", required=True, choices=PURPOSES)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    try:
        counts = asyncio.run(_run_cli(args.purpose, args.batch_size))
    except KeyringError as error:
        print(f"rotate: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(counts.summary(args.purpose))
    if counts.failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
