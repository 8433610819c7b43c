"""The database column type of a network's name: a string in, a `Platform` out.

Networks are registered at run time (app.platforms), so the column cannot be a closed
`Enum`; it stays what the enum column always was on disk (VARCHAR(24), no native enum, no
CHECK constraint), which is why this needs no migration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, TypeDecorator

from app.platforms.names import Platform

#: the stored width, as the Enum column had it
NAME_LENGTH = 24


class PlatformName(TypeDecorator[Platform]):
    impl = String(NAME_LENGTH)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        # Platform() refuses an unregistered name, as the Enum column refused a foreign value.
        return None if value is None else Platform(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> Platform | None:
        return None if value is None else Platform(value)
