"""Projects: list, search, create, rename, change visibility, archive and delete.

Every query runs through `tenant_session` (RLS decides what the user may see and change) and also
filters by the organization explicitly. A row RLS hides is "not found"; a row the user can see but
not change is "forbidden" (checked here first so the message is specific, and refused by RLS anyway).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from psycopg import AsyncConnection, sql

from backend.db.errors import expect_row, expect_rowcount
from backend.db.session import tenant_session
from backend.errors import Forbidden, Invalid, NotFound
from backend.limits import PROJECT_DESCRIPTION, PROJECT_NAME, PROJECT_VISIBILITIES
from backend.rbac import Role, at_least
from backend.services.context import RequestContext
from backend.text import clean_line, clean_text

PROJECT_NOT_FOUND = (
    "We couldn't find that project. It may have been deleted, or you may not have access to it."
)
EDIT_FORBIDDEN = "Only the project's creator or an admin can change this project."
ARCHIVED = "This project is archived. Unarchive it to make changes."


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    description: str
    visibility: str
    status: str
    owner_id: str
    owner_name: str
    conversation_count: int
    open_tasks: int
    last_activity: datetime
    can_edit: bool

    @property
    def archived(self) -> bool:
        return self.status == "archived"


def parse_id(value: str | None, *, not_found: str = PROJECT_NOT_FOUND) -> str:
    """A UUID from the URL or the browser; anything else is simply not found."""
    try:
        return str(uuid.UUID(str(value or "").strip()))
    except ValueError:
        raise NotFound(not_found) from None


def may_edit(ctx: RequestContext, created_by: str | None) -> bool:
    """The database's rule: admins change anything, members what they created, viewers nothing."""
    if at_least(ctx.role, Role.ADMIN):
        return True
    return at_least(ctx.role, Role.MEMBER) and created_by is not None and str(created_by) == ctx.user_id


def clean_name(name: str | None) -> str:
    return clean_line(
        name,
        label="the project name",
        field="name",
        min_len=PROJECT_NAME.min_len,
        max_len=PROJECT_NAME.max_len,
        length_error=f"Give the project a name of {PROJECT_NAME.min_len}–{PROJECT_NAME.max_len} characters.",
    )


def clean_description(description: str | None) -> str:
    return clean_text(
        description,
        label="the description",
        field="description",
        min_len=PROJECT_DESCRIPTION.min_len,
        max_len=PROJECT_DESCRIPTION.max_len,
        length_error=f"Keep the description under {PROJECT_DESCRIPTION.max_len:,} characters.",
    )


def clean_visibility(visibility: str | None) -> str:
    value = (visibility or "").strip().lower()
    if value not in PROJECT_VISIBILITIES:
        raise Invalid("A project is either shared or private.", field="visibility")
    return value


_SELECT = """
select p.id::text as id, p.name, p.description, p.visibility, p.status,
       coalesce(p.created_by::text, '') as owner_id,
       coalesce(u.display_name, 'Former member') as owner_name,
       (select count(*) from public.conversations c
         where c.organization_id = p.organization_id and c.project_id = p.id) as conversation_count,
       (select count(*) from public.tasks t
         where t.organization_id = p.organization_id and t.project_id = p.id and t.status <> 'done') as open_tasks,
       greatest(p.updated_at, (select max(c.updated_at) from public.conversations c
         where c.organization_id = p.organization_id and c.project_id = p.id)) as last_activity
from public.projects p left join public.users u on u.id = p.created_by
where p.organization_id = %(org)s
"""


