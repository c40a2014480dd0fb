"""/api/v1 through its real Starlette routes and the security middleware, on the real database and the
real Anthropic SDK pointed at the local fake: tokens, tenants, roles, limits and bad input first."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from backend import routes
from backend.config import get_settings
from backend.llm.demo.server import start_fake_anthropic
from backend.ratelimit import API
from backend.services import access_tokens
from skopx_ui.api import build_api
from skopx_ui.middleware import SecurityMiddleware
from tests.integration.factories import Person, new_team, person

KEY = "sk-ant-test-api-v1-000000000000000000000000"


@pytest.fixture(scope="module")
def fake():
    with start_fake_anthropic(valid_keys=(KEY,), tokens_per_second=0) as server:
        yield server


@pytest.fixture
def claude(fake, monkeypatch: pytest.MonkeyPatch):
    """The app's settings point chat at the local fake, paid by a server key."""
    fake.script.reset()
    fake.script.valid_keys = {KEY}
    fake.script.tokens_per_second = 0
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("SKOPX_FAKE_LLM", "0")
    get_settings.cache_clear()
    yield fake.script
    monkeypatch.undo()
    get_settings.cache_clear()


APP = SecurityMiddleware(build_api())


def client_from(address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=APP, client=(address, 40_000))
    return httpx.AsyncClient(transport=transport, base_url=f"http://localhost{routes.API_V1}")


def fresh_address() -> str:
    return f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    async with client_from(fresh_address()) as client:
        yield client


async def token_of(someone: Person, ceiling: str, org_id: str | None = None) -> dict[str, str]:
    """A token of `someone` in `org_id` (by default their personal organization, which they own)."""
    ctx = await someone.ctx(org_id)
    created = await access_tokens.create_token(ctx=ctx, name="tests", role_ceiling=ceiling, expires_in_days=7)
    return {"Authorization": f"Bearer {created.secret}"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and body["detail"], body
    assert "Traceback" not in response.text
    assert response.headers["X-RateLimit-Limit"] == str(API.limit)
    return body


@pytest.fixture(scope="module")
async def acme() -> dict[str, Person]:
    return await new_team()


@pytest.fixture(scope="module")
async def globex() -> dict[str, Person]:
    return await new_team()


# ---------------------------------------------------------------- no, or bad, credentials
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer skopx_pat_short",
        "Bearer " + "x" * 5000,
        "Bearer a\tb",
    ],
)
async def test_requests_without_a_valid_token_are_refused(api: httpx.AsyncClient, authorization) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    body = assert_error(await api.get(routes.V1_PROJECTS, headers=headers), 401, "unauthenticated")
    assert "API token" in body["detail"]


async def test_a_revoked_token_is_refused_on_its_next_request(api, acme) -> None:
    ctx = await acme["member"].ctx()
    created = await access_tokens.create_token(ctx=ctx, name="ci", role_ceiling="member", expires_in_days=7)
    headers = {"Authorization": f"Bearer {created.secret}"}
    assert (await api.get(routes.V1_ME, headers=headers)).status_code == 200
    await access_tokens.revoke_token(user_id=ctx.user_id, token_id=created.token.id)
    assert_error(await api.get(routes.V1_ME, headers=headers), 401, "unauthenticated")


async def test_globex_token_gets_404_for_every_acme_id(api, acme, globex) -> None:
    acme_headers = await token_of(acme["owner"], "owner")
    project = (await api.post(routes.V1_PROJECTS, json={"name": "Acme secret"}, headers=acme_headers)).json()
    task = (
        await api.post(
            f"{routes.V1_PROJECTS}/{project['id']}/tasks", json={"title": "t"}, headers=acme_headers
        )
    ).json()
    conversation = (
        await api.post(routes.V1_CONVERSATIONS, json={"project_id": project["id"]}, headers=acme_headers)
    ).json()
    intruder = await token_of(globex["owner"], "owner")
    p, t, c = project["id"], task["id"], conversation["id"]
    attempts = [
        ("GET", f"/projects/{p}", None),
        ("PATCH", f"/projects/{p}", {"name": "mine"}),
        ("DELETE", f"/projects/{p}", None),
        ("GET", f"/projects/{p}/tasks", None),
        ("POST", f"/projects/{p}/tasks", {"title": "x"}),
        ("PATCH", f"/tasks/{t}", {"status": "done"}),
        ("DELETE", f"/tasks/{t}", None),
        ("GET", f"/conversations/{c}", None),
        ("DELETE", f"/conversations/{c}", None),
        ("GET", f"/conversations/{c}/messages", None),
        ("POST", f"/conversations/{c}/messages", {"content": "hi"}),
        ("POST", "/conversations", {"project_id": p}),
    ]
    for method, path, body in attempts:
        response = await api.request(method, path, json=body, headers=intruder)
        assert_error(response, 404, "not_found")
    listed = (await api.get(f"{routes.V1_CONVERSATIONS}?project_id={p}", headers=intruder)).json()
    assert listed == {"items": []}
    assert p not in (await api.get(routes.V1_PROJECTS, headers=intruder)).text
    # And nothing changed for Acme.
    assert (await api.get(f"/projects/{p}", headers=acme_headers)).json()["name"] == "Acme secret"
    assert (await api.get(f"/tasks/{t}", headers=acme_headers)).status_code == 405


