"""Campaign reminders to partner admins, each in the recipient's language."""

from django.conf import settings
from django.urls import reverse

from partners.models import Membership
from prm.notifications.emails import send_to_user


def reminder(log) -> None:
    url = settings.SITE_URL + reverse("promotion:detail", kwargs={"pk": log.campaign_id})
    admins = Membership.objects.filter(
        partner_id=log.partner_id, role=Membership.Role.ADMIN, is_active=True
    ).select_related("user")
    context = {"log": log, "campaign": log.campaign, "partner": log.partner, "url": url}
    for membership in admins:
        send_to_user(membership.user, stem="promotion/emails/reminder", context=context)
