"""Instagram under /instagram: api (containers, publishing, media, insights) and auth
(Instagram Login, long-lived tokens).
"""
