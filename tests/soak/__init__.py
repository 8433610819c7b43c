"""`make soak`: reliability suites (chaos, fuzz, secrets, disk). Not part of `make test`.

Run with `python -m tests.soak.run`; see docs/soak.md.
"""
