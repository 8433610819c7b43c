"""Where Herald keeps its files, per platform conventions (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app.constants import APP_AUTHOR, APP_NAME


def data_dir() -> Path:
    override = os.environ.get("HERALD_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    override = os.environ.get("HERALD_LOG_DIR")
    if override:
        path = Path(override)
    elif os.environ.get("HERALD_DATA_DIR"):
        path = Path(os.environ["HERALD_DATA_DIR"]) / "logs"
    else:
        path = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def media_dir() -> Path:
    path = data_dir() / "media"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'herald.db'}"
