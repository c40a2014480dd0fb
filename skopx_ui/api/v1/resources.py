"""The resources of /api/v1: each operation calls one service and shapes its answer; the table at the
end is the API (routes and OpenAPI document are both built from it)."""

from __future__ import annotations

from backend import routes
from backend.services import conversations, organizations, profile, projects, tasks
from skopx_ui.api.v1 import schemas
from skopx_ui.api.v1.chat import send_message
from skopx_ui.api.v1.dispatch import Call, Endpoint


# ---------------------------------------------------------------- who and where
async def get_me(call: Call) -> schemas.Me:
    ctx = call.ctx
    person = await profile.get_profile(user_id=ctx.user_id)
    organization = await organizations.get_organization(ctx=ctx)
    return schemas.Me(
        id=ctx.user_id,
        email=person.email,
        name=person.name,
        organization=schemas.OrganizationRef(id=organization.id, name=organization.name),
        role=ctx.role.value,
        via=call.caller.via,
    )


async def list_organizations(call: Call) -> schemas.Organizations:
    """A token reaches its own organization only; a session lists every one of its user's."""
    if call.caller.user is None:
        organization = await organizations.get_organization(ctx=call.ctx)
        items = [schemas.Organization(id=organization.id, name=organization.name, role=call.ctx.role.value)]
    else:
        memberships = call.caller.user.memberships
        items = [schemas.Organization(id=m.org_id, name=m.name, role=m.role.value) for m in memberships]
    return schemas.Organizations(items=items)


# ---------------------------------------------------------------- projects
async def list_projects(call: Call) -> schemas.Projects:
    found = await projects.list_projects(
        ctx=call.ctx, search=call.query("search"), include_archived=call.flag("include_archived")
    )
    return schemas.Projects(items=[schemas.Project.model_validate(p) for p in found])


async def create_project(call: Call) -> schemas.Project:
    body: schemas.ProjectCreate = call.body
    created = await projects.create_project(
        ctx=call.ctx, name=body.name, description=body.description, visibility=body.visibility
    )
    return schemas.Project.model_validate(created)


async def get_project(call: Call) -> schemas.Project:
    return schemas.Project.model_validate(
        await projects.get_project(ctx=call.ctx, project_id=call.path["project_id"])
    )


async def update_project(call: Call) -> schemas.Project:
    """Each given field is one change, applied in order: name, visibility, then archived."""
    body: schemas.ProjectUpdate = call.body
    project_id = call.path["project_id"]
    project = await projects.get_project(ctx=call.ctx, project_id=project_id)
    if body.name is not None:
        project = await projects.rename_project(ctx=call.ctx, project_id=project_id, name=body.name)
    if body.visibility is not None:
        project = await projects.set_visibility(
            ctx=call.ctx, project_id=project_id, visibility=body.visibility
        )
    if body.archived is not None:
        project = await projects.set_archived(ctx=call.ctx, project_id=project_id, archived=body.archived)
    return schemas.Project.model_validate(project)


async def delete_project(call: Call) -> None:
    await projects.delete_project(ctx=call.ctx, project_id=call.path["project_id"])


# ---------------------------------------------------------------- tasks
async def list_tasks(call: Call) -> schemas.Tasks:
    found = await tasks.list_tasks(ctx=call.ctx, project_id=call.path["project_id"])
    return schemas.Tasks(items=[schemas.Task.model_validate(t) for t in found])


async def create_task(call: Call) -> schemas.Task:
    body: schemas.TaskCreate = call.body
    return schemas.Task.model_validate(
        await tasks.add_task(ctx=call.ctx, project_id=call.path["project_id"], title=body.title)
    )


async def update_task(call: Call) -> schemas.Task:
    body: schemas.TaskUpdate = call.body
    return schemas.Task.model_validate(
        await tasks.set_task_status(ctx=call.ctx, task_id=call.path["task_id"], status=body.status)
    )


async def delete_task(call: Call) -> None:
    await tasks.delete_task(ctx=call.ctx, task_id=call.path["task_id"])


# ---------------------------------------------------------------- conversations
async def list_conversations(call: Call) -> schemas.Conversations:
    project_id = call.query("project_id") or None
    if project_id is not None:
        project_id = projects.parse_id(project_id)
    found = await conversations.list_conversations(ctx=call.ctx, project_id=project_id)
    return schemas.Conversations(items=[schemas.Conversation.model_validate(c) for c in found])


