"""Plug-ins for the portal shell (constants only; see docs/CONVENTIONS.md)."""

HOME_PANELS = ["partners.views.company_panel", "partners.views.referral_panel"]
STAFF_LINKS = ["partners.views.staff_links"]
