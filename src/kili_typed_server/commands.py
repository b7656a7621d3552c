"""The server's commands of ``kili-typed``: ``serve``, ``keys`` and ``reset-password``.

``kili-typed`` loads this module only when one of these commands is run. The web stack is
imported only by ``serve``; the other commands act on a database file with the standard
library alone.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from kili_typed._cli import SERVER_COMMANDS
from kili_typed_server.database import (
    DatabaseCorrupt,
    DatabaseError,
    DatabaseUnreachable,
    DigestSecretError,
)
from kili_typed_server.display import escape
from kili_typed_server.errors import ApiError
from kili_typed_server.passwords import INSECURE_TEST_HASHER, PRODUCTION_HASHER
from kili_typed_server.store import Store

DEFAULT_DB = "kili-local.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4000
#: The environment variable that may hold the key-digest secret.
DIGEST_SECRET_VARIABLE = "KILI_TYPED_DIGEST_SECRET"
_SECRET_HELP = (
    "file holding the secret API keys and reset tokens are digested under, kept apart "
    f"from the database (default: ${DIGEST_SECRET_VARIABLE} if set, else the secret made "
    "with the database and kept inside it, as databases made without one do)"
)

# Exit statuses, distinct so that scripts and service managers can tell failures apart.
#: A refused argument or value (bad email, weak password...); argparse uses 2 for usage.
EXIT_REFUSED = 1
#: The server's extra is not installed.
EXIT_MISSING_EXTRA = 2
#: The address cannot be listened on (port taken, unknown interface, no permission).
EXIT_ADDRESS_UNAVAILABLE = 3
#: The database file cannot be created or opened (missing directory, permissions).
EXIT_DATABASE_UNREACHABLE = 4
#: The database file is not a usable SQLite database.
EXIT_DATABASE_CORRUPT = 5
#: The digest secret is missing, unreadable or not the database's.
EXIT_DIGEST_SECRET = 6


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def register(commands: Any) -> None:
    """Adds ``serve``, ``keys`` and ``reset-password`` to the ``kili-typed`` parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """

    serve = commands.add_parser("serve", help=SERVER_COMMANDS["serve"])
    serve.add_argument("--db", default=DEFAULT_DB, help=f"SQLite file (default {DEFAULT_DB})")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"interface (default {DEFAULT_HOST})")
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port, 0 for any free one (default {DEFAULT_PORT})",
    )
    serve.add_argument("--digest-secret-file", metavar="PATH", help=_SECRET_HELP)
    serve.add_argument("--api-key", help="a fixed admin API key (registered when unknown)")
    serve.add_argument("--admin-email", help="the admin's email on first start")
    serve.add_argument("--admin-password", help="the admin's password on first start")
    serve.add_argument("--organization-name", help="the organization's name on first start")
    serve.add_argument(
        "--rate-limit",
        type=_positive_int,
        metavar="N",
        help="answer 429 with Retry-After beyond N GraphQL requests a minute per API key "
        "(default: no limit)",
    )
    serve.add_argument(
        "--seed-users",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="make sure N seeded users (seed-<n>@seed.kili-local.test, no password) exist",
    )
    serve.add_argument(
        "--latency-ms",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="wait N ms before each GraphQL answer, as a distant server would (default 0)",
    )
    serve.add_argument(
        "--seed-file",
        metavar="FILE",
        help="make sure the users of this JSON (or YAML, with PyYAML) file exist; "
        "see docs/testing.md",
    )
    serve.add_argument(
        "--control-token-file",
        metavar="FILE",
        help="enable the control API for tests (reset, seed, faults, request log) under "
        "/kili-typed/control, for requests bearing the token in FILE (default: off)",
    )
    serve.add_argument(
        "--insecure-test-hashing",
        action="store_true",
        help="FOR TESTS ONLY: hash passwords at a trivial scrypt cost so that test suites "
        "creating many users run fast; passwords set meanwhile are easy to crack, so never "
        "use it on a database that holds real passwords",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default info)",
    )

    keys = commands.add_parser("keys", help=SERVER_COMMANDS["keys"])
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = key_commands.add_parser("create", help="print a new API key for a user")
    create.add_argument("--db", required=True, help="SQLite file of the server")
    create.add_argument("--digest-secret-file", metavar="PATH", help=_SECRET_HELP)
    create.add_argument("--email", required=True, help="the key owner's email")
    create.add_argument("--name", default="API key", help="a label for the key")
    create.add_argument(
        "--expires-in", type=float, default=365, metavar="DAYS", help="validity (default 365 days)"
    )
    revoke = key_commands.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("--db", required=True, help="SQLite file of the server")
    revoke.add_argument("--digest-secret-file", metavar="PATH", help=_SECRET_HELP)
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", help="the key's id (see keys list)")
    which.add_argument(
        "--key-stdin", action="store_true", help="read the key itself from standard input"
    )
    listing = key_commands.add_parser("list", help="list API keys (never the keys themselves)")
    listing.add_argument("--db", required=True, help="SQLite file of the server")
    listing.add_argument("--digest-secret-file", metavar="PATH", help=_SECRET_HELP)
    listing.add_argument("--email", help="only this user's keys")

    reset = commands.add_parser("reset-password", help=SERVER_COMMANDS["reset-password"])
    reset.add_argument("--db", required=True, help="SQLite file of the server")
    reset.add_argument("--digest-secret-file", metavar="PATH", help=_SECRET_HELP)
    reset.add_argument("--token", required=True, help="the reset token from the log line")
    reset.add_argument(
        "--password-stdin", action="store_true", help="read the new password from standard input"
    )


def digest_secret(args: argparse.Namespace) -> str | None:
    """The key-digest secret the command line or the environment gives, if any.

    Args:
        args: The parsed command line; ``--digest-secret-file`` wins over
            ``$KILI_TYPED_DIGEST_SECRET``.

    Returns:
        The secret, or ``None`` to use the one kept inside the database.

    Raises:
        DigestSecretError: When the file cannot be read.
    """
    path = getattr(args, "digest_secret_file", None)
    if path is not None:
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise DigestSecretError(
                f"cannot read the digest secret file {path}: {reason}"
            ) from None
    return os.environ.get(DIGEST_SECRET_VARIABLE) or None


def _existing_store(args: argparse.Namespace) -> Store:
    db = args.db
    if not Path(db).is_file():
        raise SystemExit(
            f"kili-typed: no database at {db}; start `kili-typed serve --db {db}` once"
        )
    return Store(db, digest_secret=digest_secret(args))


def _serve(args: argparse.Namespace) -> int:
    try:
        from kili_typed_server.runner import serve_forever
    except ImportError as error:
        print(
            f"kili-typed: the server needs its extra: pip install 'kili-typed[server]' ({error})",
            file=sys.stderr,
        )
        return EXIT_MISSING_EXTRA
    import logging

    control_token = None
    if args.control_token_file is not None:
        from kili_typed_server.control import read_control_token

        try:
            control_token = read_control_token(args.control_token_file)
        except ValueError as error:
            print(f"kili-typed: {error}", file=sys.stderr)
            return 2
    if args.seed_file is not None:
        from kili_typed_server.seeding import read_seed_file

        try:
            read_seed_file(args.seed_file)  # a clear error now rather than a trace later
        except (OSError, ValueError) as error:
            print(f"kili-typed: {error}", file=sys.stderr)
            return 2
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    options = (
        {} if args.organization_name is None else {"organization_name": args.organization_name}
    )
    secret = digest_secret(args)
    try:
        serve_forever(
            args.db,
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            admin_email=args.admin_email,
            admin_password=args.admin_password,
            log_level=args.log_level,
            rate_limit=args.rate_limit,
            seed_users=args.seed_users,
            latency_ms=args.latency_ms,
            hasher=INSECURE_TEST_HASHER if args.insecure_test_hashing else PRODUCTION_HASHER,
            digest_secret=secret,
            seed_file=args.seed_file,
            control_token=control_token,
            **options,
        )
    except OSError as error:
        # The database's failures come as DatabaseError: what is left is listening.
        reason = (
            "the port is already in use"
            if error.errno == errno.EADDRINUSE
            else error.strerror or str(error)
        )
        print(f"kili-typed: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return EXIT_ADDRESS_UNAVAILABLE
    return 0


def _keys(args: argparse.Namespace) -> int:
    with _existing_store(args) as store:
        if args.keys_command == "create":
            key, record = store.create_api_key(
                args.email, name=args.name, expires_in_days=args.expires_in
            )
            print(
                f"created key {record.id} for {escape(args.email)}, "
                f"valid until {record.expiry_date}:",
                file=sys.stderr,
            )
            print(key)
        elif args.keys_command == "revoke":
            if args.key_stdin:
                record = store.revoke_api_key(key=sys.stdin.readline().strip())
            else:
                record = store.revoke_api_key(key_id=args.id)
            print(f"revoked key {record.id}")
        else:
            for owner, record in store.list_api_keys(args.email):
                state = "revoked" if record.revoked else f"expires {record.expiry_date}"
                print(
                    f"{record.id}  {escape(owner.email)}  {record.name!r}  "
                    f"****{escape(record.last4)}  {state}"
                )
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("new password: ")
        if getpass.getpass("new password again: ") != password:
            print("kili-typed: the passwords differ", file=sys.stderr)
            return 1
    with _existing_store(args) as store:
        user = store.complete_password_reset(args.token, password)
    print(f"password changed for {escape(user.email)}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Runs a server command parsed by :func:`register`'s parsers.

    Args:
        args: The parsed command line.

    Returns:
        The exit status.
    """
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "keys":
            return _keys(args)
        return _reset_password(args)
    except ApiError as error:
        print(f"kili-typed: {escape(error.message)}", file=sys.stderr)
        return EXIT_REFUSED
    except DatabaseError as error:
        print(f"kili-typed: {escape(str(error))}", file=sys.stderr)
        if isinstance(error, DatabaseCorrupt):
            return EXIT_DATABASE_CORRUPT
        if isinstance(error, DatabaseUnreachable):
            return EXIT_DATABASE_UNREACHABLE
        return EXIT_DIGEST_SECRET
