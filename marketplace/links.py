"""The staff home's link to the marketplace review queue (registered in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _


def staff_links(request):
    if not (request.user.is_channel_manager or request.user.is_superuser):
        return []
    return [
        {
            "label": _("Marketplace listings"),
            "url": reverse("marketplace:staff_listings"),
            "description": _("Solution listings to review before the public directory shows them."),
        }
    ]
