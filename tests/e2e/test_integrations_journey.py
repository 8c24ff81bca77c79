"""A partner admin connects the company's CRM in the browser: creates an API token acting as
a colleague (shown once), uses it, adds a webhook endpoint (its secret shown once), receives a
signed event and reads the delivery log; then revokes the token."""

import json
import os
import urllib.request
from pathlib import Path

import pytest

from tests.api.receivers import Receiver
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOTS")  # a folder: save screenshots of each page there


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=login]) button[type=submit]")
    page.wait_for_load_state()


def api_get(live_server, path, token):
    request = urllib.request.Request(f"{live_server.url}{path}", headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - the test's own server
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the test's own server
        return json.load(response)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_partner_admin_connects_a_crm(page, live_server, world, tmp_path, language, settings):
    from partners.services import partner_suspend
    from prm.models import User

    User.objects.filter(pk=world.admin_a.pk).update(language=language)
    settings.SITE_URL = live_server.url
    sign_in(page, live_server, world.admin_a.email)
    page.goto(f"{live_server.url}/")
    page.locator(".nav-user").click()
    page.locator("a.dropdown-item[href='/integrations/']").click()
    page.wait_for_load_state()
    shot(page, f"integrations-empty-{language}")

    # A token acting as the member, read-only deals.
    page.goto(f"{live_server.url}/integrations/tokens/new/")
    page.fill("#id_name", "CRM sync")
    page.select_option("#id_user", str(world.member_a.pk))
    page.check("input[name=scopes][value='deals:read']")
    shot(page, f"token-form-{language}")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    secret = page.get_by_test_id("token-secret").input_value()
    shot(page, f"token-created-{language}")
    assert secret.startswith("prm_")
    assert api_get(live_server, "/api/v1/me/", secret)["email"] == world.member_a.email

    # A webhook endpoint for the company's events, and one event through it.
    receiver = Receiver("whsec_placeholder", str(tmp_path / "crm.sqlite3"))
    page.goto(f"{live_server.url}/integrations/webhooks/new/")
    page.fill("#id_url", receiver.url)
    page.check("input[name=event_types][value='partner.suspended']")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    receiver.set_secret(page.get_by_test_id("endpoint-secret").input_value())
    receiver.up()
    try:
        partner_suspend(partner=world.partner_b, actor=world.superuser)  # not this company: nothing
        partner_suspend(partner=world.partner_a, actor=world.superuser)
        assert [row[1] for row in receiver.events()] == ["partner.suspended"]
    finally:
        receiver.down()
    from partners.services import partner_reactivate

    partner_reactivate(partner=world.partner_a, actor=world.superuser)
    page.goto(f"{live_server.url}/integrations/")
    page.get_by_test_id("endpoints").get_by_role("link").first.click()
    page.wait_for_load_state()
    log = page.get_by_test_id("deliveries").inner_text()
    assert "partner.suspended" in log and "204" in log
    shot(page, f"endpoint-{language}")

    # Revoked: the token stops at once.
    page.goto(f"{live_server.url}/integrations/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("tokens").get_by_role("button").first.click()
    page.wait_for_load_state()
    shot(page, f"integrations-{language}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        api_get(live_server, "/api/v1/me/", secret)
    assert refused.value.code == 401