async def test_a_token_acts_in_its_own_organization_only(api, acme, globex) -> None:
    # The member of Globex also belongs to Acme; a Globex token stays in Globex, whatever it asks for.
    wanderer = globex["member"]
    from tests.integration.factories import join

    await join(acme["owner"], wanderer, "admin")
    headers = await token_of(wanderer, "member")
    me = (
        await api.get(routes.V1_ME, headers={**headers, "X-Skopx-Organization": acme["owner"].org_id})
    ).json()
    assert me["organization"]["id"] == wanderer.org_id and me["via"] == "token"
    orgs = (await api.get(routes.V1_ORGANIZATIONS, headers=headers)).json()["items"]
    assert [o["id"] for o in orgs] == [wanderer.org_id]


async def test_a_viewer_token_reads_but_cannot_write(api, acme) -> None:
    headers = await token_of(acme["admin"], "viewer", acme["owner"].org_id)
    assert (await api.get(routes.V1_PROJECTS, headers=headers)).status_code == 200
    assert_error(await api.post(routes.V1_PROJECTS, json={"name": "nope"}, headers=headers), 403, "forbidden")


async def test_a_token_loses_what_its_user_loses(api) -> None:
    team = await new_team()
    owner, admin = team["owner"], team["admin"]
    headers = await token_of(admin, "admin", owner.org_id)
    mine = (
        await api.post(routes.V1_PROJECTS, json={"name": "owner's"}, headers=await token_of(owner, "owner"))
    ).json()
    assert (
        await api.patch(f"/projects/{mine['id']}", json={"name": "by admin"}, headers=headers)
    ).status_code == 200
    from backend.services import members

    await members.change_role(ctx=await owner.ctx(), user_id=admin.user_id, role="member")
    assert (await api.get(routes.V1_ME, headers=headers)).json()["role"] == "member"
    assert_error(
        await api.patch(f"/projects/{mine['id']}", json={"name": "again"}, headers=headers), 403, "forbidden"
    )
    await members.remove_member(ctx=await owner.ctx(), user_id=admin.user_id)
    assert_error(await api.get(routes.V1_ME, headers=headers), 401, "unauthenticated")


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b"{not json", "application/json", 422, "invalid"),
        (b"[1, 2]", "application/json", 422, "invalid"),
        (b"{}", "application/json", 422, "invalid"),
        (b'{"name": 5}', "application/json", 422, "invalid"),
        (b'{"name": "ok", "owner": "me"}', "application/json", 422, "invalid"),
        (b'{"name": "a\\u0000b"}', "application/json", 422, "invalid"),
        (b'{"name": "\\ud800"}', "application/json", 422, "invalid"),
        (b'{"name": "   "}', "application/json", 422, "invalid"),
        (json.dumps({"name": "x" * 101}).encode(), "application/json", 422, "invalid"),
        (b'{"name": "ok", "visibility": "public"}', "application/json", 422, "invalid"),
        (b"\xff\xfe", "application/json", 422, "invalid"),
    ],
)
async def test_bad_bodies_get_a_sentence_and_nothing_is_stored(
    api, acme, content, content_type, status, code
) -> None:
    headers = {**(await token_of(acme["member"], "member")), "Content-Type": content_type}
    before = (await api.get(routes.V1_PROJECTS, headers=headers)).json()["items"]
    assert_error(await api.post(routes.V1_PROJECTS, content=content, headers=headers), status, code)
    assert (await api.get(routes.V1_PROJECTS, headers=headers)).json()["items"] == before


