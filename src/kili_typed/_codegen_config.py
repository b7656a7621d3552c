"""The ``[tool.ariadne-codegen]`` settings ``kili-typed codegen`` reads from a user's
project: what it honours, what it takes as defaults of its own options, and what it
refuses because it conflicts with kili-typed's runtime.

A project moving from plain ariadne-codegen keeps its section: ``client_name``,
``scalars`` (with their ``parse``/``serialize`` functions), extra ``plugins``,
``include_all_inputs``/``include_all_enums``, ``convert_to_snake_case`` and the other
settings of the generated code are handed to ariadne-codegen as they are. The paths
(``schema_path``, ``queries_path``, ``target_package_name``, ``target_package_path``)
are the defaults of ``--schema``, ``--queries``, ``--package`` and ``--target``,
relative to the file's directory. What would replace the runtime (a base client, one
client flavour only, a remote schema...) is refused with one line naming the setting,
where it is, and why.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

if sys.version_info >= (3, 11):
    import tomllib
else:  # tomllib is in the standard library from 3.11; 3.10 reads TOML with its backport.
    import tomli as tomllib

#: The section read, as ariadne-codegen names it.
SECTION = "tool.ariadne-codegen"

#: Settings that would replace kili-typed's runtime, with why each is refused.
REFUSED: Mapping[str, str] = {
    "async_client": "kili-typed codegen writes both clients, one on Kili and one on "
    "AsyncKili; remove it",
    "base_client_name": "the clients derive from kili-typed's runtime "
    "(kili_typed.runtime), which sends through your Kili; remove it",
    "base_client_file_path": "the clients derive from kili-typed's runtime "
    "(kili_typed.runtime), which sends through your Kili; remove it",
    "base_client_module_name": "the clients derive from kili-typed's runtime "
    "(kili_typed.runtime), which sends through your Kili; remove it",
    "opentelemetry_client": "requests go through your Kili's transport, which kili-typed "
    "configures; remove it",
    "multipart_uploads": "the runtime sends JSON requests, not file uploads; remove it",
    "enable_custom_operations": "the runtime runs the package's own operations, not "
    "ariadne-codegen's query builder; remove it",
    "schema_paths": "give one schema file, as schema_path or --schema",
    "remote_schema_url": "the schema is a file: write it with `kili-typed schema pull "
    "--output schema.graphql` (your Kili key and endpoint) and set schema_path",
    "remote_schema_headers": "the schema is a file: write it with `kili-typed schema pull`",
    "remote_schema_verify_ssl": "the schema is a file: write it with `kili-typed schema pull`",
    "remote_schema_timeout": "the schema is a file: write it with `kili-typed schema pull`",
    "remote_schema_http_client_path": "the schema is a file: write it with "
    "`kili-typed schema pull`",
}

#: Settings that are the defaults of the command's options, by option.
PATHS: Mapping[str, str] = {
    "schema_path": "--schema",
    "queries_path": "--queries",
    "target_package_name": "--package",
    "target_package_path": "--target",
}

#: kili-typed's settings where the section says nothing (ariadne-codegen's own defaults
#: differ: it keeps every input and enum type, and writes a comment atop each file).
DEFAULTS: Mapping[str, Any] = {
    "include_comments": "none",
    "convert_to_snake_case": True,
    "include_all_inputs": False,
    "include_all_enums": False,
}

#: Kili's custom scalars, as the bundled client reads them; the section's own
#: ``scalars`` entries take precedence.
SCALARS: Mapping[str, Mapping[str, str]] = {
    "DateTime": {"type": "datetime.datetime"},
    "PageSize": {"type": "int"},
}


class SettingsError(Exception):
    """A settings file the command cannot use; the message names file:line:column."""


@dataclass(frozen=True)
class Settings:
    """What ``kili-typed codegen`` takes from a ``[tool.ariadne-codegen]`` section.

    Attributes:
        file: The file read, if any.
        client_name: The sync client's name; the async one is ``Async`` + it.
        paths: Defaults of the command's options (``--schema``...), resolved against
            the file's directory.
        plugins: Plugins to run after kili-typed's own.
        scalars: Custom scalars, Kili's own included.
        passed: Every other setting, handed to ariadne-codegen as it is.
        positions: ``file:line:column`` of each setting of the section, by name (of the
            section's header for ``""``).
    """

    file: Path | None = None
    client_name: str = "Client"
    paths: Mapping[str, Path | str] = field(default_factory=dict[str, "Path | str"])
    plugins: tuple[str, ...] = ()
    scalars: Mapping[str, Any] = field(default_factory=lambda: dict(SCALARS))
    passed: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    positions: Mapping[str, str] = field(default_factory=dict[str, str])

    def where(self, key: str) -> str:
        """Where `key` is set (``pyproject.toml:12:1``; ``""``: the section), else the file."""
        return self.positions.get(key) or str(self.file or f"[{SECTION}]")

    @property
    def async_client_name(self) -> str:
        """The async client's name (``AsyncClient``, ``AsyncKiliOps``...)."""
        return f"Async{self.client_name}"


def _position(text: str, key: str) -> tuple[int, int]:
    """Line and column of `key`'s assignment in the section (or of its sub-table), else of
    the section's header (TOML readers keep no positions; a key is found as written)."""
    lines = text.splitlines()
    table = r"^\s*\[+\s*tool\s*\.\s*(\"ariadne-codegen\"|ariadne-codegen)\s*"
    start = next((i for i, line in enumerate(lines) if re.match(table + r"\]", line)), None)
    if start is None:
        return 1, 1
    quoted = rf"(\"{re.escape(key)}\"|{re.escape(key)})"
    for number in range(start + 1, len(lines) if key else start + 1):
        line = lines[number]
        if re.match(table + r"\.\s*" + quoted + r"\s*[\].]", line):
            return number + 1, 1
        if re.match(r"^\s*\[", line) and not re.match(table + r"\.", line):
            break  # another table: the key is not set in this one
        found = re.match(rf"^(\s*){quoted}\s*[=.]", line)
        if found:
            return number + 1, len(found.group(1)) + 1
    return start + 1, 1


def _decode_position(error: Exception) -> tuple[int, int]:
    # tomllib says where in its message ("... (at line 3, column 7)"): 3.14 adds
    # attributes for it, earlier versions do not.
    found = re.search(r"line (\d+), column (\d+)", str(error))
    return (int(found.group(1)), int(found.group(2))) if found else (1, 1)


def _section(file: Path, text: str) -> dict[str, Any] | None:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column = _decode_position(error)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise SettingsError(f"{file}:{line}:{column}: not valid TOML: {message}") from None
    tool: object = document.get("tool")
    if not isinstance(tool, dict):
        return None
    section: object = cast("dict[str, object]", tool).get("ariadne-codegen")
    return cast("dict[str, Any]", section) if isinstance(section, dict) else None


def load(config: Path | None, directory: Path) -> Settings:
    """The settings of `config`, or of ``pyproject.toml`` in `directory` if it has a
    ``[tool.ariadne-codegen]`` section; kili-typed's defaults otherwise.

    Args:
        config: The file ``--config`` names, if given: it must hold the section.
        directory: The working directory.

    Raises:
        SettingsError: The file is missing or not TOML, lacks the section (``--config``),
            or sets what conflicts with the runtime.
    """
    file = config if config is not None else directory / "pyproject.toml"
    if config is None and not file.is_file():
        return Settings()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"--config {str(file)!r}: cannot read it: {error}") from None
    section = _section(file, text)
    if section is None:
        if config is None:
            return Settings()
        raise SettingsError(f"{file}:1:1: no [{SECTION}] section")
    return _settings(file, text, section)


