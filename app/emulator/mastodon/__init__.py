"""Mastodon's client API under /mastodon (one emulated instance)."""
