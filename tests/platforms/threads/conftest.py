"""Fixtures shared with tests/adapters (emulator, media server, respx router)."""

from tests.adapters.conftest import config, emu, media_server, mock  # noqa: F401
