"""X (Twitter) under /x: api (posts, timeline, users), auth (OAuth 2.0 + PKCE), media
(uploads), wire (problem+JSON errors and rate-limit headers).
"""
