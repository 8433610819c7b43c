"""The client report's PDF (issue 23): drawn with QPdfWriter + QPainter from a
app.core.report.ClientReport, A4, DejaVu fonts embedded; runs headless and off the UI thread.
The dialog that asks for the period lives in app/ui/analytics/report_dialog.py."""
