"""Organizations: read, rename (admin+), delete (owner, confirmed by the exact name), create another.

Every function re-checks the actor's role from a fresh RequestContext and then relies on the
row-level security policies as well: a bug here still cannot touch another tenant's rows.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from backend.db.errors import expect_row, expect_rowcount
from backend.db.session import tenant_session
from backend.errors import Invalid
from backend.limits import ORGANIZATION_NAME
from backend.rbac import Role
from backend.services.context import RequestContext
from backend.text import clean_line

GONE = "This organization no longer exists, or you are no longer a member of it. Reload the page."


@dataclass(frozen=True)
class OrganizationView:
    id: str
    name: str
    slug: str
    created_at: datetime
    member_count: int


def clean_organization_name(name: str | None, *, field: str = "name") -> str:
    return clean_line(
        name,
        label="the organization name",
        field=field,
        min_len=ORGANIZATION_NAME.min_len,
        max_len=ORGANIZATION_NAME.max_len,
        length_error=(
            f"Enter an organization name of {ORGANIZATION_NAME.min_len} to {ORGANIZATION_NAME.max_len} characters."
        ),
    )


def slug_for(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "workspace"
    return f"{base}-{secrets.token_hex(3)}"


async def get_organization(*, ctx: RequestContext) -> OrganizationView:
    async with tenant_session(ctx.user_id) as conn:
        row = await (
            await conn.execute(
                "select o.id::text as id, o.name, o.slug, o.created_at,"
                " (select count(*) from public.organization_members m where m.organization_id = o.id)"
                " as member_count from public.organizations o where o.id = %s",
                (ctx.org_id,),
            )
        ).fetchone()
    row = expect_row(row, not_found=GONE)
    return OrganizationView(**row)


async def rename_organization(*, ctx: RequestContext, name: str) -> str:
    ctx.require(Role.ADMIN, "rename this organization")
    cleaned = clean_organization_name(name)
    async with tenant_session(ctx.user_id) as conn:
        row = await (
            await conn.execute(
                "update public.organizations set name = %s where id = %s returning name",
                (cleaned, ctx.org_id),
            )
        ).fetchone()
    return expect_row(row, not_found=GONE)["name"]


async def delete_organization(*, ctx: RequestContext, confirm_name: str) -> str:
    """Deletes the organization and everything in it. Returns the deleted name."""
    ctx.require(Role.OWNER, "delete this organization")
    async with tenant_session(ctx.user_id) as conn:
        row = expect_row(
            await (
                await conn.execute("select name from public.organizations where id = %s", (ctx.org_id,))
            ).fetchone(),
            not_found=GONE,
        )
        typed = clean_line(confirm_name, label="the confirmation", field="confirm_name", min_len=0)
        if typed != row["name"]:
            raise Invalid(
                f"To confirm, type the organization name exactly as shown: {row['name']}",
                field="confirm_name",
            )
        cursor = await conn.execute("delete from public.organizations where id = %s", (ctx.org_id,))
        expect_rowcount(cursor, not_found=GONE)
    return row["name"]


async def create_organization(*, user_id: str, name: str) -> str:
    """A new organization with the user as its owner; returns its id."""
    cleaned = clean_organization_name(name)
    async with tenant_session(user_id) as conn:
        row = await (
            await conn.execute(
                "select app.create_organization(%s, %s)::text as id", (cleaned, slug_for(cleaned))
            )
        ).fetchone()
    return row["id"]
