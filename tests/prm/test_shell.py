import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_home_is_the_landing_page_with_an_apply_entry(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/apply/"' in response.getvalue().decode()


def test_japanese_is_the_default_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Content-Language"] == "ja"
    assert "パートナーになる" in response.getvalue().decode()


def test_partner_home_shows_their_company_and_the_full_navigation(client, world):
    client.force_login(world.member_a)
    response = client.get("/")
    html = response.getvalue().decode()
    assert world.partner_a.name in html
    for name in ("onboarding", "training", "content", "deals", "incentives", "campaigns", "questions"):
        assert f'data-nav="{name}"' in html


def test_staff_are_sent_to_the_staff_home(client, world):
    client.force_login(world.support)
    response = client.get("/")
    assert response["Location"] == reverse("staff_home")


def test_a_user_without_partner_sees_how_to_get_access(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert "prm/no_partner.html" in [t.name for t in response.templates]


def test_suspended_partner_users_lose_portal_access(client, world):
    world.partner_a.status = "suspended"
    world.partner_a.save()
    client.force_login(world.member_a)
    response = client.get(reverse("onboarding:index"))
    assert response.status_code == 403  # the suspended page, not the portal
    assert "prm/partner_suspended.html" in [t.name for t in response.templates]


def test_language_choice_is_saved_on_the_account(client, world):
    client.force_login(world.member_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.language == "en"
    # A new session (another browser) gets English too.
    from django.test import Client

    other = Client()
    other.force_login(world.member_a)
    assert other.get("/")["Content-Language"] == "en"


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies


def test_error_pages_render(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.getvalue().decode()
