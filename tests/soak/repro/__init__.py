"""Minimal reproductions of what the soak found in other modules (docs/soak.md, "Findings").

Each is a plain script: `python -m tests.soak.repro.NAME` prints what happens and exits 1 while
the problem is there, 0 once it is fixed. None of them is collected by pytest.
"""
