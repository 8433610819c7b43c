"""Herald's pytest plugin for testers (registered as a pytest11 entry point).

Kept cheap to import: fixtures import Herald's modules only when a test asks for them.
"""

from __future__ import annotations
