"""The audited write path: `log.audit()` (every service write), the transition shape, readable
action labels, the admin change-log receivers and the staff audit page.
"""
