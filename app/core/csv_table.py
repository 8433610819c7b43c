"""Read a CSV file people made in a spreadsheet, refusing anything that is not clearly a table.

`read_table` returns every record with the line it starts on, or raises CsvRefused with one
`FILE:LINE: reason` (or `FILE: reason`) per problem. It refuses, rather than guesses:

- bytes that are not UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured; Latin-1 is not
  guessed) and NUL characters (a binary file; PostgreSQL cannot store them either);
- quotes that do not pair up: a quoted value never closed would otherwise swallow the rest of
  the file as one text (the csv module's strict mode finds it; we name the line it opened on);
- a header with a missing, repeated or unknown column, and rows with more or fewer values
  than the header has columns (after a stray quote this is often the only sign).

Column names are compared without surrounding spaces and case ("Text " is `text`).
Blank rows (and a spreadsheet's ",,,,") are skipped; the first other one names the columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class CsvRefused(Exception):
    """The file is not a table we can trust; `errors` holds one message per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    records: list[tuple[int, dict[str, str]]]  # (line the record starts on, value by column)


def read_table(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise CsvRefused([f"{path}: the file is empty (its first line should name the columns)"])
    nul = text.find("\x00")
    if nul >= 0:
        raise CsvRefused(
            [
                f"{path}:{_line_at(text, nul)}: contains a NUL character: this is not a text "
                "CSV file (or it is damaged)"
            ]
        )
    return _parse(path, text, required, optional)


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data  # the codec reads the byte-order mark itself
    else:
        encoding, body = "utf-8", data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_at(body[: exc.start].decode(encoding, errors="replace"), None)
        bad = body[exc.start : exc.end].hex(" ").upper()
        raise CsvRefused(
            [
                f"{path}:{line}: not {encoding.upper()} text (bytes {bad}); save the file as "
                "UTF-8 (in Excel: CSV UTF-8)"
            ]
        ) from None


def _line_at(text: str, index: int | None) -> int:
    """1-based line of text[index] (of the end of `text` when index is None), counting
    \\r\\n, \\r and \\n as the csv reader does."""
    return len(_LINE_BREAK.findall(text if index is None else text[:index])) + 1


def _parse(path: Path, text: str, required: Sequence[str], optional: Sequence[str]) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    start = 1
    columns: tuple[str, ...] | None = None
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                pass  # a blank line, or a spreadsheet's ",,,,"
            elif columns is None:
                columns = _columns(path, start, values, required, optional)
            elif len(values) != len(columns):
                errors.append(
                    f"{path}:{start}: {len(values)} values, but the header names "
                    f"{len(columns)} columns (a missing or extra comma, or a stray quote?)"
                )
            else:
                records.append((start, dict(zip(columns, values, strict=True))))
            start = reader.line_num + 1
    except csv.Error as exc:
        errors.append(_quoting_problem(path, start, reader.line_num, str(exc)))
    if columns is None:
        raise CsvRefused(
            errors or [f"{path}: the file is empty (its first line should name the columns)"]
        )
    if errors:
        raise CsvRefused(errors)
    return Table(columns, records)


def _columns(
    path: Path, line: int, header: Sequence[str], required: Sequence[str], optional: Sequence[str]
) -> tuple[str, ...]:
    names = tuple(h.strip().casefold() for h in header)
    known = (*required, *optional)
    problems: list[str] = []
    missing = [c for c in required if c not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    for name in dict.fromkeys(names):
        where = [i + 1 for i, n in enumerate(names) if n == name]
        if not name:
            problems.append(f"column {where[0]} has no name")
        elif name not in known:
            problems.append(f"unknown column {name!r} (the columns are: {', '.join(known)})")
        elif len(where) > 1:
            problems.append(f"column {name!r} appears {len(where)} times")
    if problems:
        raise CsvRefused([f"{path}:{line}: {p}" for p in problems])
    return names


def _quoting_problem(path: Path, start: int, line: int, reason: str) -> str:
    if "field larger than field limit" in reason:
        limit = csv.field_size_limit()
        return (
            f"{path}:{start}: a value longer than {limit:,} characters (no platform takes a "
            "post that long; is a quote missing?)"
        )
    if "unexpected end of data" in reason:
        return (
            f"{path}:{start}: a quoted value that starts in this row is never closed "
            '(a missing "?); nothing after it could be read'
        )
    began = f" (the row began on line {start}: is a quote missing there?)" if line > start else ""
    return (
        f"{path}:{line}: a quote in the middle of a value (text follows a closing quote); write "
        f'the whole value in quotes and double the quotes inside it ("say ""hi"""){began}'
    )
