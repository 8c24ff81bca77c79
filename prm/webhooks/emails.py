from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from prm.notifications.emails import send_to_user
from prm.webhooks.models import Endpoint


@transaction.atomic
def endpoint_disabled(*, endpoint_id: int) -> bool:
    """Tell the owner their endpoint was disabled, once per disabling: the row lock and
    `disabled_notified_at` make a repeated task send nothing."""
    endpoint = Endpoint.objects.select_for_update().select_related("owner").filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.is_active or endpoint.disabled_reason != Endpoint.Disabled.FAILING:
        return False
    if endpoint.disabled_notified_at is not None and endpoint.disabled_notified_at >= endpoint.disabled_at:
        return False
    name = "integrations:endpoint" if endpoint.partner_id else "integrations:staff_endpoint"
    send_to_user(
        endpoint.owner,
        stem="webhooks/emails/endpoint_disabled",
        context={"endpoint": endpoint, "url": settings.SITE_URL + reverse(name, args=[endpoint.pk])},
    )
    endpoint.disabled_notified_at = timezone.now()
    endpoint.save(update_fields=["disabled_notified_at"])
    return True
