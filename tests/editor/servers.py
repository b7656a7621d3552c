"""The language servers users run, and what each is asked to complete.

Shared by the end-to-end completion tests (`tests/editor/`) and `bench/editor.py`,
which prints the table of what completes where and times the first completion.
Each server runs over stdio against a workspace of its own whose configuration
points at a virtualenv where the wheel is installed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

#: The checkers' own binaries, the dev extra's pinned copies beside this interpreter.
BIN = Path(sys.executable).parent
#: Where a case's text puts the cursor.
CURSOR = "|"
#: Seconds a server may take to answer one request on a loaded machine.
TIMEOUT = 180


@dataclass(frozen=True)
class Server:
    name: str
    command: tuple[str, ...]

    def configure(self, workspace: Path, python: Path) -> None:
        """Writes the server's configuration into `workspace`: use `python`'s packages."""
        venv = python.parent.parent
        if self.name == "pyright":
            config = {"venvPath": str(venv.parent), "venv": venv.name, "pythonVersion": "3.10"}
            (workspace / "pyrightconfig.json").write_text(json.dumps(config))
        elif self.name == "ty":
            (workspace / "ty.toml").write_text(
                f'[environment]\npython = "{venv}"\npython-version = "3.10"\n'
            )
        else:
            (workspace / "pyrefly.toml").write_text(
                f'python-interpreter-path = "{python}"\npython-version = "3.10"\n'
            )


SERVERS = {
    "pyright": Server("pyright", (str(BIN / "pyright-langserver"), "--stdio")),
    "ty": Server("ty", (str(BIN / "ty"), "server")),
    "pyrefly": Server("pyrefly", (str(BIN / "pyrefly"), "lsp")),
}


@dataclass(frozen=True)
class Case:
    """Code with a cursor, and the names a user expects offered there.

    `offered` must all be among the completions; `absent` none of them (the keys of
    a row that were not selected).
    """

    name: str
    code: str
    offered: frozenset[str]
    absent: frozenset[str] = frozenset()
    #: Servers that do not offer the names there (docs/editors.md says so, and gives
    #: the spelling that completes in them: `F`'s attributes).
    exempt: frozenset[str] = frozenset()


HEAD = """\
from kili_typed import F, AsyncKili, Kili, user_fields

kili = Kili(api_key="k")
akili = AsyncKili(api_key="k")
"""

EVERY_TOP = frozenset({"email", "firstname", "organizationRole", "organizations.name"})
ORGANIZATIONS = frozenset({"organizations.name", "organizations.id"})


#: pyrefly 1.5 completes a `Literal` parameter of a first overload only (not through a
#: TypeVar's bound), and no string in a list; ty 1.0 none in a list given to an
#: overloaded function, nor a key of a class that is no TypedDict.
STRINGS = frozenset({"pyrefly"})
LISTS = frozenset({"ty", "pyrefly"})
KEYS = frozenset({"ty", "pyrefly"})


def _case(
    name: str,
    body: str,
    offered: frozenset[str],
    absent: frozenset[str] = frozenset(),
    exempt: frozenset[str] = frozenset(),
) -> Case:
    return Case(name, HEAD + body, offered, absent, exempt)


#: The attribute spelling, which every server completes: the names after `F.` are
#: attributes of `F` (leaves and nested objects), after `F.organizations.` the nested ones.
ATTRIBUTE_CASES = [
    _case("F. in user_fields", "user_fields(F.|)\n", frozenset({"email", "organizations"})),
    _case("F.organizations.", "user_fields(F.organizations.|)\n", frozenset({"name", "id"})),
    _case("F. in a fields list", "kili.users(fields=[F.|])\n", frozenset({"email", "apiKeys"})),
    _case(
        "F. as a row key",
        "row = kili.users(fields=user_fields(F.email, F.organizations.name))[0]\nrow[F.|]\n",
        frozenset({"email", "organizations"}),
    ),
    _case(
        "F.organizations. nested key",
        "row = kili.users(fields=user_fields(F.email, F.organizations.name))[0]\n"
        "for org in row[F.organizations] or []:\n    org[F.organizations.|]\n",
        frozenset({"name", "id"}),
    ),
]

CASES = [
    _case("user_fields first", 'user_fields("|")\n', EVERY_TOP, exempt=STRINGS),
    _case("user_fields later", 'user_fields("email", "|")\n', EVERY_TOP, exempt=STRINGS),
    _case("user_fields inline", 'kili.users(fields=user_fields("|"))\n', EVERY_TOP, exempt=STRINGS),
    _case(
        "get_current_user",
        'kili.get_current_user(fields=user_fields("email", "|"))\n',
        EVERY_TOP,
        exempt=STRINGS,
    ),
    _case(
        "async users",
        'async def f() -> None:\n    await akili.users(fields=user_fields("|"))\n',
        EVERY_TOP,
        exempt=STRINGS,
    ),
    _case("nested prefix", 'user_fields("organizations.|")\n', ORGANIZATIONS, exempt=STRINGS),
    _case("fields list", 'kili.users(fields=["|"])\n', EVERY_TOP, exempt=LISTS),
    _case("fields list later", 'kili.users(fields=["email", "|"])\n', EVERY_TOP, exempt=LISTS),
    _case(
        "get_current_user list", 'kili.get_current_user(fields=["|"])\n', EVERY_TOP, exempt=LISTS
    ),
    _case(
        "async fields list",
        'async def f() -> None:\n    await akili.users(fields=["|"])\n',
        EVERY_TOP,
        exempt=LISTS,
    ),
    _case(
        "organization_role",
        'kili.update_properties_in_user(email="a", organization_role="|")\n',
        frozenset({"ADMIN", "USER"}),
    ),
    _case(
        "row keys",
        'row = kili.users(fields=user_fields("email", "organization.name"))[0]\nrow["|"]\n',
        frozenset({"email", "organization"}),
        absent=frozenset({"firstname", "apiKeys", "organizations"}),
        exempt=KEYS,
    ),
    _case(
        "nested row keys",
        'row = kili.users(fields=user_fields("email", "organizations.name"))[0]\n'
        'for org in row["organizations"] or []:\n    org["|"]\n',
        frozenset({"name"}),
        absent=frozenset({"id", "matchingDomain"}),
        exempt=KEYS,
    ),
    _case(
        "current user keys",
        'me = kili.get_current_user(fields=user_fields("email", "id"))\nme["|"]\n',
        frozenset({"email", "id"}),
        absent=frozenset({"firstname", "apiKeys"}),
        exempt=KEYS,
    ),
    *ATTRIBUTE_CASES,
]


def cursor_position(code: str) -> tuple[str, types.Position]:
    """`code` without its cursor mark, and the cursor's position."""
    offset = code.index(CURSOR)
    before = code[:offset]
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return code[:offset] + code[offset + 1 :], types.Position(line=line, character=column)


