"""Qt widgets, models and the scheduler thread. No SQL and no HTTP here: views call app.core."""
