"""Constants shared by every layer except the emulator (which imports nothing from app)."""

from __future__ import annotations

APP_NAME = "Herald"
APP_AUTHOR = "Herald"