def _converter() -> Any:
    """lsprotocol's converter, reading a notebook filter's union of a str and filter
    classes as sent (ty's and pyrefly's notebook capabilities; no test reads them):
    lsprotocol 2025.0.0 has no structure hook for that union."""
    converter = default_converter()  # type: ignore[no-untyped-call]  # pygls is untyped
    converter.register_structure_hook_func(
        lambda type_: "NotebookDocumentFilterNotebookType" in repr(type_),
        lambda value, _type: value,
    )
    return converter


def make_client() -> LanguageClient:
    """pytest-lsp's test client, with the converter above."""
    client = LanguageClient(converter_factory=_converter)
    register_lsp_features(client)

    # Requests a server may send that an editor acknowledges, and the tests ignore.
    for method in (
        types.CLIENT_REGISTER_CAPABILITY,
        types.CLIENT_UNREGISTER_CAPABILITY,
        types.WORKSPACE_SEMANTIC_TOKENS_REFRESH,
    ):
        client.feature(method)(_acknowledge)
    return client


def _acknowledge(*_arguments: object) -> None:
    return None


async def start(client: LanguageClient, server: Server, workspace: Path) -> None:
    """Starts `server` in `workspace` and initializes the session."""
    await client.start_io(*server.command, cwd=str(workspace))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )


def completion_labels(
    items: types.CompletionList | Sequence[types.CompletionItem] | None,
) -> set[str]:
    """The names offered: each item's inserted text, quotes stripped (servers differ on
    whether the label or the edit carries them)."""
    if items is None:
        return set()
    entries = items.items if isinstance(items, types.CompletionList) else items
    out: set[str] = set()
    for item in entries:
        texts = [item.label, item.insert_text or ""]
        edit = item.text_edit
        if edit is not None:
            texts.append(edit.new_text)
        out.update(text.strip("\"'") for text in texts if text)
    return out


async def complete(client: LanguageClient, path: Path, code: str) -> set[str]:
    """Opens `path` holding `code` (with its cursor mark) and asks for completions there."""
    text, position = cursor_position(code)
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return completion_labels(result)


def verdict(case: Case, labels: set[str]) -> bool:
    """Whether `labels` offer what `case` expects, and nothing it says is absent."""
    return case.offered <= labels and not (case.absent & labels)
