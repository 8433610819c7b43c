"""The hypothesis profile of the soak's fuzz modules (tests/soak/fuzz_*.py).

Those modules are not collected by `make test` (pytest's python_files is test_*.py); run.py runs
them with `-o python_files=fuzz_*.py`. Importing this module registers and loads the "soak"
profile: more examples than `make test`'s property tests, no deadline, no example database
(a soak run starts clean), and the reproduction blob printed on failure.

HERALD_SOAK_EXAMPLES scales every test's example count (default 1.0; 0.1 for a quick run).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("HERALD_SOAK_EXAMPLES", "1") or "1")


def examples(n: int) -> int:
    return max(10, int(n * SCALE))


settings.register_profile(
    "soak",
    max_examples=examples(500),
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
settings.load_profile("soak")
