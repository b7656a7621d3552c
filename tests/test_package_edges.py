"""The packages import one another one way only.

``kili_typed_testkit`` (pytest plugin, fixtures, in-process transport) sits on top of the
client (``kili_typed``) and the local server (``kili_typed_server``); neither of those
imports the other, and both read the bundled GraphQL files from ``kili_typed_graphql``,
which imports none of them. Every import statement counts, at any depth (inside
functions, under ``TYPE_CHECKING``): a lazy import is still an edge.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: What each package may import, of the project's own top-level packages.
ALLOWED: dict[str, set[str]] = {
    "kili_typed_graphql": set(),
    "kili_typed": {"kili_typed_graphql", "kili_typed_generated", "kili_typed_generated_async"},
    "kili_typed_server": {"kili_typed_graphql"},
    "kili_typed_testkit": {"kili_typed", "kili_typed_server", "kili_typed_graphql"},
}
OWN = {*ALLOWED, "kili_typed_generated", "kili_typed_generated_async"}


def imported_packages(package: str) -> dict[str, set[str]]:
    """The project's top-level packages each of `package`'s modules imports (itself left
    out), by module path."""
    found: dict[str, set[str]] = {}
    for path in sorted((SRC / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(SRC))] = (names & OWN) - {package}
    return found


def test_every_package_of_src_is_known() -> None:
    packages = {path.parent.name for path in SRC.glob("*/__init__.py")}
    assert packages == set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_what_lies_below_it(package: str) -> None:
    forbidden = {
        module: sorted(names - ALLOWED[package])
        for module, names in imported_packages(package).items()
        if names - ALLOWED[package]
    }
    assert forbidden == {}


def test_the_packages_make_no_circle() -> None:
    graph = {
        package: set().union(*imported_packages(package).values()) & set(ALLOWED)
        for package in ALLOWED
    }
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:  # pragma: no cover - the failure itself
        pytest.fail(f"import circle between packages: {error.args[1]}")
    assert order[0] == "kili_typed_graphql"
    assert order[-1] == "kili_typed_testkit"


def loaded_after(code: str) -> list[str]:
    """The project's top-level packages a fresh interpreter has loaded after `code`."""
    probe = (
        f"{code}\n"
        "import sys\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(OWN)!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded: list[str] = ast.literal_eval(result.stdout.splitlines()[-1])
    return loaded


def test_the_client_and_its_cli_load_neither_the_server_nor_the_test_kit() -> None:
    code = (
        "import contextlib, io\n"
        "import kili_typed\n"
        "from kili_typed._cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    loaded = loaded_after(code)
    assert "kili_typed" in loaded
    assert not {"kili_typed_server", "kili_typed_testkit"} & set(loaded)


def test_the_server_loads_no_client() -> None:
    code = (
        "from kili_typed_server.graphql.schema import build_schema\n"
        "from kili_typed_server.cli.commands import register\n"
        "build_schema()\n"
    )
    assert loaded_after(code) == ["kili_typed_graphql", "kili_typed_server"]


#: The server's layers, bottom first: a module imports only from its own layer and those
#: below it. The package's ``__init__`` (its public names, loaded lazily) sits on top.
SERVER_LAYERS = ("core", "storage", "service", "graphql", "http", "instruments", "cli")
#: The layers that serve real requests, which never reach the test instruments.
SERVING_LAYERS = ("core", "storage", "service", "graphql", "http")


def server_modules() -> dict[str, set[str]]:
    """Each module of ``kili_typed_server`` (dotted name) and the server modules it imports,
    at any depth, with ``from package import module`` read as the module."""
    package = SRC / "kili_typed_server"
    names = {
        ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        for path in package.rglob("*.py")
    }
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                imported.update(a.name for a in node.names if a.name in names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in names:
                subs = {f"{node.module}.{a.name}" for a in node.names} & names
                imported.update(subs or {node.module})
        found[module] = imported - {module}
    return found


def layer_of(module: str) -> int:
    """The rank of `module`'s layer, the package's ``__init__`` above them all."""
    parts = module.split(".")
    if len(parts) == 1:
        return len(SERVER_LAYERS)
    assert parts[1] in SERVER_LAYERS, f"{module} lies in no layer folder"
    return SERVER_LAYERS.index(parts[1])


def test_every_server_module_lies_in_a_layer_folder() -> None:
    loose = [
        module
        for module in server_modules()
        if len(module.split(".")) == 2 and module.split(".")[1] not in SERVER_LAYERS
    ]
    assert loose == []


def test_the_server_layers_import_nothing_above_them() -> None:
    upward = {
        module: sorted(name for name in names if layer_of(name) > layer_of(module))
        for module, names in server_modules().items()
        if any(layer_of(name) > layer_of(module) for name in names)
    }
    assert upward == {}


def test_the_serving_layers_never_import_the_test_instruments() -> None:
    instruments = SERVER_LAYERS.index("instruments")
    reaching = {
        module: sorted(name for name in names if layer_of(name) == instruments)
        for module, names in server_modules().items()
        if module.split(".")[1:2] and module.split(".")[1] in SERVING_LAYERS
        if any(layer_of(name) == instruments for name in names)
    }
    assert reaching == {}


def test_the_server_modules_make_no_circle() -> None:
    graph = {module: names for module, names in server_modules().items() if "." in module}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as error:  # pragma: no cover - the failure itself
        pytest.fail(f"import circle between server modules: {error.args[1]}")
