"""What a question is about: allow-listed, loaded through the partner's scope, else ignored."""

import pytest
from django.utils import timezone

from content.models import Asset
from partners.models import Membership
from tests.threads.factories import make_thread
from threads import about
from threads.models import Thread


@pytest.fixture
def assets_for(db):
    """A published asset partner A may see, and a draft nobody outside staff sees."""
    visible = Asset.objects.create(
        title="Partner onboarding guide", status=Asset.Status.PUBLISHED, published_at=timezone.now()
    )
    hidden = Asset.objects.create(title="Secret pricing memo", status=Asset.Status.DRAFT)
    return visible, hidden


@pytest.mark.parametrize(
    "value",
    [
        "",
        "content.asset",
        "content.asset:abc",
        "auth.user:1",
        "partners.partner:1",
        "nonsense",
        "content.asset:-1",
    ],
)
def test_malformed_or_unlisted_values_are_ignored(value, world):
    assert about.resolve(value, partner=world.partner_a) is None


def test_absent_apps_are_ignored(world):
    # onboarding.onboardingtask / incentives.deal may not exist in this build; never an error.
    # With the app present there is no such row either: None in every build.
    for label in ("onboarding.onboardingtask:999999", "incentives.deal:999999"):
        assert about.resolve(label, partner=world.partner_a) is None


def test_asset_through_the_content_library(world, assets_for):
    visible, hidden = assets_for
    assert about.resolve(f"content.asset:{visible.pk}", partner=world.partner_a) == visible
    assert about.resolve(f"CONTENT.Asset:{visible.pk}", partner=world.partner_a) == visible
    assert about.resolve(f"content.asset:{hidden.pk}", partner=world.partner_a) is None


def test_for_partner_models_are_scoped(world, monkeypatch):
    # Any allow-listed model with objects.for_partner() works the same way (here: memberships).
    monkeypatch.setitem(about.ABOUT_MODELS, "partners.membership", "for_partner")
    own = Membership.objects.get(user=world.member_a)
    foreign = Membership.objects.get(user=world.admin_b)
    assert about.resolve(f"partners.membership:{own.pk}", partner=world.partner_a) == own
    assert about.resolve(f"partners.membership:{foreign.pk}", partner=world.partner_a) is None


def test_new_question_about_an_asset(world, client_for, assets_for):
    visible, _hidden = assets_for
    client = client_for(world.member_a)
    page = client.get(f"/questions/new/?about=content.asset:{visible.pk}&category=content")
    assert "Partner onboarding guide" in page.getvalue().decode()
    assert page.context["form"].initial["category"] == "content"
    client.post(
        "/questions/new/",
        {
            "subject": "Guide",
            "category": "content",
            "body": "Where is step 3?",
            "about": f"content.asset:{visible.pk}",
        },
    )
    thread = Thread.objects.get()
    assert thread.about == visible
    staff_page = client_for(world.support).get(f"/staff/questions/{thread.pk}/").getvalue().decode()
    assert "Partner onboarding guide" in staff_page
    expected = about.staff_url(visible)
    assert expected is None or expected in staff_page


def test_foreign_or_hidden_about_is_silently_dropped(world, client_for, assets_for):
    _visible, hidden = assets_for
    client = client_for(world.member_a)
    page = client.get(f"/questions/new/?about=content.asset:{hidden.pk}").getvalue().decode()
    assert "Secret pricing memo" not in page
    response = client.post(
        "/questions/new/",
        {"subject": "Q", "category": "content", "body": "x", "about": f"content.asset:{hidden.pk}"},
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.about_type is None and thread.about_id is None


def test_unknown_category_in_the_link_is_ignored(world, client_for):
    page = client_for(world.member_a).get("/questions/new/?category=bogus")
    assert page.context["form"].initial["category"] is None


def test_staff_see_a_vanished_object_as_no_longer_available(world, client_for, assets_for):
    visible, _hidden = assets_for
    thread = make_thread(world.partner_a, world.member_a, about=visible)
    visible.delete()
    page = client_for(world.support).get(f"/staff/questions/{thread.pk}/")
    assert page.status_code == 200 and page.context["about"] is None and page.context["about_missing"]


def test_new_question_url_for_other_apps(world):
    asset = Asset.objects.create(title="Guide")
    assert about.new_question_url(asset, category="content") == (
        f"/questions/new/?about=content.asset:{asset.pk}&category=content"
    )
    assert about.new_question_url() == "/questions/new/"
