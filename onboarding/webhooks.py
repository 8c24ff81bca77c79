"""The onboarding app's webhook events (prm.webhooks.registry), registered in apps.py.

"At risk" is raised when the daily reminder run claims the escalation (once, like the
e-mail). Certification events are training's (training/webhooks.py)."""

from django.utils.translation import gettext_lazy as _

from onboarding.models import OnboardingPlan
from prm.webhooks.registry import EventType

PLAN_AT_RISK = EventType("onboarding.plan_at_risk", _("Onboarding plan at risk"), OnboardingPlan)

EVENTS = [
    EventType(
        "onboarding.plan_completed",
        _("Onboarding plan completed"),
        OnboardingPlan,
        audit_actions=("onboarding.plan_completed",),
    ),
    PLAN_AT_RISK,
]
