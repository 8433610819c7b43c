"""Domain logic. No Qt import anywhere below this package (import-linter enforces it)."""
