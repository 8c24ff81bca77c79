"""What promotion holds about a partner, for the offboarding export (privacy.registry)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy import registry
from prm.exports.columns import Column
from promotion.models import CampaignParticipation


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


PARTICIPATION_COLUMNS = [
    Column(_("Campaign"), lambda p: p.campaign.name),
    Column(_("Opted in"), lambda p: _local(p.opted_in_at)),
    Column(_("Opted out"), lambda p: _local(p.opted_out_at)),
    Column(_("Tracked link code"), lambda p: p.code),
    Column(_("Landing page"), lambda p: p.landing_url),
]


def _participations(partner):
    return (
        CampaignParticipation.objects.filter(partner=partner)
        .select_related("campaign")
        .order_by("opted_in_at")
    )


def register() -> None:
    registry.register_partner_export(
        "campaigns",
        label=_("Campaigns joined"),
        columns=PARTICIPATION_COLUMNS,
        rows=_participations,
        count=lambda p: CampaignParticipation.objects.filter(partner=p).count(),
        order=90,
    )
