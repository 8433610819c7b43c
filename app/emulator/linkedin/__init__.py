"""LinkedIn under /linkedin: api (posts, statistics), auth (OAuth 2.0, REST errors), media
(image uploads).
"""
