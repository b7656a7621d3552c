"""``kili-typed server``: the commands that administer a local kili-typed server.

``kili-typed server serve`` runs it; ``kili-typed server keys`` and ``kili-typed server
reset-password`` act directly on its SQLite database, not through any API, and never on
Kili's cloud. The old spellings (``kili-typed serve``, ``keys``, ``reset-password``) are
hidden aliases for one release.

``kili-typed`` finds this module through the ``kili_typed.commands`` entry point (see
``pyproject.toml``) and loads it only when one of these commands is run: it calls
:func:`register`, then :func:`run`. The web stack is imported only by ``serve``; the other
commands act on a database file with the standard library alone.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from kili_typed_server.core import limits
from kili_typed_server.core.errors import ApiError
from kili_typed_server.service.display import escape
from kili_typed_server.service.passwords import INSECURE_TEST_HASHER, PRODUCTION_HASHER
from kili_typed_server.service.store import Store
from kili_typed_server.storage.database import (
    DatabaseCorrupt,
    DatabaseError,
    DatabaseUnreachable,
    DigestSecretError,
)

#: The command that groups the local server's commands, and its one-line help.
SERVER_COMMAND = "server"
SERVER_SUMMARY = (
    "administer a local kili-typed server: serve it, or manage its database's API keys "
    "and password resets (never Kili's cloud)"
)
#: The server's commands as they were spelled before `server` grouped them.
LEGACY_SERVER_COMMANDS = ("serve", "keys", "reset-password")

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


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text}")
    return value


class _RefuseToken(argparse.Action):
    """``--token``: refused, without echoing it (a secret in the process list and history)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs="?", help=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        parser.error(
            "--token is not accepted: a secret on the command line is visible to other users "
            "of this machine and stays in your shell history; type it at the prompt, or use "
            "--token-stdin or --token-file PATH"
        )


SUMMARIES = {
    "serve": "run the local Kili-compatible GraphQL server on a SQLite database",
    "keys": "create, revoke or list the API keys stored in a local server's database",
    "reset-password": "set a user's new password in a local server's database, "
    "with the reset token from the server's log",
}


def _add_serve(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--db", default=DEFAULT_DB, help=f"SQLite file (default {DEFAULT_DB})")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"interface (default {DEFAULT_HOST})")
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port, 0 for any free one (default {DEFAULT_PORT})",
    )
    serve.add_argument("--digest-secret-file", metavar="PATH", help=_SECRET_HELP)
    key = serve.add_mutually_exclusive_group()
    key.add_argument(
        "--api-key-file",
        metavar="PATH",
        help="a fixed admin API key, the first line of this file (registered when unknown)",
    )
    # A secret on the command line is readable by other users and kept in shell history:
    # accepted, hidden and with a warning, for one release.
    key.add_argument("--api-key", help=argparse.SUPPRESS)
    serve.add_argument("--admin-email", help="the admin's email on first start")
    password = serve.add_mutually_exclusive_group()
    password.add_argument(
        "--admin-password-file",
        metavar="PATH",
        help="the admin's password on first start, the first line of this file",
    )
    password.add_argument("--admin-password", help=argparse.SUPPRESS)
    serve.add_argument("--organization-name", help="the organization's name on first start")
    _add_serve_bounds(serve)
    _add_serve_for_tests(serve)


def _add_serve_bounds(serve: argparse.ArgumentParser) -> None:
    """What the server allows and how it answers: throttling, latency, cost, time."""
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
        "--max-query-cost",
        type=_positive_int,
        default=limits.MAX_QUERY_COST,
        metavar="N",
        help="refuse, before it runs, a request that may cost more than N units of work: each "
        "field once per item of the lists around it, each item of a list argument once "
        f"(default {limits.MAX_QUERY_COST}; see docs/local-server.md)",
    )
    serve.add_argument(
        "--request-timeout",
        type=_positive_seconds,
        default=limits.REQUEST_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="stop a query still running after SECONDS and answer an error "
        f"(default {limits.REQUEST_TIMEOUT_SECONDS:g})",
    )


def _add_serve_for_tests(serve: argparse.ArgumentParser) -> None:
    """Seeds, the control API, cheap hashing and the log level: what test suites ask for."""
    serve.add_argument(
        "--max-concurrent-requests",
        type=_non_negative_int,
        default=limits.MAX_CONCURRENT_REQUESTS_PER_KEY,
        metavar="N",
        help="run at most N GraphQL requests of one API key at once; "
        f"{limits.WAITING_REQUESTS_PER_TURN} times as many wait their turn, beyond answer "
        f"429 with Retry-After (default {limits.MAX_CONCURRENT_REQUESTS_PER_KEY}; 0: no limit)",
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


def _add_keys(keys: argparse.ArgumentParser) -> None:
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


def _add_reset_password(reset: argparse.ArgumentParser) -> None:
    reset.add_argument("--db", required=True, help="SQLite file of the server")
    reset.add_argument("--digest-secret-file", metavar="PATH", help=_SECRET_HELP)
    token = reset.add_mutually_exclusive_group()
    token.add_argument(
        "--token-stdin",
        action="store_true",
        help="read the reset token from the first line of standard input",
    )
    token.add_argument(
        "--token-file", metavar="PATH", help="read the reset token from this file's first line"
    )
    reset.add_argument("--token", action=_RefuseToken)
    reset.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new password from standard input (after the token, with --token-stdin)",
    )


