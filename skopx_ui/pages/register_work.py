"""Projects and chat pages."""

import reflex as rx

from skopx_ui.pages import chat, conversation, project_detail, projects
from skopx_ui.pages.shell import protected
from state import routes
from state.chat import ChatState
from state.projects import ProjectDetailState, ProjectsState


def _page(content, *, active: str, name: str):
    page = protected(content, active=active)
    page.__name__ = name
    return page


def register(app: rx.App) -> None:
    app.add_page(
        _page(chat.content, active="chat", name="chat_page"),
        route=routes.CHAT,
        title="Chat — Skopx",
        on_load=ChatState.load_index,
    )
    app.add_page(
        _page(conversation.content, active="chat", name="conversation_page"),
        route=f"{routes.CHAT}/[conversation_id]",
        title="Conversation — Skopx",
        on_load=ChatState.load_conversation,
    )
    app.add_page(
        _page(projects.content, active="projects", name="projects_page"),
        route=routes.PROJECTS,
        title="Projects — Skopx",
        on_load=ProjectsState.load,
    )
    app.add_page(
        _page(project_detail.content, active="projects", name="project_detail_page"),
        route=f"{routes.PROJECTS}/[project_id]",
        title="Project — Skopx",
        on_load=ProjectDetailState.load,
    )
