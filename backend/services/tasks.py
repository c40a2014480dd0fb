"""A project's simple task list: title and status (to do, doing, done)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.db.errors import expect_row, expect_rowcount
from backend.db.session import tenant_session
from backend.errors import Forbidden, Invalid
from backend.limits import TASK_STATUSES, TASK_TITLE
from backend.rbac import Role
from backend.services.context import RequestContext
from backend.services.projects import fetch_project, may_edit, parse_id, require_active
from backend.text import clean_line

STATUS_LABELS = {"todo": "To do", "doing": "Doing", "done": "Done"}
TASK_NOT_FOUND = "We couldn't find that task. It may have been deleted."
TASK_FORBIDDEN = "Only the task's creator or an admin can change it."


@dataclass(frozen=True)
class Task:
    id: str
    project_id: str
    title: str
    status: str
    created_by: str
    can_edit: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def done(self) -> bool:
        return self.status == "done"


def clean_title(title: str | None) -> str:
    return clean_line(
        title,
        label="the task title",
        field="title",
        min_len=TASK_TITLE.min_len,
        max_len=TASK_TITLE.max_len,
        length_error=f"Give the task a title of {TASK_TITLE.min_len}–{TASK_TITLE.max_len} characters.",
    )


def clean_status(status: str | None) -> str:
    value = (status or "").strip().lower()
    if value not in TASK_STATUSES:
        raise Invalid("A task is to do, doing or done.", field="status")
    return value


_SELECT = (
    "select id::text as id, project_id::text as project_id, title, status,"
    " coalesce(created_by::text, '') as created_by from public.tasks where organization_id = %s"
)


def _task(ctx: RequestContext, row: dict) -> Task:
    return Task(
        id=row["id"],
        project_id=row["project_id"],
        title=row["title"],
        status=row["status"],
        created_by=row["created_by"],
        can_edit=may_edit(ctx, row["created_by"] or None),
    )


async def list_tasks(*, ctx: RequestContext, project_id: str) -> list[Task]:
    async with tenant_session(ctx.user_id) as conn:
        project = await fetch_project(conn, ctx, project_id)
        rows = await (
            await conn.execute(
                _SELECT + " and project_id = %s order by created_at, id", (ctx.org_id, project.id)
            )
        ).fetchall()
    return [_task(ctx, row) for row in rows]


async def add_task(*, ctx: RequestContext, project_id: str, title: str) -> Task:
    ctx.require(Role.MEMBER, "add tasks")
    cleaned = clean_title(title)
    async with tenant_session(ctx.user_id) as conn:
        project = await require_active(conn, ctx, project_id)
        row = await (
            await conn.execute(
                "insert into public.tasks (organization_id, project_id, title, created_by)"
                " values (%s, %s, %s, app.current_user_id())"
                " returning id::text as id, project_id::text as project_id, title, status,"
                " created_by::text as created_by",
                (ctx.org_id, project.id, cleaned),
            )
        ).fetchone()
    return _task(ctx, row)


async def _editable(conn, ctx: RequestContext, task_id: str) -> Task:
    row = await (await conn.execute(_SELECT + " and id = %s", (ctx.org_id, parse_id(task_id)))).fetchone()
    task = _task(ctx, expect_row(row, not_found=TASK_NOT_FOUND))
    if not task.can_edit:
        raise Forbidden(TASK_FORBIDDEN)
    return task


async def set_task_status(*, ctx: RequestContext, task_id: str, status: str) -> Task:
    value = clean_status(status)
    async with tenant_session(ctx.user_id) as conn:
        task = await _editable(conn, ctx, task_id)
        cursor = await conn.execute(
            "update public.tasks set status = %s where organization_id = %s and id = %s",
            (value, ctx.org_id, task.id),
        )
        expect_rowcount(cursor, not_found=TASK_NOT_FOUND)
    return Task(**{**task.__dict__, "status": value})


async def delete_task(*, ctx: RequestContext, task_id: str) -> None:
    async with tenant_session(ctx.user_id) as conn:
        task = await _editable(conn, ctx, task_id)
        cursor = await conn.execute(
            "delete from public.tasks where organization_id = %s and id = %s", (ctx.org_id, task.id)
        )
        expect_rowcount(cursor, not_found=TASK_NOT_FOUND)
