"""Hostile text against every service entry point that takes user text, and against the sign-in and
sign-up routes, on the real database.

Each call either succeeds or raises `AppError`; a refused call leaves every table as it was (re-read
as superuser); nothing logs at error level; no route answers with a server error. What is stored is
clean: NFC, no control characters, no lone surrogates, and in names no bidi controls.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import Route

from backend.auth.passwords import hash_password
from backend.auth.tokens import session_cookie_name
from backend.config import get_settings
from backend.db.errors import UNSTORABLE_TEXT, translate
from backend.db.session import tenant_session
from backend.errors import AppError, Invalid, Unauthenticated
from backend.llm.titles import DEFAULT_TITLE
from backend.rbac import Role
from backend.services import (
    accounts,
    api_keys,
    chat,
    conversations,
    invitations,
    members,
    organizations,
    profile,
    projects,
    sessions,
    tasks,
)
from backend.services.context import RequestContext
from backend.text import storable
from skopx_ui.api import auth
from tests.integration.factories import ctx_for, new_user
from tests.integration.world import World

# Hypothesis warns when a falsifying example's repr is large; some strings here are 33,000 characters.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

ANTHROPIC_KEY = "sk-ant-hostile-text-" + "0" * 30
KNOWN_PASSWORD = "Known-password-1!"
VALID_PASSWORD = "Valid-password-2!"

# Characters and pieces a hostile or merely unusual client sends.
SPECIAL = [
    *"\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1c\x1f\x7f\x80\x85\x9f",
    "\r\n",
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",  # bidi embedding, override, isolate
    *"\u200e\u200f\u061c",  # bidi marks
    *"\u0301\u0308\u20dd",  # combining marks
    "e\u0301",
    "\u1100\u1161\u11a8",  # decomposed Hangul
    *"Ａ１＠　",  # fullwidth
    "😀",
    "👩\u200d💻",
    "🇫🇷",
    "\ufe0f",
    "שלום",
    "مرحبا",
    *"\u200b\u200d\ufeff\u00a0\u2028\u2029\ufffd\uffff\ufffe\ufdd0",
    "\U0010ffff",
    "\U000e0001",
    *"%_\\'\";@<>&",
    "--",
    "\u0130",  # İ: lower-cases to two code points
]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"]
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
ROLE_LIKE = ["viewer", " Member ", "ADMIN", "admin\x00", "owner\u202e", "\ud800", "member\u2068"]


def hostile(*, surrogates: bool = True) -> st.SearchStrategy[str]:
    pieces = SPECIAL + (SURROGATES if surrogates else [])
    # The characters that used to break things come up more often than the rest.
    worst = ["\x00", "\u202e", *(SURROGATES[:1] if surrogates else [])]
    fragment = st.one_of(
        st.sampled_from(worst), st.sampled_from(pieces), st.text(st.characters(codec="utf-8"), max_size=6)
    )
    short = st.lists(fragment, max_size=12).map("".join)
    long = st.builds(
        lambda piece, count, tail: piece * count + tail,
        st.sampled_from(["x", "é", "😀", " ", "\u202e", "ab "]),
        st.integers(90, 33_000),
        short,
    )
    return st.one_of(short, short, long)


HOSTILE = hostile()
NO_SURROGATES = hostile(surrogates=False)
# An HTTP header (the session cookie) arrives decoded as latin-1: no code point above U+00FF.
HEADER = st.text(st.characters(max_codepoint=0xFF), max_size=300)


def around(core: str) -> st.SearchStrategy[str]:
    """`core` wrapped in hostile pieces: sometimes valid after cleaning, often not."""
    return st.builds(
        lambda a, b: a + core + b, st.sampled_from(["", *SPECIAL]), st.sampled_from(["", *SPECIAL])
    )


def emails() -> st.SearchStrategy[str]:
    local = st.builds(lambda h: f"h{uuid.uuid4().hex[:10]}{h}", HOSTILE)
    return st.one_of(
        HOSTILE,
        st.builds(
            lambda name, host: f"{name}@{host}", local, st.sampled_from(["hostile.test", "ex\u00e4mple.test"])
        ),
        st.builds(
            lambda a, b: f"{a}h{uuid.uuid4().hex[:10]}@hostile.test{b}",
            st.sampled_from(["", *SPECIAL]),
            st.sampled_from(["", *SPECIAL]),
        ),
    )


# A valid address nobody has used, so that the other fields decide whether a sign-up gets stored.
FRESH_EMAIL = st.builds(lambda: f"s{uuid.uuid4().hex[:12]}@hostile.test")


def sign_up_fields(*, passwords: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, str]]:
    """A valid name, fresh address and password, with one of the three made hostile."""
    hostile_values = {"name": st.one_of(HOSTILE, around("Ana")), "email": emails(), "password": passwords}
    return st.sampled_from(sorted(hostile_values)).flatmap(
        lambda field: st.fixed_dictionaries(
            {
                "name": st.just("Ana"),
                "email": FRESH_EMAIL,
                "password": st.just(VALID_PASSWORD),
                field: hostile_values[field],
            }
        )
    )


FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BCRYPT = settings(FAST, max_examples=15)  # each sign-up or sign-in attempt spends ~0.25 s on bcrypt

TABLES = (
    "users",
    "user_profiles",
    "sessions",
    "user_api_keys",
    "organizations",
    "organization_members",
    "invitations",
    "projects",
    "tasks",
    "conversations",
    "messages",
    "usage_events",
    "audit_logs",
)


def snapshot(admin: psycopg.Connection) -> list[dict]:
    return admin.execute(
        " union all ".join(
            f"select '{table}' as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h"
            f" from public.{table} x"
            for table in TABLES
        )
    ).fetchall()


def assert_clean(value: str, *, multiline: bool = False) -> None:
    allowed = "\t\n" if multiline else ""
    assert value == unicodedata.normalize("NFC", value)
    assert not [c for c in value if unicodedata.category(c) in ("Cc", "Cs") and c not in allowed]
    if not multiline:
        assert not BIDI.search(value)
        assert value == " ".join(value.split())


@pytest.fixture
def error_log(caplog: pytest.LogCaptureFixture):
    """caplog, also fed by Skopx's own loggers when the app's logging setup stopped their propagation."""
    caplog.set_level(logging.INFO)
    own = [logging.getLogger(name) for name in ("skopx", "backend")]
    for logger in own:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in own:
        logger.removeHandler(caplog.handler)


@dataclass
class Guard:
    admin: psycopg.Connection
    log: pytest.LogCaptureFixture

    async def __call__(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """Run one call: its result, or the AppError it raised after storing nothing."""
        before = snapshot(self.admin)
        self.log.clear()
        try:
            outcome = await call()
        except AppError as refused:
            assert snapshot(self.admin) == before, f"refused ({refused.detail!r}) yet stored data changed"
            outcome = refused
        errors = [r.getMessage() for r in self.log.records if r.levelno >= logging.ERROR]
        assert errors == [], errors
        return outcome


@pytest.fixture
def guard(admin: psycopg.Connection, error_log: pytest.LogCaptureFixture) -> Guard:
    return Guard(admin, error_log)


def ok(outcome: Any) -> bool:
    return not isinstance(outcome, AppError)


@dataclass
class Scene:
    owner: RequestContext
    admin: RequestContext
    member: RequestContext
    project_id: str
    conversation_id: str
    task_id: str


@pytest.fixture(scope="module")
async def scene(world: World) -> Scene:
    member = ctx_for(world, "member")
    project = await projects.create_project(ctx=member, name="Hostile text")
    conversation = await conversations.create_conversation(ctx=member, project_id=project.id)
    task = await tasks.add_task(ctx=member, project_id=project.id, title="Hostile task")
    await api_keys.save_anthropic_key(user_id=member.user_id, api_key=ANTHROPIC_KEY, verify=False)
    return Scene(
        owner=ctx_for(world, "owner"),
        admin=ctx_for(world, "admin"),
        member=member,
        project_id=project.id,
        conversation_id=conversation.id,
        task_id=task.id,
    )


# --------------------------------------------------------------------------------------- services


@FAST
@given(name=HOSTILE, description=HOSTILE, visibility=st.one_of(HOSTILE, around("private")), search=HOSTILE)
async def test_projects(scene: Scene, guard: Guard, admin, name, description, visibility, search) -> None:
    ctx = scene.member
    created = await guard(
        lambda: projects.create_project(ctx=ctx, name=name, description=description, visibility=visibility)
    )
    if ok(created):
        stored = admin.execute(
            "select name, description from projects where id = %s", (created.id,)
        ).fetchone()
        assert (stored["name"], stored["description"]) == (created.name, created.description)
        assert_clean(created.name)
        assert_clean(created.description, multiline=True)
    renamed = await guard(lambda: projects.rename_project(ctx=ctx, project_id=scene.project_id, name=name))
    if ok(renamed):
        assert_clean(renamed.name)
    await guard(lambda: projects.set_visibility(ctx=ctx, project_id=scene.project_id, visibility=visibility))
    await guard(lambda: projects.list_projects(ctx=ctx, search=search))
    await guard(lambda: projects.get_project(ctx=ctx, project_id=search))
    await guard(lambda: projects.set_archived(ctx=ctx, project_id=name, archived=True))
    await guard(lambda: projects.delete_project(ctx=ctx, project_id=name))


@FAST
@given(title=HOSTILE, status=st.one_of(HOSTILE, around("doing")), task_id=HOSTILE)
async def test_tasks(scene: Scene, guard: Guard, admin, title, status, task_id) -> None:
    ctx = scene.member
    added = await guard(lambda: tasks.add_task(ctx=ctx, project_id=scene.project_id, title=title))
    if ok(added):
        stored = admin.execute("select title from tasks where id = %s", (added.id,)).fetchone()
        assert stored["title"] == added.title
        assert_clean(added.title)
    await guard(lambda: tasks.set_task_status(ctx=ctx, task_id=scene.task_id, status=status))
    await guard(lambda: tasks.list_tasks(ctx=ctx, project_id=task_id))
    await guard(lambda: tasks.set_task_status(ctx=ctx, task_id=task_id, status="done"))
    await guard(lambda: tasks.delete_task(ctx=ctx, task_id=task_id))


@FAST
@given(title=HOSTILE, conversation_id=HOSTILE)
async def test_conversations(scene: Scene, guard: Guard, admin, title, conversation_id) -> None:
    ctx = scene.member
    created = await guard(
        lambda: conversations.create_conversation(ctx=ctx, project_id=scene.project_id, title=title)
    )
    if ok(created):
        assert_clean(created.title)
        stored = admin.execute("select title from conversations where id = %s", (created.id,)).fetchone()
        assert stored["title"] == created.title
    renamed = await guard(
        lambda: conversations.rename_conversation(ctx=ctx, conversation_id=scene.conversation_id, title=title)
    )
    if ok(renamed):
        assert_clean(renamed.title)
    await guard(lambda: conversations.get_conversation(ctx=ctx, conversation_id=conversation_id))
    await guard(lambda: conversations.get_messages(ctx=ctx, conversation_id=conversation_id))
    await guard(lambda: conversations.list_conversations(ctx=ctx, project_id=conversation_id))
    await guard(lambda: conversations.delete_conversation(ctx=ctx, conversation_id=conversation_id))


@FAST
@given(
    text=st.one_of(HOSTILE, around("Hello")),
    reply=HOSTILE,
    status=st.sampled_from(["complete", "stopped", "error"]),
)
async def test_chat(scene: Scene, guard: Guard, admin, text, reply, status) -> None:
    ctx = scene.member
    fresh = await conversations.create_conversation(ctx=ctx, project_id=scene.project_id)
    turn = await guard(lambda: chat.start_turn(ctx=ctx, conversation_id=fresh.id, text=text))
    await guard(lambda: chat.start_turn(ctx=ctx, conversation_id=text, text="Hello"))
    if not ok(turn):
        return
    stored = admin.execute(
        "select m.content, c.title from messages m join conversations c on c.id = m.conversation_id"
        " where m.id = %s",
        (turn.user_message.id,),
    ).fetchone()
    assert stored["content"] == turn.user_message.content
    assert_clean(stored["content"], multiline=True)
    assert stored["title"] == (turn.title or DEFAULT_TITLE)
    assert_clean(stored["title"])
    # The model's reply is not typed by the user, but it is stored too, whatever it contains.
    answer = await guard(lambda: chat.finish_turn(ctx=ctx, turn=turn, text=reply, status=status))
    assert ok(answer)
    if answer is not None:
        content = admin.execute("select content from messages where id = %s", (answer.id,)).fetchone()[
            "content"
        ]
        assert content == storable(reply)


@FAST
@given(name=HOSTILE, confirm=st.one_of(HOSTILE, around("Doomed org")))
async def test_organizations(scene: Scene, guard: Guard, admin, name, confirm) -> None:
    renamed = await guard(lambda: organizations.rename_organization(ctx=scene.owner, name=name))
    if ok(renamed):
        assert_clean(renamed)
    created = await guard(lambda: organizations.create_organization(user_id=scene.owner.user_id, name=name))
    if ok(created):
        assert_clean(
            admin.execute("select name from organizations where id = %s", (created,)).fetchone()["name"]
        )
    doomed = await organizations.create_organization(user_id=scene.owner.user_id, name="Doomed org")
    doomed_ctx = RequestContext(user_id=scene.owner.user_id, org_id=doomed, role=Role.OWNER)
    await guard(lambda: organizations.delete_organization(ctx=doomed_ctx, confirm_name=confirm))


@FAST
@given(user_id=HOSTILE, role=st.one_of(HOSTILE, st.sampled_from(ROLE_LIKE)))
async def test_members(world: World, scene: Scene, guard: Guard, user_id, role) -> None:
    ctx = scene.owner
    await guard(lambda: members.change_role(ctx=ctx, user_id=str(world.a.users["viewer"]), role=role))
    await guard(lambda: members.change_role(ctx=ctx, user_id=user_id, role="member"))
    await guard(lambda: members.remove_member(ctx=ctx, user_id=user_id))
    await guard(lambda: members.transfer_ownership(ctx=ctx, user_id=user_id))


@FAST
@given(email=emails(), role=st.one_of(HOSTILE, st.sampled_from(ROLE_LIKE)), token=HOSTILE)
async def test_invitations(scene: Scene, guard: Guard, admin, email, role, token) -> None:
    created = await guard(lambda: invitations.create_invitation(ctx=scene.admin, email=email, role=role))
    if ok(created):
        stored = admin.execute("select email from invitations where id = %s", (created.id,)).fetchone()
        assert stored["email"] == created.email
    await guard(lambda: invitations.accept_invitation(user_id=scene.member.user_id, token=token))
    await guard(lambda: invitations.revoke_invitation(ctx=scene.admin, invitation_id=token))


@FAST
@given(
    key=st.one_of(
        HOSTILE, around("sk-ant-" + "k" * 40), st.builds(lambda h: "sk-ant-" + "k" * 40 + h, HOSTILE)
    )
)
async def test_api_key(scene: Scene, guard: Guard, key) -> None:
    saved = await guard(
        lambda: api_keys.save_anthropic_key(user_id=scene.admin.user_id, api_key=key, verify=False)
    )
    if ok(saved):
        resolved = await api_keys.resolve_anthropic_key(user_id=scene.admin.user_id)
        assert re.fullmatch(r"sk-ant-[A-Za-z0-9_-]+", resolved.api_key)


@FAST
@given(name=HOSTILE, confirm=st.one_of(HOSTILE, st.just("")), cookie=HEADER)
async def test_profile_and_sessions(guard: Guard, admin, name, confirm, cookie) -> None:
    user_id, email = new_user(admin)
    updated = await guard(lambda: profile.update_display_name(user_id=user_id, name=name))
    if ok(updated):
        assert_clean(updated)
        assert admin.execute("select display_name from users where id = %s", (user_id,)).fetchone() == {
            "display_name": updated
        }
    typed = confirm or f"\u2068{email.upper()}\u2069"  # sometimes the right address, in disguise
    await guard(lambda: profile.delete_account(user_id=user_id, confirm_email=typed))
    refused = await guard(lambda: sessions.resolve_session(cookie))
    assert isinstance(refused, Unauthenticated)
    refused = await guard(lambda: sessions.current_context(f"skopx_session={cookie}", cookie))
    assert isinstance(refused, Unauthenticated)


@FAST
@given(value=HOSTILE)
def test_pure_helpers_take_anything(value) -> None:
    assert len(accounts.password_checklist(value)) == 5
    assert accounts.safe_next(value).startswith("/")


@settings(BCRYPT, max_examples=25)
@given(fields=sign_up_fields(passwords=st.one_of(NO_SURROGATES, around(VALID_PASSWORD))))
async def test_sign_up(guard: Guard, admin, fields) -> None:
    token = await guard(lambda: accounts.sign_up(**fields))
    if ok(token):
        user = await sessions.resolve_session(f"skopx_session={token}")
        stored = admin.execute(
            "select display_name, email from users where id = %s", (user.user_id,)
        ).fetchone()
        assert_clean(stored["display_name"])
        assert_clean(stored["email"])


@BCRYPT
@given(email=st.one_of(emails(), st.just("")), password=st.one_of(NO_SURROGATES, around(KNOWN_PASSWORD)))
async def test_log_in(guard: Guard, admin, email, password) -> None:
    if not email:
        email = known_login(admin)
    await guard(lambda: accounts.log_in(email=email, password=password))


@BCRYPT
@given(
    current=st.one_of(NO_SURROGATES, around(KNOWN_PASSWORD), st.just(KNOWN_PASSWORD)),
    new=st.one_of(NO_SURROGATES, around(VALID_PASSWORD)),
)
async def test_change_password(guard: Guard, admin, current, new) -> None:
    # A fresh user each time: failed attempts count against the user's own budget.
    user_id, _ = new_user(admin, password_hash=hash_password(KNOWN_PASSWORD, rounds=4))
    await guard(
        lambda: profile.change_password(
            user_id=user_id, current_jti="", current_password=current, new_password=new
        )
    )


_KNOWN: dict[str, str] = {}


def known_login(admin: psycopg.Connection, want: str = "email") -> str:
    """A user whose password is KNOWN_PASSWORD, hashed at low cost so that checking it is quick."""
    if not _KNOWN:
        _KNOWN["id"], _KNOWN["email"] = new_user(admin, password_hash=hash_password(KNOWN_PASSWORD, rounds=4))
    admin.execute(
        "update users set password_hash = %s where id = %s",
        (hash_password(KNOWN_PASSWORD, rounds=4), _KNOWN["id"]),
    )
    return _KNOWN[want]


@pytest.mark.parametrize("entry", ["sign_up", "log_in", "change_password"])
async def test_a_password_with_a_lone_surrogate_is_refused_clearly(admin, entry: str) -> None:
    password = "Valid-password-2!\ud800"
    with pytest.raises(Invalid):
        if entry == "sign_up":
            await accounts.sign_up(
                name="Ana", email=f"s{uuid.uuid4().hex[:8]}@hostile.test", password=password
            )
        elif entry == "log_in":
            await accounts.log_in(email=known_login(admin), password=password)
        else:
            user_id = known_login(admin, want="id")
            await profile.change_password(
                user_id=user_id, current_jti="", current_password=KNOWN_PASSWORD, new_password=password
            )


# --------------------------------------------------------------------------- database errors


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("select %s::text", ("a\x00b",)),  # psycopg refuses NUL before sending
        ("select convert_from('\\xff'::bytea, 'UTF8')", ()),  # SQLSTATE 22021
        ("select convert_from('\\x00'::bytea, 'UTF8')", ()),  # SQLSTATE 22021
        ("select '\"\\u0000\"'::jsonb", ()),  # SQLSTATE 22P05
    ],
)
async def test_unstorable_text_from_the_database_is_a_clear_refusal(world: World, statement, params) -> None:
    with pytest.raises(Invalid) as refused:
        async with tenant_session(world.a.users["member"]) as conn:
            await conn.execute(statement, params)
    assert refused.value.detail == UNSTORABLE_TEXT
    assert isinstance(refused.value.__cause__, psycopg.DataError)


def test_other_client_side_data_errors_stay_unexpected() -> None:
    assert translate(psycopg.DataError("can't parse date '10000-01-01'")) is None


# ------------------------------------------------------------------------------------ API routes


def api() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/auth/login", auth.login, methods=["POST"]),
            Route("/api/auth/signup", auth.signup, methods=["POST"]),
        ]
    )


def new_client() -> str:
    """A random IPv6 /64 (counted as one client). Sign-in and sign-up allow 10 failures per client in
    15 minutes, also across runs when counts live in Redis. (Resetting the in-memory limiter instead
    races with its expiry task, which then logs a KeyError.)"""
    return f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}::1"


def encode(fields: dict[str, str], *, as_json: bool) -> tuple[bytes, str]:
    """The body a client could send, lone surrogates included (as JSON escapes or invalid UTF-8)."""
    if as_json:
        return json.dumps(fields).encode("ascii"), "application/json"
    return (
        urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii"),
        "application/x-www-form-urlencoded",
    )


async def post(path: str, content: bytes, content_type: str | None, *, wants_json: bool) -> httpx.Response:
    headers = {"accept": "application/json"} if wants_json else {}
    if content_type:
        headers["content-type"] = content_type
    transport = httpx.ASGITransport(app=api(), client=(new_client(), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.post(path, content=content, headers=headers)


def refused(response: httpx.Response) -> bool:
    if response.status_code == 303:
        return "error=" in response.headers["location"]
    return response.status_code >= 400


@settings(BCRYPT, max_examples=30)
@given(
    path=st.sampled_from(["/api/auth/login", "/api/auth/signup"]),
    fields=sign_up_fields(passwords=st.one_of(HOSTILE, around(VALID_PASSWORD))),
    next_path=HOSTILE,
    as_json=st.booleans(),
    wants_json=st.booleans(),
)
async def test_auth_routes_never_answer_with_a_server_error(
    guard: Guard, admin, path, fields, next_path, as_json, wants_json
) -> None:
    fields = {**fields, "next": next_path}
    content, content_type = encode(fields, as_json=as_json)
    before = snapshot(admin)
    guard.log.clear()
    response = await post(path, content, content_type, wants_json=wants_json)
    assert response.status_code < 500, response.text
    assert [r.getMessage() for r in guard.log.records if r.levelno >= logging.ERROR] == []
    if refused(response):
        assert snapshot(admin) == before
    elif path == "/api/auth/signup":
        cookie = (
            f"{session_cookie_name(get_settings())}={response.cookies[session_cookie_name(get_settings())]}"
        )
        user = await sessions.resolve_session(cookie)
        stored = admin.execute(
            "select display_name, email from users where id = %s", (user.user_id,)
        ).fetchone()
        assert_clean(stored["display_name"])
        assert_clean(stored["email"])


HOSTILE_BODIES = [
    (b"name=\xff\xfe&email=a%FFb@x.test&password=%ED%A0%80", "application/x-www-form-urlencoded"),
    (b"name=a%00b&email=a%00b@x.test&password=Valid-password-2!%00", "application/x-www-form-urlencoded"),
    (b"email=" + b"x" * (2 * 1024 * 1024), "application/x-www-form-urlencoded"),
    (b'{"name": "\xff", "email": "a@x.test"}', "application/json"),
    (
        b'{"name": "a\\ud800", "email": "a\\udfff@x.test", "password": "\\ud83d", "next": "/\\udc00"}',
        "application/json",
    ),
    (b'{"name": null, "email": ["a@x.test"], "password": {"x": 1}, "next": 42}', "application/json"),
    (b'["a@x.test", "password"]', "application/json"),
    (b'{"email": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json"),
    (json.dumps({"email": "x" * (2 * 1024 * 1024)}).encode(), "application/json"),
    (b"not json at all", "application/json"),
    (b"", "application/json"),
    (
        b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na\x00\xff@x.test\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
    ),
    (b"--b\r\nbroken", "multipart/form-data; boundary=b"),
    (b"\x00\x01\x02", None),
    (b"email=a@x.test", "text/plain; charset=utf-7"),
]


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/signup"])
@pytest.mark.parametrize(("content", "content_type"), HOSTILE_BODIES)
@pytest.mark.parametrize("wants_json", [True, False])
async def test_hostile_bodies_are_refused_not_failed(
    guard: Guard, admin, path, content, content_type, wants_json
) -> None:
    before = snapshot(admin)
    guard.log.clear()
    response = await post(path, content, content_type, wants_json=wants_json)
    assert refused(response), (response.status_code, response.text)
    assert response.status_code < 500
    if wants_json:
        assert response.json()["ok"] is False
    assert [r.getMessage() for r in guard.log.records if r.levelno >= logging.ERROR] == []
    assert snapshot(admin) == before


async def test_sign_up_with_nul_in_the_name_is_refused_for_the_name(guard: Guard) -> None:
    content, content_type = encode(
        {"name": "a\x00b", "email": f"nul-{uuid.uuid4().hex[:8]}@hostile.test", "password": VALID_PASSWORD},
        as_json=True,
    )
    response = await post("/api/auth/signup", content, content_type, wants_json=True)
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert response.json()["detail"].startswith("Your name contains a character that can't be used")
