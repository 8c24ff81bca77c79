"""The onboarding app's webhook events (prm.webhooks.registry), registered in apps.py.

"At risk" and "certification expiring" are raised when the daily reminder run claims the
escalation and the expiry reminder (once each, like the e-mails)."""

from django.utils.translation import gettext_lazy as _

from onboarding.models import OnboardingPlan, UserCertification
from prm.webhooks.registry import EventType

PLAN_AT_RISK = EventType("onboarding.plan_at_risk", _("Onboarding plan at risk"), OnboardingPlan)
CERTIFICATION_EXPIRING = EventType("certification.expiring", _("Certification expiring"), UserCertification)

EVENTS = [
    EventType(
        "onboarding.plan_completed",
        _("Onboarding plan completed"),
        OnboardingPlan,
        audit_actions=("onboarding.plan_completed",),
    ),
    PLAN_AT_RISK,
    EventType(
        "certification.earned",
        _("Certification earned"),
        UserCertification,
        audit_actions=("training.certified",),
    ),
    CERTIFICATION_EXPIRING,
]