ADDERS = {"serve": _add_serve, "keys": _add_keys, "reset-password": _add_reset_password}


def register(commands: Any) -> None:
    """Adds ``server serve|keys|reset-password``, and the old spellings as hidden aliases,
    to the ``kili-typed`` parser.

    Args:
        commands: The subparsers object of the ``kili-typed`` parser.
    """
    server = commands.add_parser(
        SERVER_COMMAND,
        help=SERVER_SUMMARY,
        description="Administer a local kili-typed server: run it (serve), and act directly "
        "on its SQLite database (keys, reset-password). None of these talk to Kili's cloud; "
        "for users on any Kili server, see `kili-typed users`.",
    )
    actions = server.add_subparsers(dest="server_command", required=True, metavar="ACTION")
    for name, add in ADDERS.items():
        add(actions.add_parser(name, help=SUMMARIES[name], description=SUMMARIES[name] + "."))
    # No help: argparse leaves them out of `kili-typed --help`.
    for name in LEGACY_SERVER_COMMANDS:
        legacy = commands.add_parser(name, description=SUMMARIES[name] + ".")
        legacy.set_defaults(server_command=name, legacy=True)
        ADDERS[name](legacy)


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
            f"kili-typed: no database at {db}; start `kili-typed server serve --db {db}` once"
        )
    return Store(db, digest_secret=digest_secret(args))


def _secret_from_file(path: str, what: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SystemExit(f"kili-typed: cannot read {path}: {error.strerror}") from None
    return _first_line(text, f"{what} in {path}")


def _serve_secrets(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The fixed API key and admin password, from their files (or, deprecated, arguments)."""
    for option, alternative in (
        ("api_key", "--api-key-file"),
        ("admin_password", "--admin-password-file"),
    ):
        if getattr(args, option) is not None:
            print(
                f"kili-typed: --{option.replace('_', '-')} on the command line is visible to "
                f"other users of this machine and stays in your shell history; use "
                f"{alternative} PATH (the argument is accepted for this release only)",
                file=sys.stderr,
            )
    api_key = args.api_key
    if args.api_key_file is not None:
        api_key = _secret_from_file(args.api_key_file, "API key")
    password = args.admin_password
    if args.admin_password_file is not None:
        password = _secret_from_file(args.admin_password_file, "password")
    return api_key, password


def _serve(args: argparse.Namespace) -> int:
    api_key, admin_password = _serve_secrets(args)
    try:
        from kili_typed_server.cli.runner import serve_forever
    except ImportError as error:
        print(
            f"kili-typed: the server needs its extra: pip install 'kili-typed[server]' ({error})",
            file=sys.stderr,
        )
        return EXIT_MISSING_EXTRA
    import logging

    control_token = None
    if args.control_token_file is not None:
        from kili_typed_server.instruments.control import read_control_token

        try:
            control_token = read_control_token(args.control_token_file)
        except ValueError as error:
            print(f"kili-typed: {error}", file=sys.stderr)
            return 2
    if args.seed_file is not None:
        from kili_typed_server.instruments.seeding import read_seed_file

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
            api_key=api_key,
            admin_email=args.admin_email,
            admin_password=admin_password,
            log_level=args.log_level,
            rate_limit=args.rate_limit,
            seed_users=args.seed_users,
            latency_ms=args.latency_ms,
            hasher=INSECURE_TEST_HASHER if args.insecure_test_hashing else PRODUCTION_HASHER,
            digest_secret=secret,
            seed_file=args.seed_file,
            control_token=control_token,
            max_query_cost=args.max_query_cost,
            request_timeout=args.request_timeout,
            max_concurrent_requests=args.max_concurrent_requests or None,
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


def _first_line(text: str, what: str) -> str:
    value = text.splitlines()[0].strip() if text.strip() else ""
    if not value:
        raise SystemExit(f"kili-typed: no {what} found")
    return value


def _reset_token(args: argparse.Namespace) -> str:
    """The reset token: from standard input, a file, or a prompt, never an argument."""
    if args.token_stdin:
        return _first_line(sys.stdin.readline(), "reset token on standard input")
    if args.token_file is not None:
        try:
            text = Path(args.token_file).read_text(encoding="utf-8")
        except OSError as error:
            raise SystemExit(
                f"kili-typed: cannot read {args.token_file}: {error.strerror}"
            ) from None
        return _first_line(text, f"reset token in {args.token_file}")
    if not sys.stdin.isatty():
        raise SystemExit(
            "kili-typed: no terminal to ask for the reset token on: "
            "use --token-stdin or --token-file PATH"
        )
    return _first_line(getpass.getpass("reset token (from the server's log): "), "reset token")


def _reset_password(args: argparse.Namespace) -> int:
    token = _reset_token(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("new password: ")
        if getpass.getpass("new password again: ") != password:
            print("kili-typed: the passwords differ", file=sys.stderr)
            return 1
    with _existing_store(args) as store:
        user = store.complete_password_reset(token, password)
    print(f"password changed for {escape(user.email)}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Runs a server command parsed by :func:`register`'s parsers.

    Args:
        args: The parsed command line.

    Returns:
        The exit status.
    """
    command = args.server_command
    if getattr(args, "legacy", False):
        print(
            f"kili-typed: '{command}' is now 'kili-typed {SERVER_COMMAND} {command}'; "
            "the old spelling goes away in the next release",
            file=sys.stderr,
        )
    try:
        if command == "serve":
            return _serve(args)
        if command == "keys":
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
