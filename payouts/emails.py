"""E-mails of the payouts app: the payment notice, with its PDF in the recipient's language."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partners.queries import partner_admins
from payouts import notice
from payouts.models import Payout
from prm.notifications.emails import send_to_user


def notice_issued(*, payout_id: int) -> int:
    """Send the notice to the partner's admins once: the statement is claimed (notice_sent_at)
    in the transaction that sends, so a redelivered task sends nothing and a failed send
    leaves no claim."""
    with transaction.atomic():
        payout = (
            Payout.objects.select_for_update(of=("self",))
            .select_related("partner")
            .filter(pk=payout_id, notice_sent_at__isnull=True)
            .exclude(status=Payout.Status.DRAFT)
            .first()
        )
        if payout is None:
            return 0
        sent = 0
        for user in partner_admins(payout.partner_id):
            language = user.language or "ja"
            pdf = notice.render(payout, language=language)
            send_to_user(
                user,
                stem="payouts/emails/notice_issued",
                context={
                    "payout": payout,
                    "objection_days": settings.PRM_PAYOUT_OBJECTION_DAYS,
                    "url": settings.SITE_URL + reverse("payouts:detail", args=[payout.pk]),
                },
                attachments=[(f"payment-notice-{payout.number}-{language}.pdf", pdf, "application/pdf")],
            )
            sent += 1
        payout.notice_sent_at = timezone.now()
        payout.save(update_fields=["notice_sent_at"])
    return sent
