"""Plug-ins collected by prm/settings.py (constants only)."""

STAFF_LINKS = ["threads.views.staff_links"]
HOME_PANELS = ["threads.views.home_panel"]
