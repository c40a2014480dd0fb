"""The committed snapshot of the security model (backend/db/snapshot/) is what the migrations build."""

from __future__ import annotations

import psycopg
import pytest

from backend.db import snapshot
from backend.db.testing import MigratedDatabase


def test_the_committed_snapshot_matches_a_freshly_migrated_database(test_db: MigratedDatabase) -> None:
    # A database of its own, on the test database's server: the session's one holds other tests' changes.
    fresh = snapshot.snapshot_of_fresh_database(f"{test_db.name}_snapshot"[:63])
    committed = snapshot.SNAPSHOT.read_text() if snapshot.SNAPSHOT.exists() else ""
    if fresh != committed:
        where = snapshot.SNAPSHOT.relative_to(snapshot.SQL_DIR.parent)
        pytest.fail(
            f"{where} does not match the migrations. If the change is intended, regenerate it with"
            f" `{snapshot.REGENERATE}` and commit it with the migration.\n{snapshot.diff(committed, fresh)}",
            pytrace=False,
        )


def test_a_changed_policy_grant_function_or_rls_flag_changes_the_snapshot(admin: psycopg.Connection) -> None:
    before = snapshot.render(admin)
    with admin.transaction(force_rollback=True):
        admin.execute(
            'create policy "Anyone can read done tasks" on public.tasks for select to skopx_app'
            " using (status = 'done')"
        )
        admin.execute("grant update (title, status) on public.tasks to skopx_service")
        admin.execute("alter function app.touch_updated_at() security definer")
        admin.execute("alter table public.tasks no force row level security")
        after = snapshot.render(admin)
    assert snapshot.render(admin) == before
    added = set(after.splitlines()) - set(before.splitlines())
    removed = set(before.splitlines()) - set(after.splitlines())
    assert {
        'create policy "Anyone can read done tasks" on public.tasks for select to skopx_app',
        "  using (status = 'done'::text);",
        "grant update (title, status) on public.tasks to skopx_service;",
        "alter table public.tasks no force row level security;",
        "--   app.touch_updated_at() | skopx_owner | definer | volatile | nobody",
    } <= added, added
    assert "alter table public.tasks force row level security;" in removed
    assert (
        "FUNCTION app.touch_updated_at()\n RETURNS trigger\n LANGUAGE plpgsql\n SECURITY DEFINER\n" in after
    )
    assert "--   app.touch_updated_at() | skopx_owner | invoker | volatile | nobody" in removed
    diff = snapshot.diff(before, after)
    assert (
        diff.startswith("--- committed snapshot\n+++ migrations") and "+grant update (title, status)" in diff
    )
