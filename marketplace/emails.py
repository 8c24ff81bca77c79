"""Notifications and e-mails of the marketplace, sent by tasks after commit in each
recipient's language (prm.notifications.center: one row per person and event)."""

from django.conf import settings
from django.urls import reverse

from marketplace.models import Listing
from partners.queries import partner_admins
from prm.notifications.center import notify
from prm.notifications.emails import templates
from prm.notifications.recipients import assigned_managers


def listing_submitted(pk: int) -> None:
    listing = Listing.objects.select_related("partner").filter(pk=pk).first()
    if listing is None or listing.status != Listing.Status.SUBMITTED or listing.submitted_at is None:
        return
    path = reverse("marketplace:staff_listing", args=[listing.pk])
    notify(
        kind="listing_submitted",
        recipients=assigned_managers(listing.partner),
        event_key=f"listing:{listing.pk}:submitted:{listing.submitted_at.timestamp():.0f}",
        params={"partner": listing.partner.name, "listing": listing.name},
        url=path,
        partner_id=listing.partner_id,
        email={
            **templates("marketplace/emails/listing_submitted"),
            "context": {"listing": listing, "url": settings.SITE_URL + path},
        },
    )


def listing_decided(pk: int) -> None:
    listing = Listing.objects.select_related("partner").filter(pk=pk).first()
    if listing is None or listing.status not in (Listing.Status.PUBLISHED, Listing.Status.RETURNED):
        return
    variant = "published" if listing.status == Listing.Status.PUBLISHED else "returned"
    path = reverse("marketplace:listing", args=[listing.pk])
    notify(
        kind="listing_decided",
        recipients=partner_admins(listing.partner_id),
        event_key=f"listing:{listing.pk}:{variant}:{listing.updated_at.timestamp():.0f}",
        params={"listing": listing.name, "variant": variant},
        url=path,
        partner_id=listing.partner_id,
        email={
            **templates("marketplace/emails/listing_decided"),
            "context": {"listing": listing, "variant": variant, "url": settings.SITE_URL + path},
        },
    )
