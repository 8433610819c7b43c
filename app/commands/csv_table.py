"""Moved to app.core.csv_table (the app's import dialog reads files the same way)."""

from app.core.csv_table import CsvRefused, Table, read_table

__all__ = ["CsvRefused", "Table", "read_table"]
