"""Hostile input for `import` (issue 16): every file of tests/commands/import_corpus/ is either
imported whole or refused with one `FILE:LINE: reason` per problem, exit code 1, no traceback,
and the database byte-identical afterwards (SQLite file hashed with the WAL checkpointed).

Big files (a 10 MB value, 20,000 rows) are made by the tests in tmp_path, not kept in git.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.commands.import_world import (
    make_world,
    posts,
    run_import,
    sqlite_digest,
    table_contents,
)
from tests.integration.pg import pg_schema_url

CORPUS = Path(__file__).parent / "import_corpus"
HEADER = "scheduled_at,timezone,accounts,text,media\n"

# file -> the posts it holds (imported whole)
GOOD = {
    "good_utf8.csv": 3,
    "good_utf8_bom.csv": 3,
    "good_utf16.csv": 3,
    "good_crlf_header_spaces.csv": 1,
    "good_leading_blank_lines.csv": 1,
}
# file -> one (line, words the message has) per problem; line None: FILE: reason
REFUSED: dict[str, list[tuple[int | None, str]]] = {
    "latin1.csv": [(3, "not UTF-8 text (bytes E9)")],
    "invalid_utf8.csv": [(2, "not UTF-8 text (bytes C3)")],
    "utf16le_without_bom.csv": [(1, "NUL character")],
    "nul.csv": [(3, "NUL character")],
    "binary_garbage.csv": [(1, "not UTF-8 text")],
    "png_renamed.csv": [(1, "not UTF-8 text (bytes 89)")],
    "unterminated_quote.csv": [(3, "never closed")],
    "unterminated_quote_then_quotes.csv": [(4, "the row began on line 2")],
    "quote_closed_at_line_end.csv": [(2, "is a closing quote missing in this row?")],
    "stray_quote.csv": [(2, "a quote in the middle of a value")],
    "missing_columns.csv": [(1, "missing column(s): timezone, media")],
    "duplicate_column.csv": [(1, "column 'text' appears 2 times")],
    "unknown_column.csv": [(1, "unknown column 'text_twiter'")],
    "unnamed_column.csv": [(1, "column 6 has no name")],
    "too_many_and_too_few_values.csv": [
        (2, "6 values, but the header names 5 columns"),
        (4, "3 values, but the header names 5 columns"),
    ],
    "empty.csv": [(None, "the file is empty")],
    "bom_only.csv": [(None, "the file is empty")],
    "blank_lines_only.csv": [(None, "the file is empty")],
    "header_only.csv": [(None, "no rows to import")],
    "dst_gap.csv": [(2, "2031-03-30 02:30 does not exist in Europe/Paris")],
    "dst_fold.csv": [(2, "2031-10-26 02:30 happens twice in Europe/Paris")],
    "unknown_accounts.csv": [
        (2, "unknown account 'nobody' in this workspace"),
        (3, "no Facebook account 'corpus_x' in this workspace"),
    ],
}


def test_the_corpus_is_all_accounted_for() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.csv")) == sorted([*GOOD, *REFUSED])


@pytest.fixture
def world(db_url: str) -> str:
    make_world(db_url)
    return db_url


def _copy(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(CORPUS / name, target)
    return target


def assert_refused(
    capsys: pytest.CaptureFixture[str],
    code: int,
    path: Path,
    expected: list[tuple[int | None, str]],
) -> None:
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    assert lines[-1] == f"herald import: nothing was imported ({len(expected)} problem(s))"
    assert len(lines) == len(expected) + 1, lines  # one message each
    for message, (line, words) in zip(lines, expected, strict=False):
        prefix = f"{path}: " if line is None else f"{path}:{line}: "
        assert message.startswith(prefix), (message, prefix)
        assert words in message, (message, words)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_with_one_message_each_and_the_database_byte_identical(
    world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = _copy(name, tmp_path)
    before = sqlite_digest(world)
    code = run_import(world, path)
    assert_refused(capsys, code, path, REFUSED[name])
    assert sqlite_digest(world) == before


@pytest.mark.parametrize("name", sorted(GOOD))
def test_imported_whole(
    world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = _copy(name, tmp_path)
    assert run_import(world, path) == 0
    assert capsys.readouterr().out == f"imported {GOOD[name]} posts into Corpus\n"
    assert len(posts(world)) == GOOD[name]


def test_the_same_rows_in_utf8_utf8_bom_and_utf16_give_the_same_posts(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = []
    for i, name in enumerate(["good_utf8.csv", "good_utf8_bom.csv", "good_utf16.csv"]):
        url = f"sqlite:///{tmp_path / f'{i}.db'}"
        make_world(url)
        assert run_import(url, _copy(name, tmp_path)) == 0
        texts.append([(p.base_text, p.scheduled_at, p.scheduled_tz) for p in posts(url)])
    assert texts[0] == texts[1] == texts[2]
    assert texts[0][0][0] == "Bonjour à tous 👋"
    assert texts[0][1][0] == 'Two lines,\nwith a "quote" inside'


def test_a_10_mb_value_is_refused(
    world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(HEADER + "2031-05-04 09:30,UTC,corpus_x," + "y" * 10_000_000 + ",\n")
    before = sqlite_digest(world)
    assert_refused(capsys, run_import(world, path), path, [(2, "longer than 131,072 characters")])
    assert sqlite_digest(world) == before


def _many_rows(path: Path, count: int, bad: str) -> Path:
    rows = [
        f"2031-05-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:51,Europe/Paris,"
        f"corpus_x;Corpus Page;Corpus FB,post number {i},\n"
        for i in range(count)
    ]
    path.write_text(HEADER + "".join(rows) + bad)
    return path


@pytest.mark.slow
def test_20000_rows_with_one_bad_row_are_refused_in_seconds(
    world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refusing used to insert every good row and roll back: minutes for 20,000 rows."""
    path = _many_rows(tmp_path / "big.csv", 20_000, "2031-05-04 09:30,UTC,nobody,bad,\n")
    before = sqlite_digest(world)
    started = time.monotonic()
    code = run_import(world, path)
    elapsed = time.monotonic() - started
    assert_refused(capsys, code, path, [(20_002, "unknown account 'nobody'")])
    assert sqlite_digest(world) == before
    assert elapsed < 30, f"refusing 20,000 rows took {elapsed:.1f} s"


