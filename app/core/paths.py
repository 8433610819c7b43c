"""Where Herald keeps its files, per platform conventions (platformdirs).

Every folder here is created private (0700, see filemodes): they hold the database, its backups,
media copies and logs.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app.constants import APP_AUTHOR, APP_NAME
from app.core.filemodes import private_dir


def data_path() -> Path:
    """The user-data folder, not created (see data_dir)."""
    override = os.environ.get("HERALD_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_path() -> Path:
    """The log folder, not created (see log_dir)."""
    override = os.environ.get("HERALD_LOG_DIR")
    if override:
        return Path(override)
    if os.environ.get("HERALD_DATA_DIR"):
        return Path(os.environ["HERALD_DATA_DIR"]) / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def data_dir() -> Path:
    return private_dir(data_path())


def log_dir() -> Path:
    return private_dir(log_path())


def media_dir() -> Path:
    return private_dir(data_dir() / "media")


def backup_dir() -> Path:
    return private_dir(data_dir() / "backups")


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'herald.db'}"
