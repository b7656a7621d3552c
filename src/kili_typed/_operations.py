"""The documented arguments of each method, checked and turned into GraphQL
variables. Pure: no I/O, and no tie to either generated package, so the sync
and async facades share every rule.

Variables are plain JSON-ready dicts with the API's camelCase names, holding
only what the caller gave: each facade validates them into its own generated
input model (``UserWhere.model_validate(where)``), which then sends exactly
those keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from . import _arguments as a
from ._fields import Selection, keys_to_convert, plain, select_fields
from ._redaction import Secrets

#: GraphQL variables of one input object, e.g. a `UserWhere`.
Variables = dict[str, Any]

#: The operations that write: resent only when the server surely did not run them.
MUTATIONS = frozenset({"createUser", "updatePassword", "resetPassword", "updatePropertiesInUser"})


def user_where(
    method: str,
    *,
    api_key: object,
    email: object,
    organization_id: object,
) -> Variables:
    """The `UserWhere` of `users` and `count_users`; only given filters are sent."""
    key = a.check_optional_str(method, "api_key", api_key, non_empty=True)
    mail = a.check_optional_email(method, "email", email)
    org = a.check_optional_str(method, "organization_id", organization_id, non_empty=True)
    where: Variables = {}
    if key is not None:
        where["apiKey"] = key
    if mail is not None:
        where["email"] = mail
    if org is not None:
        where["organization"] = {"id": org}
    return where


@dataclass(frozen=True)
class UsersRequest:
    """A checked `users` call: filter, field selection and window."""

    where: Variables
    selection: Selection[str]
    first: int | None
    skip: int
    disable_tqdm: bool | None
    as_generator: bool


def users_request(
    *,
    api_key: object,
    email: object,
    organization_id: object,
    fields: object,
    first: object,
    skip: object,
    disable_tqdm: object,
    as_generator: object,
) -> UsersRequest:
    """Check every argument of `users` and build its request."""
    method = "users"
    where = user_where(method, api_key=api_key, email=email, organization_id=organization_id)
    # A Selection was validated when built (user_fields, select_fields).
    selection = (
        cast("Selection[str]", fields)
        if isinstance(fields, Selection)
        else select_fields(a.check_fields(method, "fields", fields))
    )
    return UsersRequest(
        where=where,
        selection=selection,
        first=a.check_optional_count(method, "first", first),
        skip=a.check_count(method, "skip", skip),
        disable_tqdm=a.check_optional_bool(method, "disable_tqdm", disable_tqdm),
        as_generator=a.check_bool(method, "as_generator", as_generator),
    )


def create_user_data(
    *,
    email: object,
    password: object,
    organization_role: object,
    firstname: object,
    lastname: object,
) -> Variables:
    """Check the arguments of `create_user` and build its `CreateUserData`."""
    method = "create_user"
    data: Variables = {
        "email": a.check_email(method, "email", email),
        "password": a.check_str(method, "password", password, secret=True),
        "organizationRole": a.check_role(method, "organization_role", organization_role),
    }
    first = a.check_optional_str(method, "firstname", firstname)
    last = a.check_optional_str(method, "lastname", lastname)
    if first is not None:
        data["firstname"] = first
    if last is not None:
        data["lastname"] = last
    return data


def update_password_variables(
    *,
    email: object,
    old_password: object,
    new_password_1: object,
    new_password_2: object,
) -> tuple[Variables, Variables]:
    """Check the arguments of `update_password`; its `UpdatePasswordData` and `UserWhere`."""
    method = "update_password"
    where = {"email": a.check_email(method, "email", email)}
    data = {
        "oldPassword": a.check_str(method, "old_password", old_password, secret=True),
        "newPassword1": a.check_str(method, "new_password_1", new_password_1, secret=True),
        "newPassword2": a.check_str(method, "new_password_2", new_password_2, secret=True),
    }
    return data, where


def reset_password_where(*, email: object) -> Variables:
    """Check the argument of `reset_password` and build its `UserWhere`."""
    return {"email": a.check_email("reset_password", "email", email)}


def update_properties_variables(
    *,
    email: object,
    firstname: object,
    lastname: object,
    organization_id: object,
    organization_role: object,
    activated: object,
) -> tuple[Variables, Variables]:
    """Check the arguments of `update_properties_in_user`; its `UserData` and `UserWhere`.

    Only the properties given (not None) are sent, so the others stay as they are.
    """
    method = "update_properties_in_user"
    where = {"email": a.check_email(method, "email", email)}
    changes = {
        "firstname": a.check_optional_str(method, "firstname", firstname),
        "lastname": a.check_optional_str(method, "lastname", lastname),
        "organizationId": a.check_optional_str(
            method, "organization_id", organization_id, non_empty=True
        ),
        "organizationRole": a.check_role(
            method, "organization_role", organization_role, optional=True
        ),
        "activated": a.check_optional_bool(method, "activated", activated),
    }
    return {key: value for key, value in changes.items() if value is not None}, where


def secrets_of(*variables: Variables) -> Secrets:
    """The secret values among some variables (passwords, API keys), to redact."""
    names = ("password", "oldPassword", "newPassword1", "newPassword2", "apiKey")
    return Secrets(v[name] for v in variables for name in names if isinstance(v.get(name), str))


def current_user_selection(fields: object) -> Selection[str]:
    """Check the `fields` of `get_current_user`: the same names as `users` accepts."""
    if isinstance(fields, Selection):
        return cast("Selection[str]", fields)
    return select_fields(a.check_fields("get_current_user", "fields", fields))


def current_user_row(dumped: dict[str, Any], selection: Selection[str]) -> dict[str, Any]:
    """A ``viewer`` answer (``model_dump(by_alias=True, exclude_unset=True)``) as a row
    holding exactly the selected fields, as `users` returns them."""
    row = dict(dumped)
    for key in keys_to_convert(selection.fields):
        if key in row:
            row[key] = plain(row[key])
    return row
