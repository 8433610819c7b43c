"""Analytics: metric collection at checkpoints, SQL aggregates for the dashboard.

- `collector`: claims due MetricTasks, fetches metrics in per-account batches, stores
  AnalyticsSnapshots; manual "refresh now".
- `aggregates`: per-post and per-workspace numbers, the 168-bucket hour-of-week heatmap.

No Qt here, and no import of app.adapters: adapters are passed in.
"""