async def test_unknown_paths_ids_and_methods_answer_json(api, acme) -> None:
    headers = await token_of(acme["member"], "member")
    assert_error(await api.get("/nothing-here", headers=headers), 404, "not_found")
    assert_error(await api.get("/projects/not-a-uuid", headers=headers), 404, "not_found")
    assert_error(await api.get(f"/projects/{uuid.uuid4()}", headers=headers), 404, "not_found")
    refused = assert_error(
        await api.put(routes.V1_PROJECTS, json={}, headers=headers), 405, "method_not_allowed"
    )
    assert refused["detail"]
    assert_error(
        await api.get(f"{routes.V1_PROJECTS}?include_archived=maybe", headers=headers), 422, "invalid"
    )


# ---------------------------------------------------------------- limits
async def test_the_101st_request_in_a_minute_is_429_with_the_headers(acme) -> None:
    headers = await token_of(acme["viewer"], "viewer")
    async with client_from(fresh_address()) as api:
        answers = [await api.get(routes.V1_ME, headers=headers) for _ in range(API.limit)]
        assert all(a.status_code == 200 for a in answers)
        assert [int(a.headers["X-RateLimit-Remaining"]) for a in answers[-3:]] == [2, 1, 0]
        refused = await api.get(routes.V1_ME, headers=headers)
    body = assert_error(refused, 429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 and body["retry_after"] >= 1
    assert refused.headers["RateLimit-Policy"] == f"{API.limit};w={API.window_seconds}"
    assert refused.headers["RateLimit"].startswith(f"limit={API.limit}, remaining=0")


async def test_a_token_is_counted_per_token_across_clients(acme) -> None:
    headers = await token_of(acme["viewer"], "viewer")
    for _client in range(API.limit // 25):
        async with client_from(fresh_address()) as api:
            for _ in range(25):
                assert (await api.get(routes.V1_ME, headers=headers)).status_code == 200
    async with client_from(fresh_address()) as api:
        assert_error(await api.get(routes.V1_ME, headers=headers), 429, "rate_limited")
        # The new client itself still has its budget without the token.
        assert_error(await api.get(routes.V1_ME), 401, "unauthenticated")


async def test_a_burst_of_60_concurrent_requests_is_counted_exactly(acme) -> None:
    import asyncio

    headers = await token_of(acme["viewer"], "viewer")
    async with client_from(fresh_address()) as api:
        first = await asyncio.gather(*(api.get(routes.V1_ME, headers=headers) for _ in range(60)))
        second = await asyncio.gather(*(api.get(routes.V1_ME, headers=headers) for _ in range(60)))
    statuses = [r.status_code for r in (*first, *second)]
    assert statuses.count(200) == API.limit and statuses.count(429) == 20


# ---------------------------------------------------------------- the whole journey
async def test_projects_tasks_conversations_and_a_reply(api, claude) -> None:
    owner = await person("journey")
    headers = await token_of(owner, "owner")
    me = (await api.get(routes.V1_ME, headers=headers)).json()
    assert me["email"] == owner.email and me["role"] == "owner"
    created = await api.post(
        routes.V1_PROJECTS, json={"name": "Launch", "description": "Q3"}, headers=headers
    )
    assert created.status_code == 201
    project = created.json()
    renamed = await api.patch(
        f"/projects/{project['id']}", json={"name": "Launch 2", "archived": False}, headers=headers
    )
    assert renamed.json()["name"] == "Launch 2"
    task = (
        await api.post(f"/projects/{project['id']}/tasks", json={"title": "Write"}, headers=headers)
    ).json()
    assert (await api.patch(f"/tasks/{task['id']}", json={"status": "done"}, headers=headers)).json()[
        "status"
    ] == "done"
    conversation = (
        await api.post(
            routes.V1_CONVERSATIONS, json={"project_id": project["id"], "title": "Plan"}, headers=headers
        )
    ).json()
    claude.add_replies("Here is the plan.")
    sent = await api.post(
        f"/conversations/{conversation['id']}/messages", json={"content": "Plan it"}, headers=headers
    )
    assert sent.status_code == 201, sent.text
    exchange = sent.json()
    assert exchange["message"]["content"] == "Plan it" and exchange["reply"]["status"] == "complete"
    assert exchange["reply"]["content"]
    listed = (await api.get(f"/conversations/{conversation['id']}/messages", headers=headers)).json()
    assert [m["role"] for m in listed["items"]] == ["user", "assistant"]
    archived = await api.patch(f"/projects/{project['id']}", json={"archived": True}, headers=headers)
    assert archived.json()["archived"] is True
    assert project["id"] not in (await api.get(routes.V1_PROJECTS, headers=headers)).text
    assert (
        project["id"] in (await api.get(f"{routes.V1_PROJECTS}?include_archived=true", headers=headers)).text
    )
    refused = await api.post(
        f"/conversations/{conversation['id']}/messages", json={"content": "more"}, headers=headers
    )
    assert_error(refused, 422, "invalid")
    assert (await api.delete(f"/projects/{project['id']}", headers=headers)).status_code == 204
    assert_error(await api.get(f"/projects/{project['id']}", headers=headers), 404, "not_found")


async def test_a_reply_streams_as_server_sent_events(api, claude) -> None:
    owner = await person("stream")
    headers = await token_of(owner, "owner")
    project = (await api.post(routes.V1_PROJECTS, json={"name": "Stream"}, headers=headers)).json()
    conversation = (
        await api.post(routes.V1_CONVERSATIONS, json={"project_id": project["id"]}, headers=headers)
    ).json()
    path = f"/conversations/{conversation['id']}/messages"
    async with api.stream(
        "POST", path, json={"content": "Stream it"}, headers={**headers, "Accept": "text/event-stream"}
    ) as response:
        assert response.status_code == 201
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = (await response.aread()).decode()
    events = [block.split("\n", 1) for block in raw.strip().split("\n\n")]
    names = [name.removeprefix("event: ") for name, _ in events]
    assert names[0] == "message" and names[-1] == "reply" and "delta" in names
    deltas = "".join(
        json.loads(data.removeprefix("data: "))["text"] for name, data in events if name == "event: delta"
    )
    reply = json.loads(events[-1][1].removeprefix("data: "))
    assert reply["content"] == deltas and reply["status"] == "complete"
    # A refusal before the stream is plain JSON with its status.
    empty = await api.post(path, json={"content": "  "}, headers={**headers, "Accept": "text/event-stream"})
    assert_error(empty, 422, "invalid")


# ---------------------------------------------------------------- the browser's session
async def test_a_session_cookie_works_with_the_origin_check(api) -> None:
    someone = await person("cookie")
    cookie = {"Cookie": someone.cookie}
    me = (await api.get(routes.V1_ME, headers=cookie)).json()
    assert me["via"] == "session" and me["organization"]["id"] == someone.org_id
    foreign = await api.post(
        routes.V1_PROJECTS, json={"name": "x"}, headers={**cookie, "Origin": "https://evil.test"}
    )
    assert foreign.status_code == 403
    ours = await api.post(
        routes.V1_PROJECTS,
        json={"name": "x"},
        headers={**cookie, "Origin": get_settings().allowed_origins[0]},
    )
    assert ours.status_code == 201
    elsewhere = await api.get(routes.V1_ME, headers={**cookie, "X-Skopx-Organization": str(uuid.uuid4())})
    assert_error(elsewhere, 403, "forbidden")


async def test_a_session_signed_out_is_refused(api) -> None:
    from backend.services import accounts

    someone = await person("signed-out")
    await accounts.log_out(token=someone.token)
    assert_error(await api.get(routes.V1_ME, headers={"Cookie": someone.cookie}), 401, "unauthenticated")


async def test_the_openapi_document_describes_every_route(api) -> None:
    document = (await api.get(routes.V1_OPENAPI)).json()
    assert document["openapi"] == "3.1.0"
    from skopx_ui.api.v1.resources import ENDPOINTS

    described = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert described == {(e.method, e.path) for e in ENDPOINTS}


async def test_a_paused_organization_answers_402_to_its_tokens(api, admin, monkeypatch) -> None:
    owner = await person("paused")
    headers = await token_of(owner, "owner")
    admin.execute(
        "insert into organization_billing (organization_id, plan, status, seats) values (%s, 'team', 'canceled', 1)",
        (owner.org_id,),
    )
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_paused")
    get_settings.cache_clear()
    try:
        body = assert_error(await api.get(routes.V1_PROJECTS, headers=headers), 402, "billing_required")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert body["detail"].startswith("Skopx is paused for this organization.")
