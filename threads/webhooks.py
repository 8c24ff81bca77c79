"""The threads app's webhook events (prm.webhooks.registry), registered in apps.py."""

from django.utils.translation import gettext_lazy as _

from prm.webhooks.registry import EventType
from threads.models import Thread

EVENTS = [
    EventType("question.asked", _("Question asked"), Thread, audit_actions=("thread.created",)),
    EventType("question.answered", _("Question answered"), Thread, audit_actions=("thread.answered",)),
]
