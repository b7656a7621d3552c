"""How many examples hypothesis tries: a few on a developer's machine, all of them in CI.

``CI=true`` (as CI runs) loads the ``ci`` profile and gives every test its full count;
otherwise the ``dev`` profile runs a tenth of it, so that ``make test`` stays short for a
newcomer. ``HYPOTHESIS_PROFILE=ci`` asks for the full count locally. The counts are a
budget of search, not of correctness: every example checks the same properties.
"""

from __future__ import annotations

import os

from hypothesis import settings

#: The profile in use: ``ci`` under ``CI=true``, else ``dev`` (or ``HYPOTHESIS_PROFILE``).
PROFILE = os.environ.get(
    "HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI", "").lower() == "true" else "dev"
)
#: The share of each test's full count the ``dev`` profile runs.
DEV_SHARE = 10

settings.register_profile("ci", max_examples=100)
settings.register_profile("dev", max_examples=100 // DEV_SHARE)
settings.load_profile(PROFILE)


def examples(full: int) -> int:
    """A test's example count under the current profile: `full` in CI, a tenth else."""
    return full if PROFILE == "ci" else max(10, full // DEV_SHARE)
