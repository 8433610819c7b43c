"""Threads under /threads: api (containers, threads_publish, publishing limit, threads list,
insights) and auth (Threads OAuth, long-lived tokens, refresh, /me).
"""
