"""`main.py report`: the client report of one workspace and period as a PDF (issue 23).

    python main.py report --workspace NAME --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.pdf

The days are the workspace's (its time zone), both included. Bad dates, an unknown workspace
or a path that cannot be written: one line on stderr, exit 2, and no file (the PDF is drawn
into a temporary file beside FILE.pdf and renamed when whole). Needs no display: Qt draws
offscreen. See docs/reports.md.
"""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.commands.worker import first_line
from app.core.db import DatabaseError
from app.core.report import ReportError, gather, parse_day

PROG = "herald report"


def configure(parser: argparse.ArgumentParser) -> None:
    # --db is added by app.cli for every sub-command.
    parser.add_argument("--workspace", required=True, metavar="NAME", help="workspace name")
    parser.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day"
    )
    parser.add_argument(
        "--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last day (included)"
    )
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        first = parse_day(args.first, "--from date")
        last = parse_day(args.last, "--to date")
        if first > last:
            raise ReportError(f"--from ({first}) is after --to ({last}).")
    except ReportError as exc:
        return _fail(str(exc))
    out = os.path.abspath(os.path.expanduser(args.out))
    if not os.path.isdir(os.path.dirname(out)):
        return _fail(f"Cannot write {out}: the folder {os.path.dirname(out)} does not exist.")
    try:
        context = bootstrap.open_context(getattr(args, "db", None))
    except (DatabaseError, SQLAlchemyError) as exc:
        return _fail(first_line(exc))
    try:
        report = gather(context.db, args.workspace, first, last, context.clock)
    except ReportError as exc:
        return _fail(str(exc))
    except (DatabaseError, SQLAlchemyError) as exc:
        return _fail(first_line(exc))
    finally:
        context.close()
    # Qt only now: a bad argument above costs no Qt start-up.
    from app.ui.report.pdf import ReportWriteError, ensure_gui_app, write_pdf

    ensure_gui_app()
    try:
        path = write_pdf(report, out)
    except ReportWriteError as exc:
        return _fail(str(exc))
    n = report.published
    summary = report.empty_message if report.empty else f"{n:,} published post{'s' * (n != 1)}"
    print(f"{path}\t{summary}")
    return 0
