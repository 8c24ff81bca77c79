"""Writes of the marketplace: a listing's text, tags and screenshots, its review states
(draft -> submitted -> published, or returned with a comment; a published or submitted
listing can be withdrawn to draft), and a partner's badge opt-in. Keyword-only,
transactional, locked, guarded and audited.

The partner side is an active admin of the listing's partner; the review side a channel
manager who may see the partner (`prm.tenancy.partners_for_staff`). The views check first;
the services check again, so a forgotten check in a view lets nobody else write."""

from __future__ import annotations

from secrets import token_hex

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import LISTING_PARTNER_TYPES, MAX_SCREENSHOTS, BadgeChoice, Listing, Screenshot
from partners.models import Membership
from prm.audit.log import audit
from prm.audit.transitions import transition
from prm.files.uploads import CheckedUpload
from prm.tenancy import partners_for_staff

Status = Listing.Status
TEXT_FIELDS = ("name_ja", "name_en", "description_ja", "description_en")
FIELDS = (*TEXT_FIELDS, "pricing_model", "pricing_note", "contact_name", "contact_email", "contact_url")


class MarketplaceError(Exception):
    """The one domain error of the marketplace (message is translatable)."""


def is_partner_admin(user, partner_id: int) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(
            user=user, partner_id=partner_id, is_active=True, role=Membership.Role.ADMIN
        ).exists()
    )


def is_reviewer(user, partner_id: int) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_staff
        and user.is_channel_manager
        and partners_for_staff(user).filter(pk=partner_id).exists()
    )


def _require_admin(actor, partner_id: int) -> None:
    if not is_partner_admin(actor, partner_id):
        raise MarketplaceError(_("Only the partner's admins can change its listings."))


def _require_reviewer(actor, partner_id: int) -> None:
    if not is_reviewer(actor, partner_id):
        raise MarketplaceError(_("Only the partner's channel managers can review its listings."))


def _notify(event: str, pk: int) -> None:
    from marketplace import tasks

    tasks.notify.delay_on_commit(event, pk)


def may_list(partner) -> bool:
    return partner.partner_type in LISTING_PARTNER_TYPES


# --- A listing's content --------------------------------------------------------------


def listing_create(*, partner, actor, fields: dict, products=(), industries=()) -> Listing:
    _require_admin(actor, partner.pk)
    if not may_list(partner):
        raise MarketplaceError(_("Solution and delivery partners publish listings in the marketplace."))
    with transaction.atomic():
        listing = Listing(partner=partner, created_by=actor, **{k: fields.get(k, "") for k in FIELDS})
        listing.full_clean(exclude=["partner", "products", "industries"])
        listing.save()
        listing.products.set(products)
        listing.industries.set(industries)
        audit(actor=actor, action="listing.created", target=listing)
    return listing


def listing_update(*, listing: Listing, actor, fields: dict, products=(), industries=()) -> Listing:
    """Change a draft or returned listing (a published one is withdrawn first: what the
    public sees has always been reviewed)."""
    _require_admin(actor, listing.partner_id)
    with transaction.atomic():
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        if not locked.editable:
            raise MarketplaceError(_("Only a draft or returned listing can be changed. Withdraw it first."))
        before = {k: getattr(locked, k) for k in FIELDS}
        for name in FIELDS:
            setattr(locked, name, fields.get(name, ""))
        locked.full_clean(exclude=["partner", "products", "industries"])
        locked.save()
        locked.products.set(products)
        locked.industries.set(industries)
        changed = sorted(k for k in FIELDS if before[k] != getattr(locked, k))
        audit(actor=actor, action="listing.updated", target=locked, fields=changed)
    return locked


def _missing_for_review(listing: Listing) -> list[str]:
    missing = [name for name in TEXT_FIELDS if not (getattr(listing, name) or "").strip()]
    if not listing.products.exists() and not listing.industries.exists():
        missing.append("tags")
    return missing


def listing_submit(*, listing: Listing, actor) -> Listing:
    _require_admin(actor, listing.partner_id)
    if _missing_for_review(listing):
        raise MarketplaceError(
            _(
                "Before you submit: write the name and description in Japanese and English, "
                "and tag at least one product or industry."
            )
        )
    submitted = transition(
        listing,
        allowed=lambda row: row.status in Listing.EDITABLE,
        error=MarketplaceError(_("Only a draft or returned listing can be submitted.")),
        values={"status": Status.SUBMITTED, "submitted_at": timezone.now()},
        action="listing.submitted",
        actor=actor,
    )
    _notify("listing_submitted", submitted.pk)
    return submitted


