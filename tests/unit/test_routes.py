"""Paths come from backend/routes.py only; pages are registered from one table; route args come from Reflex."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from reflex.istate.data import RouterData
from reflex.route import get_route_args, get_router
from reflex.state import State
from reflex_base.utils.format import format_route

from backend import routes
from state.chat import ChatState
from state.invite import InviteState
from state.projects import ProjectDetailState

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("components", "skopx_ui", "state", "backend/services")
# Arguments that take a location: a value starting with "/" there is a path, even "/" alone.
LINK_KEYWORDS = {"href", "action", "src", "back_to", "route"}
ROUTE_VALUES = {value for name, value in vars(routes).items() if name.isupper() and isinstance(value, str)}
# First segments of the app's paths ("chat", "settings", "api", ".well-known", ...).
SEGMENTS = sorted({value.split("/")[1] for value in ROUTE_VALUES} - {""})
# A path of the app anywhere in a string, or a Reflex dynamic segment ("/[conversation_id]").
APP_PATH_INSIDE = re.compile(rf"(?<![\w/])/(?:{'|'.join(map(re.escape, SEGMENTS))})(?![\w-])|/\[\w+\]")
PATH_AT_START = re.compile(r"^/[\w.\[-]")


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _literal_paths(source: str) -> list[tuple[int, str]]:
    """String literals in code (not docstrings) that spell a path of the app."""
    tree = ast.parse(source)
    skipped = _docstrings(tree)
    inner = {
        id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values[1:]
    }
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.keyword)
            and node.arg in LINK_KEYWORDS
            and isinstance(node.value, ast.Constant)
            and str(node.value.value).startswith("/")
        ):
            found.add((node.value.lineno, repr(node.value.value)))
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in skipped:
            continue
        at_start = id(node) not in inner and PATH_AT_START.match(node.value)
        if at_start or APP_PATH_INSIDE.search(node.value):
            found.add((node.lineno, repr(node.value)))
    return sorted(found)


def test_no_module_spells_a_path_of_its_own() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {literal}"
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, literal in _literal_paths(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "paths spelled outside backend/routes.py:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source",
    [
        'rx.link("x", href="/")',
        'rx.redirect("/chat")',
        'url = f"{base}/invite/{token}"',
        'back_to = "/login?notice=signed_out"',
        'Route("/api/stripe/webhook", handler)',
        'route = f"{routes.CHAT}/[conversation_id]"',
    ],
)
def test_the_scan_sees_a_spelled_path(source: str) -> None:
    assert _literal_paths(source)


@pytest.mark.parametrize(
    "source",
    [
        'text = f"{price}/seat"',
        'path.rstrip("/")',
        'mime = "text/plain"',
        'rx.Cookie("", path="/")',
        'rx.link("Anthropic", href="https://www.anthropic.com/legal")',
    ],
)
def test_the_scan_leaves_other_slashes_alone(source: str) -> None:
    assert _literal_paths(source) == []


def _pages():
    from skopx_ui.pages.registry import PAGES

    return PAGES


def test_every_page_route_comes_from_the_routes_module() -> None:
    pages = _pages()
    assert all(page.route in ROUTE_VALUES for page in pages)
    assert len({page.route for page in pages}) == len(pages)


def test_pages_in_the_shell_get_distinct_names() -> None:
    names = [page.component().__name__ for page in _pages() if page.shell]
    assert len(set(names)) == len(names)


@pytest.fixture(scope="module")
def app():
    from skopx_ui.skopx_ui import app

    return app


def test_the_app_registers_exactly_the_table(app) -> None:
    assert set(app._unevaluated_pages) == {format_route(page.route) for page in _pages()}
    for page in _pages():
        assert app._unevaluated_pages[format_route(page.route)].title == page.title


@pytest.mark.parametrize(
    ("build", "pattern"),
    [
        (routes.conversation, routes.CONVERSATION_PATTERN),
        (routes.project, routes.PROJECT_PATTERN),
        (routes.invite, routes.INVITE_PATTERN),
    ],
)
def test_builders_land_on_their_pattern(app, build, pattern: str) -> None:
    match = get_router(list(app._unevaluated_pages))
    assert match(build("3f2b9c1e-0d4a-4e7b-9a52-1c6f0e8d7b21")) == format_route(pattern)
    assert len(get_route_args(pattern)) == 1


def test_fixed_paths_land_on_their_own_page(app) -> None:
    match = get_router(list(app._unevaluated_pages))
    for page in _pages():
        if not get_route_args(page.route):
            assert match(page.route) == format_route(page.route)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/chat", "/login?next=/chat"),
        ("/invite/Ab3_-x9", "/login?next=/invite/Ab3_-x9"),
        ("/chat/42?tab=1&x=a b", "/login?next=/chat/42%3Ftab%3D1%26x%3Da%20b"),
        ("/projects/é", "/login?next=/projects/%C3%A9"),
        ("/a#b", "/login?next=/a%23b"),
    ],
)
def test_login_with_next_encodes_all_but_slashes(path: str, expected: str) -> None:
    assert routes.login_with_next(path) == expected
    assert routes.signup_with_next(path) == expected.replace(routes.LOGIN, routes.SIGNUP, 1)


def test_fixed_links() -> None:
    assert routes.signup_with_next(routes.PRICING) == "/signup?next=/pricing"
    assert routes.login_with_notice("signed_out") == "/login?notice=signed_out"


@pytest.mark.parametrize(
    ("state_class", "pattern", "var"),
    [
        (ChatState, routes.CONVERSATION_PATTERN, "conversation_id"),
        (ProjectDetailState, routes.PROJECT_PATTERN, "project_id"),
        (InviteState, routes.INVITE_PATTERN, "token"),
    ],
)
def test_page_states_read_the_route_argument_reflex_parsed(app, state_class, pattern: str, var: str) -> None:
    """The var each page's loader reads is the one Reflex fills from the URL (not a var of its own)."""
    assert list(get_route_args(pattern)) == [var]
    root = State(_reflex_internal_init=True)
    # The router data a browser sends on such a page: the matched pattern, the path, and the route
    # params merged into `query`.
    root.router = RouterData.from_router_data(
        {"pathname": pattern, "asPath": pattern.split("[")[0] + "abc-1/", "query": {var: "abc-1"}}
    )
    page_state = root.get_substate(state_class.get_full_name().split(".")[1:])
    assert getattr(page_state, var) == "abc-1"
