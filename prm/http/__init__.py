"""Requests: the client's IP behind proxies, rate limits keyed on it, and safe redirects."""
