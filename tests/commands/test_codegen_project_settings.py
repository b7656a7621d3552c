"""``kili-typed codegen`` and a project's ``[tool.ariadne-codegen]`` section: what does not
conflict with the runtime is honoured, what does is refused in one line naming the file,
line and column, the setting and why, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

import kili_typed_graphql as bundled

from .conftest import InProcess, one_line

OPERATION = (
    "query Members($email: String) {\n"
    "  users(where: {email: $email}, first: 10, skip: 0) { id organizationRole }\n"
    "}\n"
)

SECTION = """\
[project]
name = "my-project"

[tool.ariadne-codegen]
schema_path = "schema.graphql"
queries_path = "ops"
target_package_name = "my_ops"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's directory, the working directory: a schema, one operation file and a
    pyproject.toml whose [tool.ariadne-codegen] names them."""
    (tmp_path / "schema.graphql").write_text(bundled.schema_text(), encoding="utf-8")
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "members.graphql").write_text(OPERATION, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(SECTION, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def listing(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")}


def settings(project: Path, *lines: str) -> None:
    (project / "pyproject.toml").write_text(SECTION + "\n".join(lines) + "\n", encoding="utf-8")


def test_the_section_gives_the_paths(cli: InProcess, project: Path) -> None:
    result = cli("codegen")
    assert result.status == 0, result.err
    assert one_line(result.err) == "wrote my_ops from 1 operation file: Client, AsyncClient"
    assert "def members(" in (project / "my_ops" / "sync_client" / "client.py").read_text()


def test_options_win_over_the_section(cli: InProcess, project: Path) -> None:
    result = cli("codegen", "--package", "other_ops")
    assert result.status == 0, result.err
    assert (project / "other_ops").is_dir()
    assert not (project / "my_ops").exists()


def test_client_name_names_both_clients(cli: InProcess, project: Path) -> None:
    settings(project, 'client_name = "KiliOps"')
    result = cli("codegen")
    assert result.status == 0, result.err
    assert one_line(result.err).endswith(": KiliOps, AsyncKiliOps")
    init = (project / "my_ops" / "__init__.py").read_text(encoding="utf-8")
    assert "from .sync_client import KiliOps" in init
    assert "from .async_client import AsyncKiliOps" in init
    sync = (project / "my_ops" / "sync_client" / "client.py").read_text(encoding="utf-8")
    assert "class KiliOps(KiliBaseClient):" in sync


def test_include_all_and_snake_case_are_honoured(cli: InProcess, project: Path) -> None:
    assert cli("codegen").status == 0
    # kili-typed's defaults: only the inputs the operations use (none), fields in snake case.
    assert not (project / "my_ops" / "sync_client" / "input_types.py").exists()
    members = (project / "my_ops" / "sync_client" / "members.py").read_text()
    assert "organization_role:" in members

    settings(
        project,
        "include_all_inputs = true",
        "include_all_enums = true",
        "convert_to_snake_case = false",
    )
    assert cli("codegen").status == 0
    inputs = (project / "my_ops" / "sync_client" / "input_types.py").read_text()
    assert "class CreateUserData" in inputs
    members = (project / "my_ops" / "sync_client" / "members.py").read_text()
    assert "organizationRole:" in members


def test_extra_plugins_run_after_kili_typeds(cli: InProcess, project: Path) -> None:
    # A plugin of the project, found beside its pyproject.toml.
    (project / "project_codegen_plugin.py").write_text(
        "import ast\n"
        "from ariadne_codegen.plugins.base import Plugin\n\n\n"
        "class Docstrings(Plugin):\n"
        "    def generate_client_class(self, class_def):\n"
        "        doc = ast.Expr(ast.Constant('Made with our plugin.'))\n"
        "        class_def.body.insert(0, doc)\n"
        "        return class_def\n",
        encoding="utf-8",
    )
    settings(project, 'plugins = ["project_codegen_plugin.Docstrings"]')
    result = cli("codegen")
    assert result.status == 0, result.err
    for flavour in ("sync_client", "async_client"):
        client = (project / "my_ops" / flavour / "client.py").read_text(encoding="utf-8")
        assert '"""Made with our plugin."""' in client
        assert "from .operations import MEMBERS" in client  # kili-typed's plugins ran too


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "async_client = false",
            "pyproject.toml:8:1: [tool.ariadne-codegen] async_client: not supported by "
            "kili-typed codegen: kili-typed codegen writes both clients",
        ),
        (
            'base_client_name = "MyBase"',
            "pyproject.toml:8:1: [tool.ariadne-codegen] base_client_name: not supported by "
            "kili-typed codegen: the clients derive from kili-typed's runtime",
        ),
        (
            'base_client_file_path = "base.py"',
            "pyproject.toml:8:1: [tool.ariadne-codegen] base_client_file_path: not supported",
        ),
        (
            '  remote_schema_url = "https://example.com/graphql"',
            "pyproject.toml:8:3: [tool.ariadne-codegen] remote_schema_url: not supported by "
            "kili-typed codegen: the schema is a file: write it with `kili-typed schema pull",
        ),
        (
            'client_name = "Kili Ops"',
            "pyproject.toml:8:1: [tool.ariadne-codegen] client_name: 'Kili Ops' is not a "
            "Python class name",
        ),
        (
            'plugins = "mine"',
            "pyproject.toml:8:1: [tool.ariadne-codegen] plugins: give a list of import paths",
        ),
        (
            '[tool.ariadne-codegen.scalars.DateTime]\nparse = "x.y"',
            "pyproject.toml:8:1: [tool.ariadne-codegen] scalars: scalar DateTime needs a type",
        ),
        ("client_name = ", "pyproject.toml:8:15: not valid TOML: Invalid value"),
        (
            'plugins = ["no_such_codegen_plugin"]',
            "pyproject.toml:8:1: cannot load a plugin: ",
        ),
        (
            'include_comments = "loud"',
            "pyproject.toml:4:1: ariadne-codegen refused: ",
        ),
    ],
)
def test_a_conflicting_setting_is_refused_in_one_line(
    cli: InProcess, project: Path, line: str, message: str
) -> None:
    settings(project, line)
    before = listing(project)
    result = cli("codegen")
    assert result.status == 2
    assert message in one_line(result.err)
    assert listing(project) == before


def test_config_names_another_file(cli: InProcess, project: Path) -> None:
    (project / "pyproject.toml").unlink()
    (project / "codegen.toml").write_text(
        SECTION.replace('"my_ops"', '"elsewhere_ops"'), encoding="utf-8"
    )
    result = cli("codegen", "--config", "codegen.toml")
    assert result.status == 0, result.err
    assert (project / "elsewhere_ops").is_dir()

    (project / "empty.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    result = cli("codegen", "--config", "empty.toml")
    assert result.status == 2
    assert one_line(result.err) == "kili-typed: empty.toml:1:1: no [tool.ariadne-codegen] section"


def test_without_a_section_the_options_are_required(cli: InProcess, project: Path) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    result = cli("codegen", "--queries", "ops", "--package", "my_ops")
    assert result.status == 2
    assert one_line(result.err) == (
        "kili-typed: --schema is required (or schema_path in the [tool.ariadne-codegen] settings)"
    )
