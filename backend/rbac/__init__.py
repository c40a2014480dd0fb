"""Roles and what each may do. The database policies enforce the same matrix."""

from backend.rbac.roles import ROLE_ORDER, Role, at_least, can_assign_role, can_manage_member

__all__ = ["ROLE_ORDER", "Role", "at_least", "can_assign_role", "can_manage_member"]
