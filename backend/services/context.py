"""Who is acting, in which organisation, with which role."""

from __future__ import annotations

from dataclasses import dataclass

from backend.errors import Forbidden
from backend.rbac import Role, at_least


@dataclass(frozen=True)
class Permissions:
    """What a role may do, as the flags pages show or hide controls by (the database decides anyway)."""

    can_write: bool = False  # create and change work: members and up
    is_admin: bool = False  # manage people and settings: admins and owners
    is_owner: bool = False

    @classmethod
    def of(cls, role: Role | str | None) -> Permissions:
        return cls(
            can_write=at_least(role, Role.MEMBER),
            is_admin=at_least(role, Role.ADMIN),
            is_owner=at_least(role, Role.OWNER),
        )


@dataclass(frozen=True)
class RequestContext:
    user_id: str
    org_id: str
    role: Role

    @property
    def permissions(self) -> Permissions:
        return Permissions.of(self.role)

    def require(self, minimum: Role | str, action: str = "do that") -> None:
        if not at_least(self.role, minimum):
            raise Forbidden(
                f"You don't have permission to {action}. Ask an admin or the owner of this organization."
            )
