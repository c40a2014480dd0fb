"""Route constants and URL builders: the one place page paths are spelled."""

from urllib.parse import quote

HOME = "/"
SECURITY = "/security"
PRICING = "/pricing"
LOGIN = "/login"
SIGNUP = "/signup"
CHAT = "/chat"
PROJECTS = "/projects"
SETTINGS = "/settings"
MEMBERS = "/settings/members"
ORGANIZATION = "/settings/organization"
API_KEYS = "/settings/api-keys"
ACCOUNT = "/settings/account"
BILLING = "/billing"
INVITE = "/invite/[token]"


def login_with_next(path: str) -> str:
    return f"{LOGIN}?next={quote(path, safe='/')}"


def project(project_id: str) -> str:
    return f"{PROJECTS}/{project_id}"


def conversation(conversation_id: str) -> str:
    return f"{CHAT}/{conversation_id}"
