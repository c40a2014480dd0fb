"""Every path of the app, spelled once: pages, their dynamic patterns, the plain-HTTP API and assets.

Plain strings and builders, no Reflex, so services, state, pages and components all read from here.
The builders also take a Reflex string Var (a link built inside `rx.foreach`): formatting a Var into an
f-string compiles to the same JavaScript as concatenating it.
"""

from __future__ import annotations

from urllib.parse import quote

# Public pages
HOME = "/"
SECURITY = "/security"
PRICING = "/pricing"
LOGIN = "/login"
SIGNUP = "/signup"
API_REFERENCE = "/developers/api"

# Signed-in pages
CHAT = "/chat"
PROJECTS = "/projects"
ACCOUNT = "/settings/account"
ORGANIZATION = "/settings/organization"
MEMBERS = "/settings/members"
API_KEYS = "/settings/api-keys"
API_TOKENS = "/settings/api-tokens"
BILLING = "/billing"
BILLING_INACTIVE = "/billing/inactive"

# Pages with a dynamic segment: Reflex gives the page's state a var named after the bracketed part
# (e.g. `conversation_id`), which is how state reads it.
_INVITES = "/invite"
CONVERSATION_PATTERN = f"{CHAT}/[conversation_id]"
PROJECT_PATTERN = f"{PROJECTS}/[project_id]"
INVITE_PATTERN = f"{_INVITES}/[token]"

# Plain HTTP in front of Reflex (skopx_ui/api/)
HEALTHZ = "/healthz"
SECURITY_TXT = "/.well-known/security.txt"
API_LOGIN = "/api/auth/login"
API_SIGNUP = "/api/auth/signup"
API_LOGOUT = "/api/auth/logout"
STRIPE_WEBHOOK = "/api/stripe/webhook"

# The public JSON API (skopx_ui/api/v1/): its prefix, and its resources as OpenAPI path templates
# relative to it. Later resources are added here.
API_V1 = "/api/v1"
V1_OPENAPI = "/openapi.json"
V1_ME = "/me"
V1_ORGANIZATIONS = "/organizations"
V1_PROJECTS = "/projects"
V1_PROJECT = "/projects/{project_id}"
V1_PROJECT_TASKS = "/projects/{project_id}/tasks"
V1_TASK = "/tasks/{task_id}"
V1_CONVERSATIONS = "/conversations"
V1_CONVERSATION = "/conversations/{conversation_id}"
V1_MESSAGES = "/conversations/{conversation_id}/messages"
API_V1_OPENAPI = f"{API_V1}{V1_OPENAPI}"

# Static files (assets/)
FORMS_SCRIPT = "/forms.js"
STYLESHEET = "/skopx.css"


def conversation(conversation_id: str) -> str:
    return f"{CHAT}/{conversation_id}"


def project(project_id: str) -> str:
    return f"{PROJECTS}/{project_id}"


def invite(token: str) -> str:
    return f"{_INVITES}/{token}"


def login_with_next(path: str) -> str:
    """Sign-in that comes back to `path` (checked again by `safe_next_path` when it is used)."""
    return f"{LOGIN}?next={_encoded_path(path)}"


def signup_with_next(path: str) -> str:
    return f"{SIGNUP}?next={_encoded_path(path)}"


def login_with_notice(notice: str) -> str:
    """Sign-in showing a notice such as "signed_out" (the sign-in page knows the sentences)."""
    return f"{LOGIN}?notice={notice}"


def _encoded_path(path: str) -> str:
    return quote(path, safe="/")