def listing_withdraw(*, listing: Listing, actor) -> Listing:
    """Back to draft (off the public directory, out of the review queue) to change it."""
    _require_admin(actor, listing.partner_id)
    return transition(
        listing,
        allowed=lambda row: row.status in (Status.SUBMITTED, Status.PUBLISHED),
        error=MarketplaceError(_("Only a submitted or published listing can be withdrawn.")),
        values={"status": Status.DRAFT, "published_at": None},
        action="listing.withdrawn",
        actor=actor,
    )


def listing_publish(*, listing: Listing, actor, comment: str = "") -> Listing:
    _require_reviewer(actor, listing.partner_id)
    published = transition(
        listing,
        allowed=lambda row: row.status == Status.SUBMITTED,
        error=MarketplaceError(_("Only a listing awaiting review can be published.")),
        values={
            "status": Status.PUBLISHED,
            "published_at": timezone.now(),
            "reviewed_by": actor,
            "review_comment": comment.strip(),
        },
        action="listing.published",
        actor=actor,
        audit_data={"comment": comment.strip()},
    )
    _notify("listing_decided", published.pk)
    return published


def listing_return(*, listing: Listing, actor, comment: str) -> Listing:
    """Return a listing awaiting review, or take a published one off the directory, with a
    comment the partner reads."""
    _require_reviewer(actor, listing.partner_id)
    comment = (comment or "").strip()
    if not comment:
        raise MarketplaceError(_("Say what should change: the partner reads your comment."))
    returned = transition(
        listing,
        allowed=lambda row: row.status in (Status.SUBMITTED, Status.PUBLISHED),
        error=MarketplaceError(_("Only a submitted or published listing can be returned.")),
        values={
            "status": Status.RETURNED,
            "published_at": None,
            "reviewed_by": actor,
            "review_comment": comment,
        },
        action="listing.returned",
        actor=actor,
        audit_data={"comment": comment},
    )
    _notify("listing_decided", returned.pk)
    return returned


# --- Screenshots ----------------------------------------------------------------------


def screenshot_add(*, listing: Listing, actor, upload, checked: CheckedUpload, caption: str) -> Screenshot:
    """Store an image the form validated (`prm.files.uploads.validate_upload`) under a random
    name in private storage."""
    _require_admin(actor, listing.partner_id)
    caption = (caption or "").strip()
    if not caption:
        raise MarketplaceError(_("Describe the screenshot in a few words (read aloud by screen readers)."))
    with transaction.atomic():
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        if not locked.editable:
            raise MarketplaceError(_("Only a draft or returned listing can be changed. Withdraw it first."))
        count = locked.screenshots.count()
        if count >= MAX_SCREENSHOTS:
            raise MarketplaceError(_("A listing has at most %(max)s screenshots.") % {"max": MAX_SCREENSHOTS})
        shot = Screenshot(
            listing=locked,
            caption=caption[:200],
            content_type=checked.content_type,
            size=checked.size,
            position=count,
        )
        shot.image.save(f"{token_hex(16)}{checked.ext}", upload, save=False)
        shot.save()
        audit(actor=actor, action="listing.screenshot_added", target=locked, caption=shot.caption)
    return shot


def screenshot_remove(*, screenshot: Screenshot, actor) -> None:
    listing = screenshot.listing
    _require_admin(actor, listing.partner_id)
    with transaction.atomic():
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        if not locked.editable:
            raise MarketplaceError(_("Only a draft or returned listing can be changed. Withdraw it first."))
        name, caption = screenshot.image.name, screenshot.caption
        screenshot.delete()
        audit(actor=actor, action="listing.screenshot_removed", target=locked, caption=caption)
        storage = Screenshot._meta.get_field("image").storage
        transaction.on_commit(lambda: storage.delete(name))


# --- Badges ---------------------------------------------------------------------------


def badges_set(*, partner, actor, show: bool) -> BadgeChoice:
    _require_admin(actor, partner.pk)
    with transaction.atomic():
        choice, _created = BadgeChoice.objects.select_for_update().get_or_create(partner=partner)
        if choice.show_badges != show:
            choice.show_badges = show
            choice.save(update_fields=["show_badges", "updated_at"])
            audit(
                actor=actor, action="listing.badges_shown" if show else "listing.badges_hidden", target=choice
            )
    return choice
