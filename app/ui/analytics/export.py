"""The numbers behind each dashboard tab as one rectangular table, for CSV export (no Qt)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from app.core.analytics.aggregates import WEEKDAYS, PostReport
from app.core.timeutil import from_utc
from app.ui.analytics.data import Dashboard

Table = tuple[list[str], list[list[object]]]


def _rate(value: float | None) -> object:
    return "" if value is None else round(value, 6)


def best_times(data: Dashboard) -> Table:
    header = [
        "platform",
        "weekday",
        "hour",
        "posts",
        "measure",
        "average",
        "recommended_rank",
        "expected",
        "confidence",
    ]
    rows: list[list[object]] = []
    for platform, heatmap in data.summary.heatmaps.items():
        profile = data.profiles.get(platform)
        ranks = {s.bucket: i for i, s in enumerate(profile.top(3), 1)} if profile else {}
        for b in range(168):
            rank = ranks.get(b)
            rows.append(
                [
                    platform.value,
                    WEEKDAYS[b // 24],
                    f"{b % 24:02d}:00",
                    heatmap.counts[b],
                    heatmap.measure,
                    _rate(heatmap.means[b]),
                    rank or "",
                    _rate(profile.scores[b]) if profile and rank else "",
                    profile.confidences[b] if profile and rank else "",
                ]
            )
    return header, rows


def platforms(data: Dashboard) -> Table:
    header = [
        "platform",
        "posts",
        "impressions",
        "likes",
        "shares",
        "comments",
        "engagement",
        "avg_engagement_rate",
    ]
    rows: list[list[object]] = [
        [
            t.platform.value,
            t.posts,
            t.impressions,
            t.likes,
            t.shares,
            t.comments,
            t.engagement,
            _rate(t.avg_rate),
        ]
        for t in data.summary.platforms
    ]
    return header, rows


def posts(data: Dashboard, reports: Sequence[PostReport]) -> Table:
    """Every snapshot of the top posts: what the posts table and the growth chart show."""
    header = [
        "post_id",
        "post",
        "platform",
        "checkpoint",
        "fetched_at",
        "impressions",
        "likes",
        "shares",
        "comments",
        "engagement",
        "engagement_rate",
    ]
    zone = data.summary.zone
    rows: list[list[object]] = []
    for report in reports:
        for target in report.targets:
            for p in target.points:
                rows.append(
                    [
                        report.post_id,
                        report.text,
                        target.platform.value,
                        p.checkpoint.value,
                        from_utc(p.fetched_at, zone).isoformat(timespec="minutes"),
                        p.impressions,
                        p.likes,
                        p.shares,
                        p.comments,
                        p.engagement,
                        _rate(p.rate),
                    ]
                )
    return header, rows


def write_csv(path: str | Path, table: Table) -> None:
    header, rows = table
    with Path(path).open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel reads UTF-8
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
