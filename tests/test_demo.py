"""`make demo`'s script tells its story: no server log lines, and next steps at the end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.py"


def test_the_demo_prints_its_story_and_next_steps() -> None:
    result = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=120, check=True
    )
    out = result.stdout
    for step in ("get_current_user", "create_user", "count_users", "reset_password"):
        assert step in out
    assert out.rstrip().splitlines()[-5].strip().endswith("prints its endpoint and key")
    assert "Next steps:" in out and "KILI_API_KEY" in out
    # uvicorn's lines and the reset token went to the server's log file; no bar into a pipe.
    assert "INFO:" not in out and "single-use token" not in out
    assert result.stderr == ""
