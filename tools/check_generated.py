"""Fail when generated/ is not exactly what `make generate` would write.

Regenerates from schema.graphql, queries/ and the codegen settings into a
scratch directory, then compares every file byte for byte with generated/;
likewise src/kili_typed/_user_fields.py and .pyi, written by tools/gen_selection.py.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Files the codegen reads: its settings and plugins, the schema and the operations.
INPUTS = (
    "pyproject.toml",
    "schema.graphql",
    "queries",
    "tools/codegen-async.toml",
    "tools/codegen_plugins.py",
    "tools/codegen_base",
)
#: Codegen configurations, each run as `ariadne-codegen --config FILE`.
CONFIGS = ("pyproject.toml", "tools/codegen-async.toml")


def tree(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


#: Written by tools/gen_selection.py (typed selections), from schema.graphql and queries/.
SELECTION = ROOT / "src" / "kili_typed" / "_user_fields.py"


def stale_selection() -> list[str]:
    """The module and its stub (`_user_fields.pyi`), each compared with a fresh copy."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / SELECTION.name
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "gen_selection.py"), "--output", str(fresh)],
            check=True,
        )
        for written, committed in (
            (fresh, SELECTION),
            (fresh.with_suffix(".pyi"), SELECTION.with_suffix(".pyi")),
        ):
            if not (committed.exists() and filecmp.cmp(written, committed, shallow=False)):
                problems.append(
                    f"differs from tools/gen_selection.py output: {committed.relative_to(ROOT)}"
                )
    return problems


def main() -> int:
    codegen = Path(sys.executable).with_name("ariadne-codegen")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in INPUTS:
            src = ROOT / name
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, work / name)
            else:
                shutil.copy2(src, work / name)
        (work / "generated").mkdir()
        # The scratch copy's plugins, as `make generate` loads them from tools/.
        env = {**os.environ, "PYTHONPATH": str(work / "tools")}
        for config in CONFIGS:
            subprocess.run(
                [str(codegen), "--config", config],
                cwd=work,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        fresh, committed = tree(work / "generated"), tree(ROOT / "generated")
        problems = [f"missing from generated/: {n}" for n in sorted(fresh.keys() - committed)]
        problems += [f"not produced by codegen: {n}" for n in sorted(committed.keys() - fresh)]
        problems += [
            f"differs from codegen output: {n}"
            for n in sorted(fresh.keys() & committed.keys())
            if not filecmp.cmp(fresh[n], committed[n], shallow=False)
        ]
    problems += stale_selection()
    if problems:
        print(
            "generated code is stale; run 'make generate' and commit the result:", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print("generated/ matches schema.graphql and queries/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
