"""Service objects to API answers."""

from __future__ import annotations

from backend.services.conversations import Conversation, Message
from backend.services.projects import Project
from backend.services.tasks import Task
from skopx_ui.api.v1 import schemas


def project_out(project: Project) -> schemas.Project:
    return schemas.Project(
        id=project.id,
        name=project.name,
        description=project.description,
        visibility=project.visibility,
        archived=project.archived,
        owner_id=project.owner_id,
        owner_name=project.owner_name,
        conversation_count=project.conversation_count,
        open_tasks=project.open_tasks,
        last_activity=project.last_activity,
        can_edit=project.can_edit,
    )


def task_out(task: Task) -> schemas.Task:
    return schemas.Task(
        id=task.id, project_id=task.project_id, title=task.title, status=task.status, can_edit=task.can_edit
    )


def conversation_out(conversation: Conversation) -> schemas.Conversation:
    return schemas.Conversation(
        id=conversation.id,
        title=conversation.title,
        project_id=conversation.project_id,
        project_name=conversation.project_name,
        created_by=conversation.created_by,
        updated_at=conversation.updated_at,
        can_manage=conversation.can_manage,
        can_chat=conversation.can_chat,
    )


def message_out(message: Message) -> schemas.Message:
    return schemas.Message(
        id=message.id,
        role=message.role,
        content=message.content,
        status=message.status,
        created_at=message.created_at,
    )
