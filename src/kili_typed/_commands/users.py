"""``kili-typed users``: the six documented user methods from the shell.

Each action calls the `Kili` method of the same name, with options named after its
documented parameters::

    kili-typed users list [--email E] [--organization-id ID] [--fields F,F] [--first N]
                          [--skip N] [--format table|json|jsonl|csv]
    kili-typed users me [--fields F,F] [--format table|json|jsonl|csv]
    kili-typed users count [--email E] [--organization-id ID]
    kili-typed users create --email E --organization-role ADMIN|USER
                            [--firstname F] [--lastname L] [--password-stdin]
    kili-typed users update --email E [--firstname F] [--lastname L] [--organization-id ID]
                            [--organization-role ROLE] [--activated | --deactivated]
    kili-typed users update-password --email E [--password-stdin]
    kili-typed users reset-password --email E
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any

from kili_typed._constants import DEFAULT_CURRENT_USER_FIELDS, DEFAULT_USER_FIELDS
from kili_typed._fields import USER_OBJECTS, USER_SCALARS, select_fields

from . import common, credentials, output
from .credentials import SecretLines, UsageError

_ROLES = ("ADMIN", "USER")


def _field_list(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _fields_help() -> str:
    nested = (f"{name}.{{{','.join(subs)}}}" for name, (_, subs) in USER_OBJECTS.items())
    return f"{', '.join(USER_SCALARS)}, {', '.join(nested)}"


def _role(text: str) -> str:
    return text.strip().upper()


def _filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters")
    group.add_argument("--email", help="only the user with this email (email)")
    group.add_argument(
        "--organization-id", metavar="ID", help="only users of this organization (organization_id)"
    )
    group.add_argument(
        "--api-key-filter-stdin",
        action="store_true",
        help="only the user owning the API key read from standard input, after any "
        "--api-key-stdin line (api_key)",
    )


def _password_option(parser: argparse.ArgumentParser, stdin_help: str) -> None:
    parser.add_argument("--password-stdin", action="store_true", help=stdin_help)
    for name in ("--password", "--old-password", "--new-password"):
        parser.add_argument(
            name,
            action=common.RefuseSecretArgument,
            alternative="type it at the prompt, or pipe it in with --password-stdin",
        )


def add_parser(commands: Any) -> None:
    """Adds ``users`` and its actions to the top-level command parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """
    connection = common.connection_options()
    formatter = argparse.RawDescriptionHelpFormatter
    users = commands.add_parser(
        "users",
        help="list, count, create and update users on a Kili server",
        description="The six documented user methods of the Kili SDK, from the shell.\n"
        "`kili-typed users ACTION --help` tells an action's options.",
        epilog=common.EPILOG,
        formatter_class=formatter,
    )
    actions = users.add_subparsers(dest="users_action", required=True, metavar="ACTION")
    for name, summary, handler, add_options in _ACTIONS:
        parser: argparse.ArgumentParser = actions.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            parents=[connection],
            epilog=common.EPILOG,
            formatter_class=formatter,
            allow_abbrev=False,
        )
        parser.set_defaults(run=functools.partial(common.run, handler))
        add_options(parser)


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=output.FORMATS,
        default="table",
        help="table (default), json (an array), jsonl (one object a line) or csv",
    )


def _list_options(listing: argparse.ArgumentParser) -> None:
    _filters(listing)
    listing.add_argument(
        "--fields",
        type=_field_list,
        default=list(DEFAULT_USER_FIELDS),
        metavar="F,F,...",
        help="comma-separated fields to show, nested ones dotted as organization.id "
        f"(default {','.join(DEFAULT_USER_FIELDS)}); among {_fields_help()}",
    )
    listing.add_argument("--first", type=int, metavar="N", help="at most N users (default all)")
    listing.add_argument(
        "--skip", type=int, default=0, metavar="N", help="skip the N oldest users first"
    )
    _format_option(listing)
    listing.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (it is shown on standard error only when that is a terminal)",
    )


def _me_options(me: argparse.ArgumentParser) -> None:
    me.add_argument(
        "--fields",
        type=_field_list,
        default=list(DEFAULT_CURRENT_USER_FIELDS),
        metavar="F,F,...",
        help="comma-separated fields to show, as for list "
        f"(default {','.join(DEFAULT_CURRENT_USER_FIELDS)})",
    )
    _format_option(me)


def _create_options(create: argparse.ArgumentParser) -> None:
    create.add_argument("--email", required=True, help="the new user's email, their identifier")
    create.add_argument(
        "--organization-role", required=True, type=_role, choices=_ROLES, help="ADMIN or USER"
    )
    create.add_argument("--firstname", help="first name")
    create.add_argument("--lastname", help="last name")
    _password_option(
        create,
        "read the first password from standard input instead of prompting (twice) for it",
    )


def _update_options(update: argparse.ArgumentParser) -> None:
    update.add_argument("--email", required=True, help="the user's email, their identifier")
    update.add_argument("--firstname", help="the new first name")
    update.add_argument("--lastname", help="the new last name")
    update.add_argument("--organization-id", metavar="ID", help="move to this organization")
    update.add_argument(
        "--organization-role", type=_role, choices=_ROLES, help="the new role: ADMIN or USER"
    )
    state = update.add_mutually_exclusive_group()
    state.add_argument(
        "--activated", dest="activated", action="store_const", const=True, help="reactivate"
    )
    state.add_argument(
        "--deactivated",
        dest="activated",
        action="store_const",
        const=False,
        help="deactivate: the user cannot log in, but is kept",
    )


def _update_password_options(password: argparse.ArgumentParser) -> None:
    password.add_argument("--email", required=True, help="the user whose password changes")
    _password_option(
        password,
        "read two lines from standard input, the current password then the new one, "
        "instead of prompting",
    )


def _reset_password_options(reset: argparse.ArgumentParser) -> None:
    reset.add_argument("--email", required=True, help="the user whose password is reset")


def _show_progress(args: argparse.Namespace) -> bool:
    return not args.no_progress and sys.stderr.isatty()


def _list(args: argparse.Namespace, lines: SecretLines) -> int:
    # Checked first so that a typo is reported before a key is even looked for.
    fields = list(select_fields(args.fields).fields)
    with common.connect(args, lines) as kili:
        key = (
            lines.read("the API key to filter on", strip=True)
            if args.api_key_filter_stdin
            else None
        )
        rows = kili.users(
            api_key=key,
            email=args.email,
            organization_id=args.organization_id,
            fields=fields,
            first=args.first,
            skip=args.skip,
            disable_tqdm=not _show_progress(args),
            as_generator=True,
        )
        output.write_rows(rows, fields, args.format, sys.stdout)
    return 0


def _me(args: argparse.Namespace, lines: SecretLines) -> int:
    fields = list(select_fields(args.fields).fields)
    with common.connect(args, lines) as kili:
        row = kili.get_current_user(fields=fields)
    output.write_rows(iter([row]), fields, args.format, sys.stdout)
    return 0


def _count(args: argparse.Namespace, lines: SecretLines) -> int:
    with common.connect(args, lines) as kili:
        key = (
            lines.read("the API key to filter on", strip=True)
            if args.api_key_filter_stdin
            else None
        )
        print(kili.count_users(organization_id=args.organization_id, api_key=key, email=args.email))
    return 0


def _create(args: argparse.Namespace, lines: SecretLines) -> int:
    with common.connect(args, lines) as kili:
        password = credentials.new_password(
            f"password for {args.email}: ", args.password_stdin, lines
        )
        result = kili.create_user(
            email=args.email,
            password=password,
            organization_role=args.organization_role,
            firstname=args.firstname,
            lastname=args.lastname,
        )
    print(f"created user {args.email} ({args.organization_role})", file=sys.stderr)
    print(result["id"])
    return 0


def _update(args: argparse.Namespace, lines: SecretLines) -> int:
    changes = {
        "firstname": args.firstname,
        "lastname": args.lastname,
        "organization_id": args.organization_id,
        "organization_role": args.organization_role,
        "activated": args.activated,
    }
    if all(value is None for value in changes.values()):
        raise UsageError(
            "nothing to update: give --firstname, --lastname, --organization-id, "
            "--organization-role, --activated or --deactivated"
        )
    with common.connect(args, lines) as kili:
        result = kili.update_properties_in_user(
            email=args.email,
            firstname=args.firstname,
            lastname=args.lastname,
            organization_id=args.organization_id,
            organization_role=args.organization_role,
            activated=args.activated,
        )
    changed = ", ".join(name for name, value in changes.items() if value is not None)
    print(f"updated {changed} of {args.email}", file=sys.stderr)
    print(result["id"])
    return 0


def _update_password(args: argparse.Namespace, lines: SecretLines) -> int:
    with common.connect(args, lines) as kili:
        if args.password_stdin:
            old = lines.read("the current password")
            new = lines.read("the new password")
        else:
            old = credentials.prompt_password(f"current password of {args.email}: ")
            new = credentials.new_password("new password: ", False, lines)
        result = kili.update_password(
            email=args.email, old_password=old, new_password_1=new, new_password_2=new
        )
    print(f"changed the password of {args.email}", file=sys.stderr)
    print(result["id"])
    return 0


def _reset_password(args: argparse.Namespace, lines: SecretLines) -> int:
    with common.connect(args, lines) as kili:
        result = kili.reset_password(email=args.email)
    print(f"asked the server to reset the password of {args.email}", file=sys.stderr)
    print(result["id"])
    return 0


#: The actions of ``kili-typed users``, in the order ``--help`` lists them: name, summary,
#: handler, and what adds its options.
_ACTIONS: tuple[tuple[str, str, common.Handler, Callable[[argparse.ArgumentParser], None]], ...] = (
    ("list", "list users, one row per user", _list, _list_options),
    ("me", "show the user the API key belongs to (get_current_user)", _me, _me_options),
    ("count", "print the number of users matching the filters", _count, _filters),
    ("create", "add a user to your organization; print its id", _create, _create_options),
    (
        "update",
        "change the properties of a user; only those given change",
        _update,
        _update_options,
    ),
    (
        "update-password",
        "change the password you log in with (on-premise installations without Auth0)",
        _update_password,
        _update_password_options,
    ),
    (
        "reset-password",
        "ask the server to email a password reset link (on-premise, without Auth0)",
        _reset_password,
        _reset_password_options,
    ),
)
