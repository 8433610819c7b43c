"""The client report (issue 23): what an agency sends its client for one workspace and period.

`gather()` collects the figures (no Qt): the summary per network, the best platform and why,
the best-times heatmaps (the Best times view's scores) and the top posts. The PDF is drawn
from a `ClientReport` by app/ui/report/pdf.py. See docs/reports.md.
"""

from app.core.report.gather import ReportError, gather, parse_day
from app.core.report.model import (
    BestPlatform,
    BestTimesMap,
    ClientReport,
    NetworkFigures,
    TopPostRow,
)

__all__ = [
    "BestPlatform",
    "BestTimesMap",
    "ClientReport",
    "NetworkFigures",
    "ReportError",
    "TopPostRow",
    "gather",
    "parse_day",
]
