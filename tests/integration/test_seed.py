"""The demo seed: idempotent, signs in with the printed password, and respects the role matrix."""

from __future__ import annotations

import bcrypt

from backend.cli import seed
from backend.db.testing import MigratedDatabase
from tests.integration.world import World


def test_seed_loads_once_and_its_demo_users_see_what_their_role_allows(
    test_db: MigratedDatabase, connect_as, world: World
) -> None:
    assert seed.seed(test_db.admin, only_if_fresh=True) is False  # `world` made the database non-fresh
    assert seed.seed(test_db.admin) is True
    assert seed.seed(test_db.admin) is False
    service = connect_as("service")
    rows = service.execute(
        "select email, id, password_hash from users where email like '%%@acme.test'"
    ).fetchall()
    users = {r["email"]: r["id"] for r in rows}
    assert set(users) == {"owner@acme.test", "admin@acme.test", "member@acme.test", "viewer@acme.test"}
    assert bcrypt.checkpw(seed.DEMO_PASSWORD.encode(), rows[0]["password_hash"].encode())

    def visible(email: str) -> set[str]:
        conn = connect_as("app", users[email])
        return {r["name"] for r in conn.execute("select name from projects")}

    shared = {"Launch plan", "Q3 revenue analysis"}
    assert visible("viewer@acme.test") == shared
    assert visible("member@acme.test") == shared | {"Maya's drafts"}
    assert visible("owner@acme.test") == shared | {"Maya's drafts", "Board preparation"}
    globex = connect_as("app", users["owner@acme.test"])
    assert globex.execute("select count(*) as n from projects where name like 'Secret%%'").fetchone() == {
        "n": 0
    }
