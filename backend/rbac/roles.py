"""The four organisation roles, ordered viewer < member < admin < owner."""

from __future__ import annotations

from enum import StrEnum

from backend.errors import Invalid
from backend.limits import ROLES


class Role(StrEnum):
    """The `org_role` values of backend.limits.ROLES, by name; ROLE_ORDER ranks them in that order."""

    VIEWER = "viewer"
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"

    @classmethod
    def parse(cls, value: str | None) -> Role:
        try:
            return cls((value or "").strip().lower())
        except ValueError:
            raise Invalid("Choose one of the roles: owner, admin, member or viewer.", field="role") from None


ROLE_ORDER = {Role(name): rank for rank, name in enumerate(ROLES)}


def at_least(role: Role | str | None, minimum: Role | str) -> bool:
    if not role:
        return False
    return ROLE_ORDER[Role(role)] >= ROLE_ORDER[Role(minimum)]


def can_assign_role(actor: Role | str, granted: Role | str) -> bool:
    """Owners may grant any role; admins may grant admin, member or viewer, never owner."""
    actor, granted = Role(actor), Role(granted)
    if actor == Role.OWNER:
        return True
    return actor == Role.ADMIN and granted != Role.OWNER


def can_manage_member(actor: Role | str, target: Role | str) -> bool:
    """Change or remove someone: owners anyone; admins anyone but owners."""
    actor, target = Role(actor), Role(target)
    if actor == Role.OWNER:
        return True
    return actor == Role.ADMIN and target != Role.OWNER
