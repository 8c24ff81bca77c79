"""The staff home's link to the plans pages (registered in apps.py; kept apart from the
views, which import forms over modeltranslation's fields, registered after every app's
ready())."""

from django.urls import reverse
from django.utils.translation import gettext as _


def staff_links(request):
    if not (request.user.is_channel_manager or request.user.is_superuser):
        return []
    return [
        {
            "label": _("Joint business plans"),
            "url": reverse("plans:staff_plans"),
            "description": _(
                "Plans to approve, partners without a plan this year, quarterly reviews to sign."
            ),
        }
    ]
