"""Notifications and e-mail: the kinds of notification, the one `notify()` (in-app and
e-mail), the e-mail trio sender, who may receive a partner's mail, and the bell and
preference pages.
"""
