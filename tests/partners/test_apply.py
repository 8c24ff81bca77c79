import pytest
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from partners.models import Application, ReferralLink, Source
from partners.views import REFERRAL_COOKIE
from tests.factories import UserFactory
from tests.partners.factories import ApplicationFactory, CapabilityFactory, IndustryFactory

pytestmark = pytest.mark.django_db

URL = "/apply/"


@pytest.fixture
def lookups():
    return IndustryFactory(code="retail"), CapabilityFactory(code="resale")


@pytest.fixture
def valid(lookups):
    industry, capability = lookups
    return {
        "company_name": "青葉システム株式会社",
        "website": "https://www.aoba-systems.example.jp",
        "country": "JP",
        "company_size": "2",
        "industries": [industry.pk],
        "capabilities": [capability.pk],
        "partner_type": "sales",
        "contact_name": "青葉 一郎",
        "contact_email": "ichiro@aoba-systems.example.jp",
        "contact_phone": "03-1234-5678",
        "source": "event",
        "source_detail": "Japan IT Week",
        "consent": "on",
    }


def _post(client, data, **extra):
    with_cb = data
    return client.post(URL, with_cb, **extra)


def test_the_form_explains_the_three_partner_types(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.getvalue().decode()
    for value in ("sales", "delivery", "solution"):
        assert f'value="{value}"' in body
    assert "マージン" in body  # benefits are explained (Japanese by default)


def test_a_valid_application_is_stored_scored_and_confirmed(
    client, valid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, valid)
    assert response.status_code == 302 and response["Location"] == reverse("partners:apply_thanks")
    application = Application.objects.get()
    assert application.domain == "aoba-systems.example.jp"
    assert application.source == Source.EVENT
    assert application.status == Application.Status.SUBMITTED
    assert application.language == "ja"
    assert application.consent_at is not None
    assert list(application.industries.values_list("code", flat=True)) == ["retail"]
    assert application.events.get().to_status == "submitted"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ichiro@aoba-systems.example.jp"]
    assert "受け付けました" in mail.outbox[0].subject


def test_the_confirmation_is_in_the_language_the_applicant_used(
    client, valid, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, valid)
    assert Application.objects.get().language == "en"
    assert mail.outbox[0].subject.startswith("We received your partner application")
    assert "Thank you for applying" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("company_name", "", "会社名を入力してください。"),
        ("website", "", "会社のウェブサイトを入力してください。"),
        ("website", "not a url", "https://"),
        ("website", "https://localhost", "公開ウェブサイト"),
        ("country", "", "国を選択してください。"),
        ("company_size", "", "会社の規模を選択してください。"),
        ("industries", [], "業界を1つ以上選択してください。"),
        ("partner_type", "", "パートナーの形態を選択してください。"),
        ("contact_name", "", "お名前を入力してください。"),
        ("contact_email", "", "メールアドレスを入力してください。"),
        ("contact_email", "nobody", "有効なメールアドレス"),
        ("contact_phone", "call me", "数字"),
        ("source", "", "どこで知ったか"),
        ("consent", "", "同意"),
    ],
)
def test_every_invalid_field_gets_a_clear_error(client, valid, field, value, message):
    data = {**valid, field: value}
    if value == "":
        data.pop(field)
    response = _post(client, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Application.objects.exists()


def test_other_source_needs_a_detail(client, valid):
    response = _post(client, {**valid, "source": "other", "source_detail": ""})
    assert "source_detail" in response.context["form"].errors


def test_the_honeypot_drops_the_submission_silently(client, valid):
    response = _post(client, {**valid, "nickname": "bot"})
    assert response.status_code == 302
    assert not Application.objects.exists()
    assert not mail.outbox


def test_too_many_submissions_from_one_ip_are_refused(client, valid, settings):
    settings.PARTNERS_APPLY_RATE_LIMIT = (2, 3600)
    for n in range(2):
        response = _post(client, {**valid, "website": f"https://c{n}.example.com"})
        assert response.status_code == 302
    response = _post(client, {**valid, "website": "https://c3.example.com"})
    assert response.status_code == 429
    assert Application.objects.count() == 2
    # Another address is not affected.
    response = _post(client, {**valid, "website": "https://c4.example.com"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302


def test_a_duplicate_of_an_open_application_is_refused_politely(client, valid):
    ApplicationFactory(website="https://aoba-systems.example.jp/about", domain="aoba-systems.example.jp")
    response = _post(client, valid)
    assert response.status_code == 200
    assert "すでに" in " ".join(response.context["form"].non_field_errors())
    assert Application.objects.count() == 1


def test_a_decided_application_does_not_block_a_new_one(client, valid):
    ApplicationFactory(domain="aoba-systems.example.jp", status="rejected", decided_at="2026-01-01T00:00Z")
    assert _post(client, valid).status_code == 302
    assert Application.objects.count() == 2


def test_the_database_refuses_a_second_open_application_for_a_domain():
    from django.db import IntegrityError

    ApplicationFactory(domain="same.example.com")
    with pytest.raises(IntegrityError):
        ApplicationFactory(domain="same.example.com")


# --- referral links -------------------------------------------------------------------


@pytest.fixture
def staff_link():
    return ReferralLink.objects.create(
        code="sato123", user=UserFactory(is_staff=True, display_name="佐藤 美咲")
    )


def test_a_referral_click_is_counted_and_lands_on_apply(client, staff_link):
    response = client.get("/r/sato123/")
    assert response.status_code == 302 and response["Location"] == "/apply/"
    client.get("/r/sato123/")
    staff_link.refresh_from_db()
    assert staff_link.clicks == 2


def test_an_unknown_code_still_lands_on_apply_without_attribution(client):
    response = client.get("/r/unknown/")
    assert response.status_code == 302
    assert REFERRAL_COOKIE not in response.cookies


def test_the_referral_is_attributed_and_the_source_becomes_referral(client, valid, staff_link):
    client.get("/r/sato123/")
    page = client.get(URL)
    assert "佐藤 美咲" in page.getvalue().decode()
    assert "source" not in page.context["form"].fields
    _post(client, {**valid, "source": "web"})
    application = Application.objects.get()
    assert application.source == Source.REFERRAL
    assert application.referral_link == staff_link


def test_the_referral_survives_the_end_of_the_browser_session(client, valid, staff_link):
    from django.test import Client

    client.get("/r/sato123/")
    cookie = client.cookies[REFERRAL_COOKIE]
    assert cookie["max-age"]  # persistent, unlike the session cookie
    later = Client()  # a new browser session: no session, only the signed cookie
    later.cookies[REFERRAL_COOKIE] = cookie.value
    later.post(URL, valid)
    assert Application.objects.get().referral_link == staff_link


def test_a_forged_referral_cookie_is_ignored(client, valid, staff_link):
    client.cookies[REFERRAL_COOKIE] = "sato123"  # not signed
    client.post(URL, valid)
    application = Application.objects.get()
    assert application.referral_link is None and application.source == Source.EVENT


def test_an_inactive_link_counts_nothing(client, staff_link):
    staff_link.is_active = False
    staff_link.save()
    client.get("/r/sato123/")
    staff_link.refresh_from_db()
    assert staff_link.clicks == 0


# --- Issue 21, finding 7d: no text of the applicant's choosing to someone else's inbox ----
# The confirmation is a fixed text, confirmations are limited per recipient address (not
# only per IP), and that limit fails closed: with its counter unreachable the application is
# kept and no mail is sent (the limit protects a third party's inbox, not the portal).

PAYLOAD = "Your account is locked: log in at https://evil.example/login 今すぐ"


@pytest.fixture
def hostile(valid):
    return {
        **valid,
        "company_name": PAYLOAD,
        "contact_name": PAYLOAD,
        "website": "https://evil.example/login",
        "contact_email": "victim@example.test",
        "message": PAYLOAD,
        "source_detail": PAYLOAD,
    }


def _bodies(message) -> str:
    return message.subject + message.body + "".join(content for content, _kind in message.alternatives)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_confirmation_carries_none_of_the_applicants_words(
    client, hostile, language, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = language
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, hostile).status_code == 302
    assert Application.objects.get().contact_name == PAYLOAD  # kept for the review
    (message,) = mail.outbox
    assert message.to == ["victim@example.test"]
    text = _bodies(message)
    for word in ("evil.example", "locked", "今すぐ", "victim"):
        assert word not in text
    assert ("受け付けました" if language == "ja" else "We received") in text


def test_confirmations_are_limited_per_recipient_address(
    client, hostile, settings, django_capture_on_commit_callbacks
):
    """From many addresses (the per-IP limit never trips), to one inbox."""
    settings.PARTNERS_APPLY_RECIPIENT_LIMIT = (3, 24 * 3600)
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            data = {**hostile, "website": f"https://c{n}.example.com", "contact_email": "Victim@Example.test"}
            statuses.append(client.post(URL, data, REMOTE_ADDR=f"198.51.100.{n}").status_code)
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert len(mail.outbox) == 3 and Application.objects.count() == 3
    response = client.post(URL, {**hostile, "website": "https://c9.example.com"}, REMOTE_ADDR="198.51.100.9")
    assert "contact_email" in response.context["form"].errors
    # Another address is not affected.
    other = {**hostile, "website": "https://d.example.com", "contact_email": "someone@example.test"}
    assert client.post(URL, other, REMOTE_ADDR="198.51.100.10").status_code == 302


def test_without_the_counter_the_application_is_kept_and_no_mail_is_sent(
    client, hostile, settings, django_capture_on_commit_callbacks
):
    working = settings.CACHES
    settings.CACHES = {"default": {**working["default"], "LOCATION": "redis://127.0.0.1:1/1"}}
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, hostile, follow=True)
    finally:
        settings.CACHES = working
        caches["default"].close()
    assert response.status_code == 200
    assert 'data-testid="apply-unconfirmed"' in response.content.decode()
    assert Application.objects.count() == 1
    assert mail.outbox == []


def test_the_thanks_page_says_a_confirmation_was_sent_when_it_was(
    client, hostile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, hostile, follow=True)
    assert response.request["PATH_INFO"] == reverse("partners:apply_thanks")
    assert 'data-testid="apply-unconfirmed"' not in response.content.decode()


def test_aliases_of_one_inbox_share_its_limit(client, hostile, settings):
    settings.PARTNERS_APPLY_RECIPIENT_LIMIT = (2, 24 * 3600)
    aliases = [
        "Victim@Gmail.com",
        "v.i.c.t.i.m@gmail.com",
        "victim+apply@googlemail.com",
        "VICTIM+x@gmail.com",
    ]
    statuses = [
        client.post(
            URL,
            {**hostile, "website": f"https://e{n}.example.com", "contact_email": address},
            REMOTE_ADDR=f"198.51.100.{n}",
        ).status_code
        for n, address in enumerate(aliases)
    ]
    assert statuses == [302, 302, 429, 429]


def test_the_rejection_carries_none_of_the_applicants_words(
    hostile, world, django_capture_on_commit_callbacks
):
    """Staff rejecting a spam application must not deliver the spam."""
    from partners import services

    application = ApplicationFactory(
        contact_name=PAYLOAD, company_name=PAYLOAD, contact_email="victim@example.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=application, actor=world.manager_a, reason="fit")
    (message,) = mail.outbox
    text = _bodies(message)
    assert "evil.example" not in text and "locked" not in text and "今すぐ" not in text