async def create_conversation(call: Call) -> schemas.Conversation:
    body: schemas.ConversationCreate = call.body
    extra = {"title": body.title} if body.title is not None else {}
    created = await conversations.create_conversation(ctx=call.ctx, project_id=body.project_id, **extra)
    return schemas.Conversation.model_validate(created)


async def get_conversation(call: Call) -> schemas.Conversation:
    found = await conversations.get_conversation(ctx=call.ctx, conversation_id=call.path["conversation_id"])
    return schemas.Conversation.model_validate(found)


async def delete_conversation(call: Call) -> None:
    await conversations.delete_conversation(ctx=call.ctx, conversation_id=call.path["conversation_id"])


async def list_messages(call: Call) -> schemas.Messages:
    conversation, messages = await conversations.get_messages(
        ctx=call.ctx, conversation_id=call.path["conversation_id"]
    )
    return schemas.Messages(
        conversation=schemas.Conversation.model_validate(conversation),
        items=[schemas.Message.model_validate(m) for m in messages],
    )


PROJECTS, TASKS, CONVERSATIONS, ACCOUNT = "Projects", "Tasks", "Conversations", "Account"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "GET",
        routes.V1_ME,
        "Who the request acts for, where, and with which role",
        ACCOUNT,
        get_me,
        returns=schemas.Me,
    ),
    Endpoint(
        "GET",
        routes.V1_ORGANIZATIONS,
        "The organizations the caller can reach",
        ACCOUNT,
        list_organizations,
        returns=schemas.Organizations,
    ),
    Endpoint(
        "GET",
        routes.V1_PROJECTS,
        "Projects you can see, most recently active first",
        PROJECTS,
        list_projects,
        returns=schemas.Projects,
        query={
            "search": "Only projects whose name contains this.",
            "include_archived": "true to include archived projects.",
        },
    ),
    Endpoint(
        "POST",
        routes.V1_PROJECTS,
        "Create a project",
        PROJECTS,
        create_project,
        body=schemas.ProjectCreate,
        returns=schemas.Project,
        status=201,
    ),
    Endpoint("GET", routes.V1_PROJECT, "One project", PROJECTS, get_project, returns=schemas.Project),
    Endpoint(
        "PATCH",
        routes.V1_PROJECT,
        "Rename, share or make private, archive or restore a project",
        PROJECTS,
        update_project,
        body=schemas.ProjectUpdate,
        returns=schemas.Project,
    ),
    Endpoint("DELETE", routes.V1_PROJECT, "Delete a project and everything in it", PROJECTS, delete_project),
    Endpoint("GET", routes.V1_PROJECT_TASKS, "A project's tasks", TASKS, list_tasks, returns=schemas.Tasks),
    Endpoint(
        "POST",
        routes.V1_PROJECT_TASKS,
        "Add a task to a project",
        TASKS,
        create_task,
        body=schemas.TaskCreate,
        returns=schemas.Task,
        status=201,
    ),
    Endpoint(
        "PATCH",
        routes.V1_TASK,
        "Move a task to do, doing or done",
        TASKS,
        update_task,
        body=schemas.TaskUpdate,
        returns=schemas.Task,
    ),
    Endpoint("DELETE", routes.V1_TASK, "Delete a task", TASKS, delete_task),
    Endpoint(
        "GET",
        routes.V1_CONVERSATIONS,
        "Conversations you can see, most recent first",
        CONVERSATIONS,
        list_conversations,
        returns=schemas.Conversations,
        query={"project_id": "Only the conversations of this project."},
    ),
    Endpoint(
        "POST",
        routes.V1_CONVERSATIONS,
        "Start a conversation in a project",
        CONVERSATIONS,
        create_conversation,
        body=schemas.ConversationCreate,
        returns=schemas.Conversation,
        status=201,
    ),
    Endpoint(
        "GET",
        routes.V1_CONVERSATION,
        "One conversation",
        CONVERSATIONS,
        get_conversation,
        returns=schemas.Conversation,
    ),
    Endpoint("DELETE", routes.V1_CONVERSATION, "Delete a conversation", CONVERSATIONS, delete_conversation),
    Endpoint(
        "GET",
        routes.V1_MESSAGES,
        "A conversation's latest messages, oldest first",
        CONVERSATIONS,
        list_messages,
        returns=schemas.Messages,
    ),
    Endpoint(
        "POST",
        routes.V1_MESSAGES,
        "Send a message and get Claude's reply (as Server-Sent Events with Accept: text/event-stream)",
        CONVERSATIONS,
        send_message,
        body=schemas.MessageCreate,
        returns=schemas.Exchange,
        status=201,
        errors=(409, 502, 504),
        streams=True,
    ),
)
