"""Bulk actions on posts (issue 22): move several posts by N days, put them into their queues,
duplicate or delete them, each as ONE transaction that the calendar undoes in one step.

Every request names the posts with the `content_version` the person saw (`BulkService.snapshot`
reads them); a post changed meanwhile by another process (the composer, another window, a
worker) is reported as a conflict and left as it is, never overwritten. See docs/queues.md.
"""

from app.core.bulk.service import BulkService
from app.core.bulk.values import BulkChange, BulkItem, BulkResult

__all__ = ["BulkChange", "BulkItem", "BulkResult", "BulkService"]
