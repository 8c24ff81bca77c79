"""Finding 7e (issue 21): a staff session needs a second factor for every request, not only
under /admin/ and /staff/, and ends after PRM_STAFF_IDLE_TIMEOUT seconds without activity."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Pages outside /admin/ and /staff/ that a staff member can open: the portal's own pages,
# account pages, htmx fragments, downloads.
ELSEWHERE = [
    "/",
    "/notifications/",
    "/notifications/bell/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/campaigns/",
    "/content/",
    "/questions/",
]


@pytest.fixture
def mfa_on(settings):
    settings.PRM_STAFF_MFA_REQUIRED = True


def _code(secret) -> str:
    return f"{hotp_value(secret, next(counters())):06d}"


def _sign_in_with_totp(client, user, secret):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("path", ["/staff/", "/admin/", *ELSEWHERE])
def test_staff_without_two_factor_reach_no_page(mfa_on, client, world, path):
    client.force_login(world.manager_a)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), path


def test_htmx_fragments_ask_for_a_full_page_redirect(mfa_on, client, world):
    client.force_login(world.manager_a)
    response = client.get("/notifications/bell/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("path", ["/staff/", *ELSEWHERE])
def test_a_session_that_never_used_the_second_factor_must_enter_a_code(mfa_on, client, world, path):
    """TOTP set up, but this session was opened without it (before it was set up, or by a
    session cookie from elsewhere): a code first, then back to the page."""
    Authenticator.objects.create(user=world.manager_a, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(world.manager_a)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=")


def test_a_session_signed_in_with_totp_works_everywhere(mfa_on, client):
    staff = UserFactory(email="staff@example.test", is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    _sign_in_with_totp(client, staff, secret)
    for path in ["/staff/", "/admin/", "/notifications/", "/accounts/email/"]:
        assert client.get(path).status_code == 200, path


def test_re_entering_a_code_lets_the_session_through(mfa_on, client):
    staff = UserFactory(email="late@example.test", is_staff=True)
    client.force_login(staff)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = client.get("/staff/")
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(response["Location"], {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_setting_up_two_factor_stays_reachable(mfa_on, client, world):
    client.force_login(world.manager_a)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_partner_users_are_not_asked_for_two_factor(mfa_on, client, world):
    client.force_login(world.member_a)
    assert client.get("/").status_code == 200


# --- Idle time-out --------------------------------------------------------------------------


def test_an_idle_staff_session_ends(client, world, settings):
    settings.PRM_STAFF_IDLE_TIMEOUT = 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.manager_a)
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/staff/").status_code == 200  # activity moves the deadline
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get("/staff/partners/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session
        assert client.get("/staff/").status_code == 302  # signed out for good


def test_the_polling_bell_does_not_keep_a_session_alive(client, world, settings):
    settings.PRM_STAFF_IDLE_TIMEOUT = 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.manager_a)
        client.get("/staff/")
    for minute in range(1, 31, 5):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            client.get("/notifications/bell/", HTTP_HX_REQUEST="true")
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get("/notifications/bell/", HTTP_HX_REQUEST="true")
        assert response["HX-Redirect"].startswith(reverse("account_login"))


def test_the_session_store_forgets_an_idle_staff_session(client, world, settings):
    settings.PRM_STAFF_IDLE_TIMEOUT = 15 * 60
    client.post(reverse("account_login"), {"login": world.manager_a.email, "password": PASSWORD})
    response = client.get("/staff/")
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 15 * 60
    assert client.session.get_expiry_age() == 15 * 60


def test_partner_sessions_have_no_idle_time_out(client, world, settings):
    settings.PRM_STAFF_IDLE_TIMEOUT = 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.member_a)
        client.get("/")
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert client.get("/").status_code == 200
