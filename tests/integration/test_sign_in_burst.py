"""Sign-in limits under a burst, through the real /api/auth routes and the real database.

Attempts are counted before the password is checked, so concurrency cannot outrun the budget;
a success gives its attempt back. bcrypt's own functions are wrapped to count (and, in one test,
hold) password checks; nothing of ours is replaced.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress

import bcrypt
import httpx
import pytest

from backend.db.session import service_session
from backend.errors import AppError, Invalid, RateLimited, Unauthenticated
from backend.ratelimit import AUTH
from backend.services import accounts, profile, sessions
from skopx_ui.api import build_api
from tests.integration.factories import PASSWORD, person

NEW_PASSWORD = "Brand-new-pass-1!"
BURST = 60
# Only a guard against hanging: without it, a starved pool would block the test forever.
HANG = 20.0


@pytest.fixture(scope="module", autouse=True)
def _database(migrated_database: str) -> str:
    return migrated_database


class Counted:
    """A bcrypt function that counts its calls and can hold them until released."""

    def __init__(self, real: Callable) -> None:
        self.real = real
        self.count = 0
        self._lock = threading.Lock()
        self._go = threading.Event()
        self._go.set()

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.count += 1
        self._go.wait(timeout=HANG * 2)
        return self.real(*args, **kwargs)

    def hold(self) -> None:
        self._go.clear()

    def release(self) -> None:
        self._go.set()

    @property
    def held(self) -> bool:
        return not self._go.is_set()


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counted = Counted(bcrypt.checkpw)
    monkeypatch.setattr(bcrypt, "checkpw", counted)
    yield counted
    counted.release()


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counted = Counted(bcrypt.hashpw)
    monkeypatch.setattr(bcrypt, "hashpw", counted)
    return counted


def fresh_client() -> str:
    """An address no other test uses: its own IPv6 /64, the unit clients are counted in."""
    return f"2001:db8:{secrets.randbits(16):x}:{secrets.randbits(16):x}::1"


@asynccontextmanager
async def browser(address: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_api(), client=(address or fresh_client(), 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"accept": "application/json"}
    ) as http:
        yield http


async def sign_in(http: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await http.post("/api/auth/login", data={"email": email, "password": password})


async def sign_up(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await http.post("/api/auth/signup", data={"name": "Someone", "email": email, "password": password})


async def account(label: str) -> tuple[str, str]:
    """A new account's (email, session token), created without touching any rate limit."""
    someone = await person(label)
    return someone.email, someone.token


