"""Caching: the one page-cache policy (`pagecache`, docs/CONVENTIONS.md, "Caching") and the
Redis cache backend that fails open.
"""