def _settings(file: Path, text: str, section: dict[str, Any]) -> Settings:
    def fail(key: str, why: str) -> SettingsError:
        line, column = _position(text, key)
        return SettingsError(f"{file}:{line}:{column}: [{SECTION}] {key}: {why}")

    for key in section:
        if key in REFUSED:
            raise fail(key, f"not supported by kili-typed codegen: {REFUSED[key]}")
    client_name = section.get("client_name", "Client")
    if not isinstance(client_name, str) or not client_name.isidentifier():
        raise fail("client_name", f"{client_name!r} is not a Python class name")
    plugins: object = section.get("plugins", [])
    if not isinstance(plugins, list) or not all(
        isinstance(p, str) for p in cast("list[object]", plugins)
    ):
        raise fail("plugins", "give a list of import paths, e.g. ['my_project.plugins']")
    scalars = section.get("scalars", {})
    if not isinstance(scalars, dict):
        raise fail("scalars", "give a table of scalars, e.g. [tool.ariadne-codegen.scalars.X]")
    for name, scalar in cast("dict[str, object]", scalars).items():
        if not isinstance(scalar, dict) or not isinstance(
            cast("dict[str, object]", scalar).get("type"), str
        ):
            raise fail("scalars", f'scalar {name} needs a type, e.g. type = "str"')
    paths: dict[str, Path | str] = {}
    for key, option in PATHS.items():
        value = section.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value:
            raise fail(key, f"give a path (the default of {option})")
        paths[option] = value if option == "--package" else file.parent / value
    passed = {
        **DEFAULTS,
        **{
            key: value
            for key, value in section.items()
            if key not in PATHS and key not in {"client_name", "plugins", "scalars"}
        },
    }
    positions = {key: ":".join(map(str, (file, *_position(text, key)))) for key in ("", *section)}
    return Settings(
        positions=positions,
        file=file,
        client_name=client_name,
        paths=paths,
        plugins=tuple(cast("list[str]", plugins)),
        scalars={**SCALARS, **cast("dict[str, Any]", scalars)},
        passed=passed,
    )
