"""Campaign reminders to partner admins, each in the recipient's language."""

from django.urls import reverse

from partners.models import Membership
from prm.notifications.emails import send_templated_mail


def reminder(log) -> None:
    url = reverse("promotion:detail", kwargs={"pk": log.campaign_id})
    admins = Membership.objects.filter(
        partner_id=log.partner_id, role=Membership.Role.ADMIN, is_active=True
    ).select_related("user")
    for membership in admins:
        user = membership.user
        send_templated_mail(
            to=[user.email],
            language=user.language,
            subject_template="promotion/emails/reminder_subject.txt",
            text_template="promotion/emails/reminder.txt",
            html_template="promotion/emails/reminder.html",
            context={"log": log, "campaign": log.campaign, "partner": log.partner, "user": user, "path": url},
        )