def _project(ctx: RequestContext, row: dict) -> Project:
    return Project(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        visibility=row["visibility"],
        status=row["status"],
        owner_id=row["owner_id"],
        owner_name=row["owner_name"],
        conversation_count=int(row["conversation_count"]),
        open_tasks=int(row["open_tasks"]),
        last_activity=row["last_activity"],
        can_edit=may_edit(ctx, row["owner_id"] or None),
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def list_projects(
    *, ctx: RequestContext, search: str = "", include_archived: bool = False
) -> list[Project]:
    """Projects of the current organization the user may see, most recently active first."""
    query = _SELECT
    params: dict[str, object] = {"org": ctx.org_id}
    if not include_archived:
        query += " and p.status = 'active'"
    if term := clean_line(search, label="the search", field="search", min_len=0)[: PROJECT_NAME.max_len]:
        query += " and p.name ilike %(term)s"
        params["term"] = _like(term)
    query += " order by last_activity desc, p.name limit 500"
    async with tenant_session(ctx.user_id) as conn:
        rows = await (await conn.execute(query, params)).fetchall()
    return [_project(ctx, row) for row in rows]


async def fetch_project(conn: AsyncConnection, ctx: RequestContext, project_id: str) -> Project:
    row = await (
        await conn.execute(_SELECT + " and p.id = %(id)s", {"org": ctx.org_id, "id": parse_id(project_id)})
    ).fetchone()
    return _project(ctx, expect_row(row, not_found=PROJECT_NOT_FOUND))


async def get_project(*, ctx: RequestContext, project_id: str) -> Project:
    async with tenant_session(ctx.user_id) as conn:
        return await fetch_project(conn, ctx, project_id)


async def create_project(
    *, ctx: RequestContext, name: str, description: str = "", visibility: str = "shared"
) -> Project:
    ctx.require(Role.MEMBER, "create projects")
    values = (ctx.org_id, clean_name(name), clean_description(description), clean_visibility(visibility))
    async with tenant_session(ctx.user_id) as conn:
        row = await (
            await conn.execute(
                "insert into public.projects (organization_id, name, description, visibility, created_by)"
                " values (%s, %s, %s, %s, app.current_user_id()) returning id::text as id",
                values,
            )
        ).fetchone()
        return await fetch_project(conn, ctx, row["id"])


async def _editable(conn: AsyncConnection, ctx: RequestContext, project_id: str) -> Project:
    project = await fetch_project(conn, ctx, project_id)
    if not project.can_edit:
        raise Forbidden(EDIT_FORBIDDEN)
    return project


async def _update(ctx: RequestContext, project_id: str, column: str, value: str) -> Project:
    assert column in {"name", "visibility", "status"}
    async with tenant_session(ctx.user_id) as conn:
        project = await _editable(conn, ctx, project_id)
        cursor = await conn.execute(
            sql.SQL("update public.projects set {} = %s where organization_id = %s and id = %s").format(
                sql.Identifier(column)
            ),
            (value, ctx.org_id, project.id),
        )
        expect_rowcount(cursor, not_found=PROJECT_NOT_FOUND)
        return await fetch_project(conn, ctx, project.id)


async def rename_project(*, ctx: RequestContext, project_id: str, name: str) -> Project:
    return await _update(ctx, project_id, "name", clean_name(name))


async def set_visibility(*, ctx: RequestContext, project_id: str, visibility: str) -> Project:
    return await _update(ctx, project_id, "visibility", clean_visibility(visibility))


async def set_archived(*, ctx: RequestContext, project_id: str, archived: bool) -> Project:
    return await _update(ctx, project_id, "status", "archived" if archived else "active")


async def delete_project(*, ctx: RequestContext, project_id: str) -> None:
    """Deletes the project with its conversations, messages and tasks (FK cascade)."""
    async with tenant_session(ctx.user_id) as conn:
        project = await _editable(conn, ctx, project_id)
        cursor = await conn.execute(
            "delete from public.projects where organization_id = %s and id = %s", (ctx.org_id, project.id)
        )
        expect_rowcount(cursor, not_found=PROJECT_NOT_FOUND)


async def require_active(conn: AsyncConnection, ctx: RequestContext, project_id: str) -> Project:
    """A visible, non-archived project (for adding conversations or tasks)."""
    project = await fetch_project(conn, ctx, project_id)
    if project.archived:
        raise Invalid(ARCHIVED)
    return project