@pytest.mark.slow
def test_20000_bad_rows_give_20000_lines(
    world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"2031-05-04 09:{i % 60:02d},UTC,nobody,bad {i},\n" for i in range(20_000))
    path = tmp_path / "all-bad.csv"
    path.write_text(HEADER + rows)
    started = time.monotonic()
    code = run_import(world, path)
    elapsed = time.monotonic() - started
    expected: list[tuple[int | None, str]] = [(i + 2, "'nobody'") for i in range(20_000)]
    assert_refused(capsys, code, path, expected)
    assert elapsed < 30, f"refusing 20,000 rows took {elapsed:.1f} s"


# ------------------------------------------------------------------ PostgreSQL

PG_REFUSED = [
    "nul.csv",  # PostgreSQL cannot store NUL: this used to be a psycopg traceback
    "unterminated_quote.csv",
    "quote_closed_at_line_end.csv",
    "latin1.csv",
    "dst_fold.csv",
]


@pytest.fixture
def pg_world() -> Iterator[str]:
    for url in pg_schema_url():
        make_world(url)
        yield url


@pytest.mark.postgres
@pytest.mark.parametrize("name", PG_REFUSED)
def test_refused_on_postgresql_with_every_table_unchanged(
    pg_world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = _copy(name, tmp_path)
    before = table_contents(pg_world)
    code = run_import(pg_world, path)
    assert_refused(capsys, code, path, REFUSED[name])
    assert table_contents(pg_world) == before
    assert before["posts"] == []


def test_a_refused_file_copies_no_picture_into_the_media_folder(
    world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pictures used to be copied into Herald's media folder row by row before the refusal."""
    from PIL import Image

    from app.core import paths

    Image.new("RGB", (1080, 1080), (10, 120, 200)).save(tmp_path / "pic.jpg", quality=70)
    path = tmp_path / "with-picture.csv"
    path.write_text(
        HEADER
        + "2031-05-04 09:30,UTC,corpus.ig,a picture,pic.jpg\n"
        + "2031-05-04 09:31,UTC,nobody,bad,\n"
    )
    before = sqlite_digest(world)
    code = run_import(world, path)
    assert_refused(capsys, code, path, [(3, "unknown account 'nobody'")])
    assert sqlite_digest(world) == before
    assert list(paths.media_dir().iterdir()) == []
