"""Plug-ins collected by prm/settings.py (constants only)."""

STAFF_LINKS = ["threads.views.staff_links"]