def statuses(responses: list[httpx.Response]) -> Counter:
    return Counter(r.status_code for r in responses)


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait for a state the code should reach at once; carry on regardless after `seconds`."""
    with suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while not condition():
                await asyncio.sleep(0.01)


def answered(tasks: list[asyncio.Future]) -> int:
    return sum(task.done() for task in tasks)


# ------------------------------------------------------------------ refusals
async def test_a_burst_of_wrong_passwords_gets_at_most_the_budget_of_checks(checks: Counted) -> None:
    email, _ = await account("burst")
    async with browser() as http:
        responses = await asyncio.gather(*[sign_in(http, email, f"Wrong-guess-{n}!") for n in range(BURST)])
    assert checks.count <= AUTH.limit
    assert statuses(responses) == {401: AUTH.limit, 429: BURST - AUTH.limit}
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["detail"].startswith("Too many attempts. Try again in ")
    assert int(refused.headers["retry-after"]) > 0
    assert refused.headers["x-ratelimit-remaining"] == "0"


async def test_the_right_password_sent_during_a_burst_of_wrong_ones_is_refused(checks: Counted) -> None:
    email, _ = await account("target")
    # The wrong guesses stay in flight until the right one has been answered; a right password
    # that went on to a (held) check instead of being refused fails the test with a TimeoutError.
    checks.hold()
    async with browser() as http:
        wrong = [asyncio.ensure_future(sign_in(http, email, f"Wrong-guess-{n}!")) for n in range(BURST - 1)]
        try:
            await until(lambda: answered(wrong) >= BURST - 1 - AUTH.limit)
            right = await asyncio.wait_for(sign_in(http, email, PASSWORD), HANG)
        finally:
            checks.release()
            responses = await asyncio.gather(*wrong)
    assert right.status_code == 429
    assert "set-cookie" not in right.headers
    assert checks.count <= AUTH.limit
    assert statuses(responses) == {401: AUTH.limit, 429: BURST - 1 - AUTH.limit}

    # The address's budget is spent for every client, the right password included.
    async with browser() as http:
        assert (await sign_in(http, email, PASSWORD)).status_code == 429
    assert checks.count <= AUTH.limit


async def test_spellings_of_one_address_share_one_budget(checks: Counted) -> None:
    local = f"owner-{uuid.uuid4().hex[:8]}"
    await accounts.sign_up(name="Owner", email=f"{local}@example.test", password=PASSWORD)
    spellings = [
        f"{local}@example\u3002test",  # ideographic full stop
        f"{local}@\uff45xample.test",  # fullwidth e
        f"{local.upper()}@EXAMPLE.TEST",
        f"{local}@example.test",
    ]
    # Every spelling reaches the account (successes are given back, so this spends nothing).
    for spelling in spellings:
        async with browser() as http:
            assert (await sign_in(http, spelling, PASSWORD)).status_code == 200, spelling
    for n in range(AUTH.limit):
        async with browser() as http:
            assert (
                await sign_in(http, spellings[n % len(spellings)], f"Wrong-{n}-guess!")
            ).status_code == 401
    for spelling in spellings:
        async with browser() as http:
            refused = await sign_in(http, spelling, PASSWORD)
        assert refused.status_code == 429, spelling
    assert checks.count == len(spellings) + AUTH.limit


async def test_sign_up_is_limited_per_email_across_clients_and_does_not_say_the_account_exists(
    hashes: Counted,
) -> None:
    email, _ = await account("taken")
    hashes.count = 0
    responses = []
    for n in range(AUTH.limit):
        async with browser() as http:  # a new client every time
            responses.append(await sign_up(http, email.upper() if n % 2 else email))
    assert statuses(responses) == {409: AUTH.limit}
    body = responses[0].json()
    assert body["detail"] == accounts.EMAIL_NOT_AVAILABLE and body["field"] == "email"
    assert "exists" not in body["detail"]
    assert [int(r.headers["x-ratelimit-remaining"]) for r in responses] == list(range(AUTH.limit - 1, -1, -1))
    async with browser() as http:
        refused = await sign_up(http, email)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert hashes.count == AUTH.limit

    # Another address from a fresh client is unaffected.
    async with browser() as http:
        assert (await sign_up(http, f"new-{uuid.uuid4().hex[:8]}@example.test")).status_code == 200


async def test_one_client_creates_at_most_the_budget_of_accounts_per_window() -> None:
    async with browser() as http:
        made = [
            await sign_up(http, f"mass-{uuid.uuid4().hex[:8]}@example.test") for _ in range(AUTH.limit + 2)
        ]
    assert statuses(made) == {200: AUTH.limit, 429: 2}


async def test_a_burst_of_sign_ups_for_one_address_hashes_at_most_the_budget(hashes: Counted) -> None:
    email, _ = await account("popular")
    hashes.count = 0

    async def from_anywhere() -> httpx.Response:
        async with browser() as http:
            return await sign_up(http, email)

    responses = await asyncio.gather(*[from_anywhere() for _ in range(BURST)])
    assert hashes.count <= AUTH.limit
    assert statuses(responses) == {409: AUTH.limit, 429: BURST - AUTH.limit}


async def test_a_burst_of_current_password_guesses_gets_at_most_the_budget_of_checks(checks: Counted) -> None:
    _, token = await account("changer")
    me = await sessions.resolve_session(f"skopx_session={token}")
    checks.count = 0

    async def change(current: str) -> int | AppError:
        try:
            return await profile.change_password(
                user_id=me.user_id, current_jti=me.jti, current_password=current, new_password=NEW_PASSWORD
            )
        except AppError as error:
            return error

    # The wrong guesses stay in flight until the right one has been answered; a right password
    # that went on to a (held) check instead of being refused fails the test with a TimeoutError.
    checks.hold()
    wrong = [asyncio.ensure_future(change(f"Wrong-guess-{n}!")) for n in range(BURST - 1)]
    try:
        await until(lambda: answered(wrong) >= BURST - 1 - AUTH.limit)
        right = await asyncio.wait_for(change(PASSWORD), HANG)
    finally:
        checks.release()
        results = await asyncio.gather(*wrong)
    assert isinstance(right, RateLimited)
    assert checks.count <= AUTH.limit
    assert Counter(type(r) for r in results) == {Invalid: AUTH.limit, RateLimited: BURST - 1 - AUTH.limit}
    # Nothing changed: the old password still signs in.
    assert await accounts.log_in(email=me.email, password=PASSWORD)


# ------------------------------------------------------------------ people who get it right
async def test_successful_sign_ins_give_their_attempt_back(checks: Counted) -> None:
    email, _ = await account("regular")
    async with browser() as http:
        for n in range(AUTH.limit - 1):
            assert (await sign_in(http, email, f"Typo-{n}-password!")).status_code == 401
        for _ in range(AUTH.limit + 2):
            signed_in = await sign_in(http, email, PASSWORD)
            assert signed_in.status_code == 200
            assert "set-cookie" in signed_in.headers
            assert signed_in.headers["x-ratelimit-remaining"] == "1"
        assert (await sign_in(http, email, "Typo-last-password!")).status_code == 401
        assert (await sign_in(http, email, PASSWORD)).status_code == 429
    assert checks.count == (AUTH.limit - 1) + (AUTH.limit + 2) + 1


async def test_twelve_sign_ins_in_a_row_all_succeed() -> None:
    email, _ = await account("daily")
    async with browser() as http:
        answers = [await sign_in(http, email, PASSWORD) for _ in range(12)]
    assert [a.status_code for a in answers] == [200] * 12
    assert {a.headers["x-ratelimit-remaining"] for a in answers} == {str(AUTH.limit)}


# ------------------------------------------------------------------ other users during a burst
async def _warm_service_pool(connections: int = 10) -> None:
    """Open the service pool to its size, so that no new connection is needed during the test."""
    together = asyncio.Barrier(connections)

    async def hold() -> None:
        async with service_session() as conn:
            await conn.execute("select 1")
            await together.wait()

    await asyncio.gather(*[hold() for _ in range(connections)])


async def test_password_checks_hold_no_database_connection_so_other_users_are_not_stalled(
    checks: Counted,
) -> None:
    victim, _ = await account("victim")
    other, other_token = await account("bystander")
    cookie = f"skopx_session={other_token}"
    await sessions.resolve_session(cookie)
    await _warm_service_pool()
    checks.count = 0
    checks.hold()
    async with browser() as attacker:
        burst = asyncio.gather(*[sign_in(attacker, victim, f"Wrong-guess-{n}!") for n in range(BURST)])
        try:
            async with asyncio.timeout(HANG):
                while checks.count == 0:
                    await asyncio.sleep(0.01)
            # Every password check of the burst that has started is held from here on.
            started = time.perf_counter()
            resolved = await asyncio.wait_for(sessions.resolve_session(cookie), HANG)
            await asyncio.wait_for(accounts.log_out(token=other_token), HANG)  # a service-pool unit of work
            waited, held = time.perf_counter() - started, checks.count
            assert checks.held
        finally:
            checks.release()
            responses = await burst
    print(f"\nanother user's two requests took {waited * 1000:.0f} ms while {held} password checks were held")
    assert resolved.email == other
    with pytest.raises(Unauthenticated):
        await sessions.resolve_session(cookie)  # the sign-out went through
    assert checks.count <= AUTH.limit
    assert statuses(responses) == {401: AUTH.limit, 429: BURST - AUTH.limit}


async def test_another_users_sign_in_during_a_burst_succeeds(checks: Counted) -> None:
    victim, _ = await account("target")
    other, _ = await account("passer-by")
    async with browser() as attacker, browser() as bystander:
        burst = asyncio.gather(*[sign_in(attacker, victim, f"Wrong-guess-{n}!") for n in range(BURST)])
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        theirs = await sign_in(bystander, other, PASSWORD)
        waited = time.perf_counter() - started
        responses = await burst
    print(f"\nanother user's sign-in took {waited * 1000:.0f} ms during a burst of {BURST}")
    assert theirs.status_code == 200
    assert statuses(responses) == {401: AUTH.limit, 429: BURST - AUTH.limit}
    assert checks.count <= AUTH.limit + 1
