"""The listing review states (issue 30 part 4): draft -> submitted -> published, or returned
with a comment; who may move them; what is audited and who hears."""

import pytest
from django.core import mail

from marketplace import services
from marketplace.models import Listing
from marketplace.services import MarketplaceError
from prm.models import AuditEvent, Notification
from tests.marketplace.factories import FIELDS, draft, published, screenshot

pytestmark = pytest.mark.django_db
Status = Listing.Status


def actions(listing):
    return list(
        AuditEvent.objects.filter(target_id=str(listing.pk), action__startswith="listing.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_review_states_and_who_moves_them(world, django_capture_on_commit_callbacks):
    listing = draft(world.partner_a, world.admin_a)
    assert listing.status == Status.DRAFT and listing.name == FIELDS["name_ja"]
    for outsider in (world.member_a, world.admin_b, world.manager_a, world.support):
        with pytest.raises(MarketplaceError):
            services.listing_submit(listing=listing, actor=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.listing_submit(listing=listing, actor=world.admin_a)
    assert listing.status == Status.SUBMITTED and listing.submitted_at
    assert Notification.objects.filter(recipient=world.manager_a, kind="listing_submitted").exists()
    assert mail.outbox[-1].to == [world.manager_a.email]
    with pytest.raises(MarketplaceError):  # awaiting review: nobody edits
        services.listing_update(listing=listing, actor=world.admin_a, fields=FIELDS)
    for outsider in (world.admin_a, world.manager_other, world.support):  # not its own reviewer
        with pytest.raises(MarketplaceError):
            services.listing_publish(listing=listing, actor=outsider)
    with pytest.raises(MarketplaceError):  # returning needs a comment
        services.listing_return(listing=listing, actor=world.manager_a, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.listing_return(
            listing=listing, actor=world.manager_a, comment="価格の記載を具体的に"
        )
    assert (listing.status, listing.reviewed_by) == (Status.RETURNED, world.manager_a)
    assert mail.outbox[-1].to == [world.admin_a.email] and "価格の記載を具体的に" in mail.outbox[-1].body
    tags = list(listing.industries.all())
    listing = services.listing_update(
        listing=listing, actor=world.admin_a, fields={**FIELDS, "pricing_note": "月額5万円"}, industries=tags
    )
    listing = services.listing_submit(listing=listing, actor=world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.listing_publish(listing=listing, actor=world.manager_a)
    assert listing.status == Status.PUBLISHED and listing.published_at
    assert Notification.objects.filter(recipient=world.admin_a, kind="listing_decided").count() == 2
    with pytest.raises(MarketplaceError):  # published: withdraw first
        services.listing_update(listing=listing, actor=world.admin_a, fields=FIELDS)
    listing = services.listing_withdraw(listing=listing, actor=world.admin_a)
    assert (listing.status, listing.published_at) == (Status.DRAFT, None)
    assert actions(listing) == [
        "listing.created",
        "listing.submitted",
        "listing.returned",
        "listing.updated",
        "listing.submitted",
        "listing.published",
        "listing.withdrawn",
    ]


def test_both_languages_and_a_tag_are_needed_to_submit(world):
    listing = draft(world.partner_a, world.admin_a, industries=[], name_en="", description_en="")
    with pytest.raises(MarketplaceError):
        services.listing_submit(listing=listing, actor=world.admin_a)
    assert Listing.objects.get(pk=listing.pk).status == Status.DRAFT


def test_only_solution_and_delivery_partners_list(world, django_user_model):
    from tests.factories import MembershipFactory

    admin_b = MembershipFactory(partner=world.partner_b, role="admin").user  # a sales partner
    with pytest.raises(MarketplaceError):
        draft(world.partner_b, admin_b)
    with pytest.raises(MarketplaceError):  # a member of A is not an admin
        draft(world.partner_a, world.member_a)


def test_a_manager_takes_a_published_listing_down_with_a_comment(world):
    world.partner_a.directory_listed = True
    world.partner_a.save(update_fields=["directory_listed"])
    listing = published(world.partner_a, world.admin_a, world.manager_a)
    assert Listing.objects.public().filter(pk=listing.pk).exists()
    listing = services.listing_return(listing=listing, actor=world.manager_a, comment="製品名の誤り")
    assert listing.status == Status.RETURNED and not Listing.objects.public().filter(pk=listing.pk).exists()


def test_a_javascript_contact_url_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        draft(world.partner_a, world.admin_a, contact_url="javascript:alert(1)")
    assert not Listing.objects.exists()


def test_screenshots_only_while_editable_and_at_most_six(world):
    listing = draft(world.partner_a, world.admin_a)
    for n in range(6):
        screenshot(listing, world.admin_a, caption=f"Screen {n}")
    with pytest.raises(MarketplaceError):
        screenshot(listing, world.admin_a)
    listing = services.listing_submit(listing=listing, actor=world.admin_a)
    with pytest.raises(MarketplaceError):
        services.screenshot_remove(screenshot=listing.screenshots.first(), actor=world.admin_a)
    assert listing.screenshots.count() == 6


def test_badge_opt_in_is_the_partner_admins_and_audited(world):
    with pytest.raises(MarketplaceError):
        services.badges_set(partner=world.partner_a, actor=world.member_a, show=True)
    choice = services.badges_set(partner=world.partner_a, actor=world.admin_a, show=True)
    assert choice.show_badges
    services.badges_set(partner=world.partner_a, actor=world.admin_a, show=True)  # unchanged: no event
    assert AuditEvent.objects.filter(action="listing.badges_shown").count() == 1
