"""E-mails of the privacy app, through prm.notifications.center (one notice per event and person,
in the bell and by e-mail as each person prefers), in the recipient's language."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from privacy.models import DataRequest, PartnerExport
from privacy.queries import handlers_for, managers_for_partner
from prm.notifications.center import notify
from prm.notifications.emails import templates


def _mail(template: str, context: dict) -> dict:
    return {**templates(f"privacy/emails/{template}"), "context": context}


def data_request_reminder(*, request_id: int, kind: str) -> None:
    request = DataRequest.objects.select_related("assignee", "partner").filter(pk=request_id).first()
    if request is None or not request.is_open:
        return
    today = timezone.localdate()
    sent_for = request.due_on if kind == "due_soon" else today - timedelta(days=today.weekday())
    path = reverse("privacy:request_detail", args=[request.pk])
    notify(
        kind="privacy_request_due",
        recipients=handlers_for(request),
        event_key=f"privacy-request:{request.pk}:{kind}:{sent_for}",
        params={"request": str(request), "date": str(request.due_on), "variant": kind},
        url=path,
        partner_id=request.partner_id,
        email=_mail(
            "request_reminder",
            {"req": request, "overdue": kind == "overdue", "url": settings.SITE_URL + path},
        ),
    )


def partner_export_ready(*, export_id: int) -> None:
    export = PartnerExport.objects.select_related("partner", "requested_by").filter(pk=export_id).first()
    if export is None or not export.downloadable:
        return
    who = export.requested_by
    recipients = (
        [who] if who is not None and who.is_active and who.is_staff else managers_for_partner(export.partner)
    )
    path = reverse("privacy:export_download", args=[export.pk])
    notify(
        kind="partner_export_ready",
        recipients=recipients,
        event_key=f"partner-export:{export.pk}",
        params={"partner": export.partner.name},
        url=reverse("privacy:exports"),
        partner_id=export.partner_id,
        email=_mail("export_ready", {"export": export, "url": settings.SITE_URL + path}),
    )
