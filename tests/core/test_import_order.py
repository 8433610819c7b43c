"""Each model module imports on its own in a fresh interpreter, whichever comes first (a script
or a test that starts with `from app.core import chains` once met a circular import)."""

from __future__ import annotations

import subprocess
import sys

import pytest

FIRST = [
    "app.core.chains",
    "app.core.chain_models",
    "app.core.containers",
    "app.core.ideas_tables",
    "app.core.models_measures",
    "app.core.queue_tables",
    "app.core.workspace_keys_table",
    "app.core.models",
]


@pytest.mark.parametrize("module", FIRST)
def test_a_model_module_imports_first(module):
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}; from app.core.models import QueuedPost, Target"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
