"""The paywall holds where the work happens, not only at page loads.

A member of an organization whose subscription is pending or cancelled sends the chat, project and
task events straight over the websocket (no UI, no on_load), with the state tree of a conversation
page they opened while the organization was still active. Every event is refused with the sentence
the pages show, nothing is stored, and the local Anthropic server (paid by the server's key) is never
called. Pages of such an organization send no data at all: the guard's redirect is the whole answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from playwright.sync_api import Page, expect

from state.chat import ChatState
from state.chat_stream import ChatTurnState
from state.projects import ProjectDetailState, ProjectsState
from tests.e2e_billing.conftest import set_billing
from tests.e2e_support import sign_in
from tests.reflex_socket import HandshakeRecorder, ReflexSocket, event_name

PAUSED = "Skopx is paused for this organization."


@dataclass(frozen=True)
class Case:
    slug: str
    email: str
    status: str
    restored: str  # the org's seeded status, put back afterwards
    landing: str


CASES = {
    "pending": Case("globex", "owner@globex.test", "pending", "pending", "/pricing"),
    "canceled": Case("acme", "member@acme.test", "canceled", "active", "/billing/inactive"),
}


def _admin_url() -> str:
    from backend.config import get_settings
    from backend.db.urls import resolve_urls

    return resolve_urls(get_settings()).admin


@dataclass(frozen=True)
class Workspace:
    """The user's own conversation, its project, one task, and counts of everything an event could add."""

    conversation_id: str
    project_id: str
    task_id: str

    @staticmethod
    def of(case: Case) -> Workspace:
        with psycopg.connect(_admin_url()) as conn:
            conversation_id, project_id = conn.execute(
                "select c.id::text, c.project_id::text from conversations c"
                " join users u on u.id = c.created_by join organizations o on o.id = c.organization_id"
                " where o.slug = %s and u.email = %s order by c.created_at limit 1",
                (case.slug, case.email),
            ).fetchone()
            task_id = conn.execute(
                "select t.id::text from tasks t join organizations o on o.id = t.organization_id"
                " where o.slug = %s order by t.created_at limit 1",
                (case.slug,),
            ).fetchone()[0]
        return Workspace(conversation_id, project_id, task_id)


def snapshot(slug: str) -> tuple:
    """Every row of the organization that the refused events could have written, as plain values."""
    with psycopg.connect(_admin_url()) as conn:
        return tuple(
            conn.execute(
                f"select {columns} from {table} x join organizations o on o.id = x.organization_id"
                " where o.slug = %s order by 1",
                (slug,),
            ).fetchall()
            for table, columns in (
                ("messages", "x.id::text, x.content, x.status"),
                ("conversations", "x.id::text, x.title"),
                ("projects", "x.id::text, x.name, x.visibility, x.status"),
                ("tasks", "x.id::text, x.title, x.status"),
            )
        )


@pytest.fixture(params=list(CASES))
def case(request, app_url) -> Iterator[Case]:
    chosen = CASES[request.param]
    set_billing(chosen.slug, "active")
    yield chosen
    set_billing(chosen.slug, chosen.restored)


def test_every_work_event_sent_over_the_websocket_is_refused(
    page: Page, app_url: str, case: Case, fake_anthropic
) -> None:
    work = Workspace.of(case)
    recorder = HandshakeRecorder(page)
    conversation = f"/chat/{work.conversation_id}"
    sign_in(page, app_url, case.email, next_path=conversation)
    expect(page.get_by_role("textbox", name="Message")).to_be_visible(timeout=20_000)
    handshake = recorder.latest(page, app_url)  # this tab's state tree holds the open conversation

    set_billing(case.slug, case.status)
    before, model_calls = snapshot(case.slug), len(fake_anthropic.script.requests)
    events = [
        (event_name(ChatTurnState, "send"), {"form_data": {"message": "Answer on the server's key"}}),
        (event_name(ChatTurnState, "retry"), {}),
        (event_name(ChatState, "rename"), {"form_data": {"title": "Renamed behind the paywall"}}),
        (event_name(ChatState, "new_conversation"), {"form_data": {"project_id": work.project_id}}),
        (event_name(ChatState, "delete"), {}),
        (event_name(ProjectsState, "create"), {"form_data": {"name": "Made behind the paywall"}}),
        (event_name(ProjectsState, "set_archived"), {"project_id": work.project_id, "archived": True}),
        (
            event_name(ProjectsState, "set_visibility"),
            {"project_id": work.project_id, "visibility": "private"},
        ),
        (event_name(ProjectDetailState, "set_task_status"), {"task_id": work.task_id, "status": "done"}),
        (event_name(ProjectDetailState, "delete_task"), {"task_id": work.task_id}),
    ]
    with ReflexSocket(handshake, forwarded_for="198.51.100.21", path=conversation) as socket:
        socket.settle(2)
        for name, payload in events:
            socket.send(name, **payload)
        seen = socket.settle(4)

    assert seen.count(PAUSED) >= len(events) - 1, seen[-2000:]  # retry and send share one toast var
    assert snapshot(case.slug) == before
    assert len(fake_anthropic.script.requests) == model_calls


def test_a_data_page_of_a_paused_org_sends_no_data(page: Page, app_url: str, case: Case) -> None:
    set_billing(case.slug, case.status)
    sign_in(
        page,
        app_url,
        case.email,
        next_path="/billing",  # reachable whatever the subscription
        ready=lambda p: p.get_by_role("combobox", name="Switch organization"),
    )
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    page.goto(f"{app_url}/projects")
    expect(page).to_have_url(re.compile(re.escape(app_url + case.landing) + "/?$"), timeout=20_000)
    with psycopg.connect(_admin_url()) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "select p.name from projects p join organizations o on o.id = p.organization_id where o.slug = %s",
                (case.slug,),
            )
        ]
    received = "\n".join(frames)
    assert names and not [name for name in names if name in received]
