"""The prospect pipeline: scoring as applications, duplicates, stages driven by the
invitation and its application, the signed link, the outbound source in the funnel."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone, translation

from partners import queries, services
from partners.models import Application, Partner, PartnerType, Prospect, ProspectActivity, Source
from partners.services import PROSPECT_INVITATION_SALT, RecruitmentError
from tests.partners.factories import (
    ApplicationFactory,
    CapabilityFactory,
    IdealProfileFactory,
    IndustryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def profile():
    profile = IdealProfileFactory(
        partner_type=PartnerType.SALES, countries=["JP"], size_min="2", size_max="3"
    )
    profile.industries.set([IndustryFactory(code="manufacturing", name_ja="製造", name_en="Manufacturing")])
    profile.capabilities.set([CapabilityFactory(code="resale"), CapabilityFactory(code="training")])
    return profile


def _prospect(world, *, name="青葉システム株式会社", domain="aoba-systems.example.jp", **data):
    fields = {
        "name": name,
        "name_kana": "",
        "domain": domain,
        "partner_type": PartnerType.SALES,
        "country": "JP",
        "company_size": "2",
        "owner": world.manager_a,
        **data,
    }
    return services.prospect_create(
        data=fields,
        industries=[IndustryFactory(code="manufacturing")],
        capabilities=[CapabilityFactory(code="resale")],
        actor=world.manager_a,
    )


def test_a_prospect_is_scored_exactly_as_an_application_with_the_same_profile(world, profile):
    prospect = _prospect(world)
    application = ApplicationFactory(partner_type=PartnerType.SALES, country="JP", company_size="2")
    application.industries.set([IndustryFactory(code="manufacturing")])
    application.capabilities.set([CapabilityFactory(code="resale")])
    services.application_score(application=application)
    assert prospect.fit_score == application.fit_score == 90  # half the capabilities: 10 of 20
    assert prospect.fit_reasons == application.fit_reasons
    assert prospect.fit_profile == profile
    assert prospect.name_kana == "アオバシステム"  # suggested from the name, legal words aside


def test_duplicates_are_refused_by_domain_and_by_reading(world):
    world.partner_a.website = "https://www.partner-a.example.jp"
    world.partner_a.save()
    with pytest.raises(RecruitmentError, match=r"already a partner with the domain partner-a\.example\.jp"):
        _prospect(world, name="Other name", domain="https://partner-a.example.jp/about")
    ApplicationFactory(company_name="緑商事株式会社", website="https://midori.example.jp")
    with pytest.raises(RecruitmentError, match="has already applied"):
        _prospect(world, name="緑商事", domain="another-midori.example.jp")  # same reading ミドリショウジ
    _prospect(world)
    with pytest.raises(RecruitmentError, match="already a prospect"):
        _prospect(world, name="Aoba again", domain="www.aoba-systems.example.jp")
    with pytest.raises(RecruitmentError, match="already a prospect"):
        _prospect(world, name="あおばシステム", domain="aoba2.example.jp", name_kana="ｱｵﾊﾞｼｽﾃﾑ")
    assert Prospect.objects.count() == 1


def test_an_invitation_prefills_the_application_and_moves_the_prospect(
    world, client, profile, django_capture_on_commit_callbacks
):
    prospect = _prospect(world, contact_name="青葉 一郎", contact_email="ichiro@aoba-systems.example.jp")
    with django_capture_on_commit_callbacks(execute=True):
        services.prospect_invite(
            prospect=prospect,
            actor=world.manager_a,
            contact_name="青葉 一郎",
            contact_email="ichiro@aoba-systems.example.jp",
            language="ja",
            message="先日はありがとうございました。",
        )
    prospect.refresh_from_db()
    assert prospect.stage == Prospect.Stage.INVITED
    (sent,) = mail.outbox
    assert sent.to == ["ichiro@aoba-systems.example.jp"] and "先日はありがとうございました。" in sent.body
    link = next(word for word in sent.body.split() if "/apply/invited/" in word)

    response = client.get(link.split("testserver")[-1].replace("http://localhost:8000", ""), follow=True)
    body = response.getvalue().decode()
    assert 'value="青葉システム株式会社"' in body and 'value="https://aoba-systems.example.jp"' in body
    assert 'name="source"' not in body and 'data-testid="invitation-note"' in body

    data = {
        "company_name": "青葉システム株式会社",
        "website": "https://aoba-systems.example.jp",
        "country": "JP",
        "company_size": "2",
        "industries": [IndustryFactory(code="manufacturing").pk],
        "partner_type": "sales",
        "contact_name": "青葉 一郎",
        "contact_email": "ichiro@aoba-systems.example.jp",
        "source": "web",  # ignored: the invitation decides
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/apply/", data).status_code == 302
    application = Application.objects.get()
    assert application.source == Source.OUTBOUND and application.invited_by == world.manager_a
    prospect.refresh_from_db()
    assert prospect.stage == Prospect.Stage.APPLIED and prospect.application == application
    # The link is spent: used again, it is refused and the form is the plain one.
    response = client.get(
        reverse("partners:apply_invited", args=[services.prospect_invitation_token(prospect)])
    )
    assert services.prospect_by_invitation(services.prospect_invitation_token(prospect)) is None

    services.application_approve(application=application, actor=world.manager_a)
    prospect.refresh_from_db()
    assert prospect.stage == Prospect.Stage.PARTNER
    assert list(
        prospect.activities.filter(kind=ProspectActivity.Kind.STAGE).values_list("to_stage", flat=True)
    ) == [
        "partner",
        "applied",
        "invited",
        "identified",
    ]
    # The funnel by source counts it as outbound.
    today = timezone.localdate()
    metrics = queries.recruitment_metrics(start=today - timedelta(days=1), end=today)
    outbound = next(row for row in metrics["by_source"] if row["key"] == Source.OUTBOUND)
    assert (outbound["total"], outbound["approved"]) == (1, 1)
    assert Partner.objects.filter(name="青葉システム株式会社").exists()


def test_a_tampered_replaced_or_foreign_link_is_refused(world, client):
    prospect = _prospect(world)
    services.prospect_invite(
        prospect=prospect,
        actor=world.manager_a,
        contact_name="A",
        contact_email="a@example.jp",
        language="en",
    )
    prospect.refresh_from_db()
    token = services.prospect_invitation_token(prospect)
    assert services.prospect_by_invitation(token) == prospect
    tampered = signing.dumps({"p": prospect.pk + 1, "at": prospect.invited_at.isoformat()}, salt="other-salt")
    assert services.prospect_by_invitation(tampered) is None
    assert services.prospect_by_invitation(token[:-2] + "xx") is None
    response = client.get(reverse("partners:apply_invited", args=[token[:-2] + "xx"]), follow=True)
    assert (
        "not valid or has expired" in response.getvalue().decode()
        or "有効期限" in response.getvalue().decode()
    )
    assert 'name="source"' in response.getvalue().decode()  # the ordinary form
    # A new invitation replaces the old link.
    services.prospect_invite(
        prospect=prospect,
        actor=world.manager_a,
        contact_name="A",
        contact_email="a@example.jp",
        language="en",
    )
    assert services.prospect_by_invitation(token) is None
    forged = signing.dumps(
        {"p": prospect.pk, "at": "2020-01-01T00:00:00+00:00"}, salt=PROSPECT_INVITATION_SALT
    )
    assert services.prospect_by_invitation(forged) is None


def test_a_rejected_application_declines_its_prospect_and_manual_stages_are_guarded(world):
    prospect = _prospect(world)
    with pytest.raises(RecruitmentError):
        services.prospect_log(
            prospect=prospect, actor=world.manager_a, on=timezone.localdate(), stage="applied"
        )
    services.prospect_log(
        prospect=prospect,
        actor=world.manager_a,
        on=timezone.localdate(),
        stage="contacted",
        note="Called the CEO",
        next_step="Send the deck",
        next_step_on=timezone.localdate() - timedelta(days=1),
    )
    prospect.refresh_from_db()
    assert prospect.stage == "contacted" and prospect.next_step_overdue


def test_the_staff_pipeline_filters_and_creates_with_a_clear_duplicate_message(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.manager_a)
    _prospect(world, next_step_on=timezone.localdate() - timedelta(days=2))
    _prospect(world, name="Beta KK", domain="beta.example.jp", stage="contacted")
    client.get("/staff/recruitment/prospects/")  # warm the session and the menus
    for n in range(5):
        _prospect(world, name=f"Extra {n}", domain=f"extra{n}.example.jp", owner=world.manager_other)
    with django_assert_max_num_queries(6):  # the same for 2 or 7 rows: no query per row
        assert client.get("/staff/recruitment/prospects/").status_code == 200
    with translation.override("en"):
        body = (
            client.get("/staff/recruitment/prospects/?overdue=true", HTTP_ACCEPT_LANGUAGE="en")
            .getvalue()
            .decode()
        )
    assert "aoba-systems.example.jp" in body and "beta.example.jp" not in body
    response = client.post(
        reverse("partners:staff_prospect_create"),
        {
            "name": "Gamma",
            "domain": "https://www.beta.example.jp/",
            "partner_type": "sales",
            "country": "JP",
            "owner": world.manager_a.pk,
        },
    )
    assert response.status_code == 200 and "Beta KK" in response.getvalue().decode()
    assert Prospect.objects.count() == 7
