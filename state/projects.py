"""Projects list and one project's page (its conversations and tasks)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from backend import limits, routes
from backend.errors import NotFound
from backend.services import conversations, projects, tasks
from state.base import AppState
from state.chat import ago
from state.handlers import guarded, handles_errors


@dataclasses.dataclass
class ProjectView:
    id: str
    name: str
    description: str
    visibility: str
    archived: bool
    owner_name: str
    last_activity: str
    conversations: int
    open_tasks: int
    can_edit: bool
    summary: str = ""


@dataclasses.dataclass
class TaskView:
    id: str
    title: str
    status: str
    status_label: str
    done: bool
    can_edit: bool


@dataclasses.dataclass
class ConversationRow:
    id: str
    title: str
    creator_name: str
    when: str


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def project_view(p: projects.Project) -> ProjectView:
    summary = (
        f"{p.owner_name} · {_plural(p.conversation_count, 'conversation')} · "
        f"{_plural(p.open_tasks, 'open task')} · active {ago(p.last_activity)}"
    )
    return ProjectView(
        summary=summary,
        id=p.id,
        name=p.name,
        description=p.description,
        visibility=p.visibility,
        archived=p.archived,
        owner_name=p.owner_name,
        last_activity=ago(p.last_activity),
        conversations=p.conversation_count,
        open_tasks=p.open_tasks,
        can_edit=p.can_edit,
    )


class ProjectsState(AppState):
    items: list[ProjectView] = []
    search: str = ""
    show_archived: bool = False
    loading: bool = True
    create_open: bool = False
    target_id: str = ""
    target_name: str = ""
    rename_open: bool = False
    delete_open: bool = False

    async def _reload(self, ctx=None) -> None:
        ctx = ctx or await self._context()
        found = await projects.list_projects(ctx=ctx, search=self.search, include_archived=self.show_archived)
        self.items = [project_view(p) for p in found]
        self.loading = False

    @rx.event
    @guarded
    async def load(self):
        self.loading, self.create_open, self.rename_open, self.delete_open = True, False, False, False
        try:
            await self._reload()
        finally:
            self.loading = False

    @rx.event
    @handles_errors()
    async def set_search(self, value: str):
        self.search = value[: limits.PROJECT_NAME.max_len]
        await self._reload()

    @rx.event
    @handles_errors()
    async def set_show_archived(self, value: bool):
        self.show_archived = bool(value)
        await self._reload()

    @rx.event
    def set_create_open(self, value: bool):
        self.create_open = value

    @rx.event
    def set_rename_open(self, value: bool):
        self.rename_open = value

    @rx.event
    def set_delete_open(self, value: bool):
        self.delete_open = value

    @rx.event
    def ask_rename(self, project_id: str, name: str):
        self.target_id, self.target_name, self.rename_open = project_id, name, True

    @rx.event
    def ask_delete(self, project_id: str, name: str):
        self.target_id, self.target_name, self.delete_open = project_id, name, True

    @rx.event
    @handles_errors()
    async def create(self, form_data: dict):
        ctx = await self._context()
        created = await projects.create_project(
            ctx=ctx,
            name=str(form_data.get("name") or ""),
            description=str(form_data.get("description") or ""),
            visibility=str(form_data.get("visibility") or "shared"),
        )
        await self._reload(ctx)
        self.create_open = False
        self._toast(f"Project “{created.name}” created.", "success")

    async def _change(self, action, done: str) -> None:
        ctx = await self._context()
        changed = await action(ctx)
        await self._reload(ctx)
        self._toast(done.format(name=getattr(changed, "name", self.target_name)), "success")

    @rx.event
    @handles_errors()
    async def rename(self, form_data: dict):
        ctx = await self._context()
        renamed = await projects.rename_project(
            ctx=ctx, project_id=self.target_id, name=str(form_data.get("title") or "")
        )
        await self._reload(ctx)
        self.rename_open = False
        self._toast(f"Renamed to “{renamed.name}”.", "success")

    @rx.event
    @handles_errors()
    async def set_visibility(self, project_id: str, visibility: str):
        return await self._change(
            lambda ctx: projects.set_visibility(ctx=ctx, project_id=project_id, visibility=visibility),
            f"“{{name}}” is now {visibility}.",
        )

    @rx.event
    @handles_errors()
    async def set_archived(self, project_id: str, archived: bool):
        return await self._change(
            lambda ctx: projects.set_archived(ctx=ctx, project_id=project_id, archived=archived),
            "“{name}” archived." if archived else "“{name}” restored.",
        )

    @rx.event
    @handles_errors()
    async def delete(self):
        self.delete_open = False

        async def remove(ctx):
            await projects.delete_project(ctx=ctx, project_id=self.target_id)

        return await self._change(remove, "“{name}” deleted.")


class ProjectDetailState(AppState):
    project: ProjectView = ProjectView("", "", "", "shared", False, "", "", 0, 0, False)
    conversation_rows: list[ConversationRow] = []
    task_rows: list[TaskView] = []
    loading: bool = True
    not_found: bool = False
    task_statuses: list[dict[str, str]] = [
        {"value": v, "label": label} for v, label in tasks.STATUS_LABELS.items()
    ]

    async def _reload(self, ctx=None) -> None:
        ctx = ctx or await self._context()
        project_id = self.project_id  # the [project_id] segment of routes.PROJECT_PATTERN
        self.project = project_view(await projects.get_project(ctx=ctx, project_id=project_id))
        found = await conversations.list_conversations(ctx=ctx, project_id=project_id)
        self.conversation_rows = [
            ConversationRow(c.id, c.title, c.creator_name, ago(c.updated_at)) for c in found
        ]
        self.task_rows = [
            TaskView(t.id, t.title, t.status, t.status_label, t.done, t.can_edit)
            for t in await tasks.list_tasks(ctx=ctx, project_id=project_id)
        ]

    @rx.event
    @guarded
    async def load(self):
        self.loading, self.not_found = True, False
        try:
            await self._reload()
        except NotFound:
            self.not_found = True
        finally:
            self.loading = False

    @rx.event
    @handles_errors()
    async def new_conversation(self):
        created = await conversations.create_conversation(
            ctx=await self._context(), project_id=self.project.id
        )
        return rx.redirect(routes.conversation(created.id))

    @rx.event
    @handles_errors()
    async def add_task(self, form_data: dict):
        ctx = await self._context()
        await tasks.add_task(ctx=ctx, project_id=self.project.id, title=str(form_data.get("title") or ""))
        await self._reload(ctx)
        return rx.set_value("new-task", "")

    @rx.event
    @handles_errors()
    async def set_task_status(self, task_id: str, status: str):
        ctx = await self._context()
        await tasks.set_task_status(ctx=ctx, task_id=task_id, status=status)
        await self._reload(ctx)

    @rx.event
    @handles_errors()
    async def delete_task(self, task_id: str):
        ctx = await self._context()
        await tasks.delete_task(ctx=ctx, task_id=task_id)
        await self._reload(ctx)
        self._toast("Task deleted.", "success")
