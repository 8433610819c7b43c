"""What needs a person: accounts to reconnect, failed targets to retry, posts that may or may not
have gone out before a crash, and posts missed while Herald was closed.

- `AttentionBanner` (objectName attentionBanner): one row per account that needs reauth, with a
  Reconnect button (reconnectButton) emitting `reconnectRequested(account_id)`.
- `ProblemsPanel` (problemsPanel): failed targets with the platform's reason and Retry
  (retryButton) / Edit; targets waiting for confirmation with Review (reviewButton); missed posts.
- `ConfirmationDialog` (confirmationDialog): "It was published" (confirmPublishedButton) /
  "Publish again" (publishAgainButton).
- `MissedPostsDialog` (missedPostsDialog): Publish now (publishMissedNowButton) / Reschedule
  (rescheduleMissedButton) for the chosen posts.
"""

from __future__ import annotations

from app.ui.attention.banner import AttentionBanner
from app.ui.attention.missed import MissedPostsDialog
from app.ui.attention.problems import MAX_ROWS, ConfirmationDialog, ProblemsPanel

__all__ = [
    "MAX_ROWS",
    "AttentionBanner",
    "ConfirmationDialog",
    "MissedPostsDialog",
    "ProblemsPanel",
]
