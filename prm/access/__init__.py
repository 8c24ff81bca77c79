"""Who may do what: the sign-in adapter, staff sessions (MFA, idle time-out, language), staff
roles, staff scoping and the admin's partner scoping.
"""
