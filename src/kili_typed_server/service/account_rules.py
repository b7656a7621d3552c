"""The rules of who may do what, as pure functions: the accounts service applies them.

Kept apart from `kili_typed_server.service.accounts` (which holds the transactions and the
flows) so that each reads on its own; every check the API makes is one of these, called
by the service, and they are tested table-driven (``tests/server/test_policy.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from kili_typed_server.core.errors import Forbidden
from kili_typed_server.core.records import ADMIN, ApiKeyFilter, UserFilter, UserRecord
from kili_typed_server.service import validation

#: Properties only an ADMIN may change, on anyone's account including their own.
ADMIN_ONLY_PROPERTIES = frozenset({"email", "activated", "organization_id", "organization_role"})


def _wire_name(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def require_admin(caller: UserRecord, action: str) -> None:
    """Checks that the caller is an ADMIN.

    Args:
        caller: The user making the request.
        action: What they try to do, for the message (e.g. ``"create users"``).

    Raises:
        Forbidden: When the caller is not an ADMIN.
    """
    if caller.organization_role != ADMIN:
        raise Forbidden(f"only an ADMIN can {action}")


def may_see_keys_of(caller: UserRecord, user_id: str) -> bool:
    """Tells whether the caller may see a user's API keys: their own, or any as ADMIN."""
    return caller.organization_role == ADMIN or caller.id == user_id


def visible_key_owner(caller: UserRecord) -> str | None:
    """The only user whose keys the caller sees, or ``None`` for an ADMIN, who sees all."""
    return None if caller.organization_role == ADMIN else caller.id


def check_update_allowed(
    caller: UserRecord, target: UserRecord, changed: dict[str, object]
) -> None:
    """Checks that the caller may make these changes to the target's account.

    An ADMIN may change any property of any user of their organization, but may only
    assign users to their own organization. A USER may change only their own first name,
    last name, labeling-tour flag and newsletter subscription.

    Args:
        caller: The user making the request.
        target: The user being changed (already known to share the caller's organization).
        changed: The real changes, from :meth:`UserChanges.differing_from`.

    Raises:
        Forbidden: When any change is not allowed.
    """
    if not changed:
        return
    if caller.organization_role == ADMIN:
        new_org = changed.get("organization_id")
        if new_org is not None and new_org != caller.organization_id:
            raise Forbidden("an ADMIN can only assign users to their own organization")
        return
    if caller.id != target.id:
        raise Forbidden("only an ADMIN can change another user's properties")
    refused = sorted(_wire_name(name) for name in changed if name in ADMIN_ONLY_PROPERTIES)
    if refused:
        raise Forbidden(
            f"only an ADMIN can change {', '.join(refused)}; "
            "a USER may change their own firstname and lastname"
        )


def loses_admin(target: UserRecord, changed: dict[str, object]) -> bool:
    """Tells whether the changes take away an active ADMIN.

    Args:
        target: The user as stored.
        changed: The real changes.

    Returns:
        Whether the target is an active ADMIN now and would not be after the changes.
    """
    if target.organization_role != ADMIN or not target.activated:
        return False
    return changed.get("organization_role", ADMIN) != ADMIN or changed.get("activated") is False


def new_id() -> str:
    """A fresh random id for a row."""
    return str(uuid.uuid4())


def checked_filter(where: UserFilter) -> UserFilter:
    """Checks a user filter's bounds and normalises its email, as every query needs.

    Raises:
        BadUserInput: When ``idIn`` holds too many ids.
    """
    validation.validate_id_in(where.id_in)
    if where.email is None:
        return where
    return replace(where, email=validation.normalize_email(where.email))


def checked_key_filter(where: ApiKeyFilter) -> ApiKeyFilter:
    return replace(where, user=checked_filter(where.user or UserFilter()))
