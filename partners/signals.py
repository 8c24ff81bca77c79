"""The partner lifecycle, told upwards.

`partners` owns the lifecycle (applied -> onboarding -> active -> suspended / offboarded).
Each transition is a service in `partners.services`; after its transaction commits it sends
one of these signals. Higher apps (onboarding, content, incentives, promotion, threads, the
dashboard) connect receivers in their `AppConfig.ready()`; a receiver that fails raises.

Every signal is sent with `sender=Partner` and the keyword arguments `partner` and `actor`
(the user who made the change, or None for the system).
"""

import django.dispatch

partner_approved = django.dispatch.Signal()  # application approved, partner now onboarding
partner_activated = django.dispatch.Signal()  # onboarding finished (or a manager activated it)
partner_suspended = django.dispatch.Signal()  # members see the suspended page; data kept
partner_reactivated = django.dispatch.Signal()  # suspended -> active again
partner_offboarded = django.dispatch.Signal()  # memberships ended, invitations revoked
partner_profile_completed = django.dispatch.Signal()  # the profile is filled in (once); actor=user
