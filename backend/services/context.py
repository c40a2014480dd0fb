"""Who is acting, in which organisation, with which role."""

from __future__ import annotations

from dataclasses import dataclass

from backend.errors import Forbidden
from backend.rbac import Role, at_least


@dataclass(frozen=True)
class RequestContext:
    user_id: str
    org_id: str
    role: Role

    def require(self, minimum: Role | str, action: str = "do that") -> None:
        if not at_least(self.role, minimum):
            raise Forbidden(
                f"You don't have permission to {action}. Ask an admin or the owner of this organization."
            )
