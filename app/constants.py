"""Constants shared by every layer, the emulator included (it imports nothing else from app)."""

from __future__ import annotations

# Transition: `Platform` now lives in app.platforms.names (the registry decides what a
# network is). Re-exported here only because app/emulator still imports it from this
# module until the emulator has its own names; new code imports app.platforms.names.
from app.platforms.names import Platform

__all__ = ["APP_AUTHOR", "APP_NAME", "Platform"]

APP_NAME = "Herald"
APP_AUTHOR = "Herald"
