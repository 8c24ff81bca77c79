"""The training app's webhook events (prm.webhooks.registry), registered in apps.py.

"Certification expiring" is raised when onboarding's daily reminder run claims the expiry
reminder (once, like the e-mail)."""

from django.utils.translation import gettext_lazy as _

from prm.webhooks.registry import EventType
from training.models import UserCertification

CERTIFICATION_EXPIRING = EventType("certification.expiring", _("Certification expiring"), UserCertification)

EVENTS = [
    EventType(
        "certification.earned",
        _("Certification earned"),
        UserCertification,
        audit_actions=("training.certified",),
    ),
    CERTIFICATION_EXPIRING,
]
