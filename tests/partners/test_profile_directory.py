from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from partners import services
from partners.models import Partner, ReferralLink
from tests.factories import PartnerFactory
from tests.partners.factories import ApplicationFactory, CapabilityFactory, IndustryFactory

pytestmark = pytest.mark.django_db


def _png(size=(1200, 800)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, "navy").save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def profile_task(world):
    """Partner A's running onboarding plan with a "complete the profile" task."""
    from onboarding.models import TaskKind
    from tests.onboarding.factories import PlanFactory, TaskFactory

    plan = PlanFactory(partner=world.partner_a)
    TaskFactory(plan=plan, kind=TaskKind.SIGNOFF)  # keeps the plan running
    return TaskFactory(plan=plan, kind=TaskKind.PROFILE)


def _complete_data(world):
    return {
        "description": "Kansai reseller",
        "website": "https://alpha.example.jp",
        "company_size": "3",
        "regions": ["JP", "SG"],
        "industries": [IndustryFactory(code="retail").pk],
        "capabilities": [CapabilityFactory(code="resale").pk],
        "directory_listed": "on",
    }


def test_admin_completes_the_profile_and_onboarding_hears_once(
    world, client_for, profile_task, django_capture_on_commit_callbacks
):
    from prm.models import AuditEvent

    client = client_for(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/profile/", {**_complete_data(world), "logo": _png()})
    assert response.status_code == 302
    partner = Partner.objects.get(pk=world.partner_a.pk)
    assert partner.description == "Kansai reseller" and partner.directory_listed
    assert [str(c) for c in partner.regions] == ["JP", "SG"]
    with Image.open(partner.logo.path) as img:
        assert img.format == "PNG" and max(img.size) <= 400  # resized
    assert partner.profile_completed_at is not None
    # Onboarding heard partners.signals.partner_profile_completed: the profile task is done.
    profile_task.refresh_from_db()
    assert profile_task.status == "done" and profile_task.completed_by == world.admin_a
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/profile/", {**_complete_data(world), "description": "Changed"})
    assert AuditEvent.objects.filter(action="partner.profile_completed").count() == 1  # reported once


def test_an_incomplete_profile_lists_what_is_missing(
    world, client_for, profile_task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.admin_a).post("/profile/", {"description": "Only this"})
    page = client_for(world.admin_a).get("/profile/")
    assert "ロゴ" in page.getvalue().decode()
    profile_task.refresh_from_db()
    assert profile_task.status == "open"


def test_an_invalid_logo_is_refused(world, client_for):
    bad = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client_for(world.admin_a).post("/profile/", {**_complete_data(world), "logo": bad})
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors


def test_members_read_the_profile_but_cannot_edit(world, client_for):
    client = client_for(world.member_a)
    page = client.get("/profile/")
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post("/profile/", {"description": "Hack"}).status_code == 403


# --- public directory -----------------------------------------------------------------


def test_only_active_opted_in_partners_are_listed(client):
    PartnerFactory(name="Listed Active", directory_listed=True)
    PartnerFactory(name="Not Opted In")
    PartnerFactory(name="Listed Suspended", directory_listed=True, status=Partner.Status.SUSPENDED)
    PartnerFactory(name="Listed Onboarding", directory_listed=True, status=Partner.Status.ONBOARDING)
    body = client.get("/partners/").getvalue().decode()
    assert "Listed Active" in body
    for hidden in ("Not Opted In", "Listed Suspended", "Listed Onboarding"):
        assert hidden not in body


def test_directory_search_by_type_country_industry(client):
    retail = IndustryFactory(code="retail")
    a = PartnerFactory(name="Alpha JP Sales", partner_type="sales", country="JP", directory_listed=True)
    a.industries.set([retail])
    PartnerFactory(name="Beta US Delivery", partner_type="delivery", country="US", directory_listed=True)
    PartnerFactory(
        name="Gamma SG Sales", partner_type="sales", country="SG", regions=["JP"], directory_listed=True
    )

    def names(query):
        return {p.name for p in client.get(f"/partners/?{query}").context["page"]}

    assert names("partner_type=sales") == {"Alpha JP Sales", "Gamma SG Sales"}
    assert names("country=US") == {"Beta US Delivery"}
    assert names("country=JP") == {"Alpha JP Sales", "Gamma SG Sales"}  # home country or region served
    assert names("industry=retail") == {"Alpha JP Sales"}
    assert names("q=beta") == {"Beta US Delivery"}


def test_directory_detail_hides_unlisted_partners(client):
    listed = PartnerFactory(slug="listed", directory_listed=True)
    hidden = PartnerFactory(slug="hidden")
    assert client.get(f"/partners/{listed.slug}/").status_code == 200
    assert client.get(f"/partners/{hidden.slug}/").status_code == 404


def test_directory_paginates(client):
    for n in range(14):
        PartnerFactory(name=f"P{n:02d}", directory_listed=True)
    page = client.get("/partners/?page=2").context["page"]
    assert page.number == 2 and len(page.object_list) == 2


@pytest.mark.parametrize("count", [2, 10])
def test_directory_queries_stay_flat(client, django_assert_max_num_queries, count):
    retail = IndustryFactory(code="retail")
    for _ in range(count):
        PartnerFactory(directory_listed=True).industries.set([retail])
    # The page, industries, public listings (marketplace) and the filter menus; no badges here.
    with django_assert_max_num_queries(6):
        assert client.get("/partners/").status_code == 200


# --- referrals for partners -----------------------------------------------------------


def test_partner_sees_its_referral_results_on_home_and_page(world, client_for):
    link = services.referral_link_for(partner=world.partner_a)
    ReferralLink.objects.filter(pk=link.pk).update(clicks=7)
    ApplicationFactory(referral_link=link, source="referral")
    ApplicationFactory(referral_link=link, source="referral", status="approved", decided_at=timezone.now())
    client = client_for(world.member_a)
    for url in ("/", "/referrals/"):
        page = client.get(url).getvalue().decode()
        assert link.absolute_url in page
        assert 'data-testid="referral-clicks">7<' in page
        assert 'data-testid="referral-applications">2<' in page
        assert 'data-testid="referral-approvals">1<' in page


def test_onboarding_partners_have_no_referral_link_yet(world, client_for):
    Partner.objects.filter(pk=world.partner_a.pk).update(status=Partner.Status.ONBOARDING)
    page = client_for(world.member_a).get("/referrals/")
    assert page.context["link"] is None
    assert not ReferralLink.objects.filter(partner=world.partner_a).exists()


def test_staff_get_a_personal_link_and_see_all_referrers(world, client_for):
    page = client_for(world.manager_a).get("/staff/recruitment/referrals/")
    own = ReferralLink.objects.get(user=world.manager_a)
    assert own.absolute_url in page.getvalue().decode()
    # Unassigned managers do not see partner A's link among the referrers.
    services.referral_link_for(partner=world.partner_a)
    assert (
        world.SECRET_A
        not in client_for(world.manager_other).get("/staff/recruitment/referrals/").getvalue().decode()
    )
    assert (
        world.SECRET_A in client_for(world.manager_a).get("/staff/recruitment/referrals/").getvalue().decode()
    )


# --- metrics --------------------------------------------------------------------------


def _at(day: int, hour: int = 12):
    return timezone.make_aware(datetime(2026, 10, day, hour))


@pytest.fixture
def funnel(world):
    link = ReferralLink.objects.create(code="mgr", user=world.manager_a, clicks=30)
    # Referral: 3 applications, 2 approved (after 2 and 4 days), 1 rejected (after 6 days).
    ApplicationFactory(
        source="referral", referral_link=link, created_at=_at(1), status="approved", decided_at=_at(3)
    )
    ApplicationFactory(
        source="referral", referral_link=link, created_at=_at(2), status="approved", decided_at=_at(6)
    )
    ApplicationFactory(
        source="referral",
        referral_link=link,
        created_at=_at(3),
        status="rejected",
        decided_at=_at(9),
        partner_type="delivery",
    )
    # RFP: 1 open; Web: 1 rejected after 10 days.
    ApplicationFactory(source="rfp", created_at=_at(4), partner_type="solution")
    ApplicationFactory(source="web", created_at=_at(5), status="rejected", decided_at=_at(15))
    # Outside the period.
    ApplicationFactory(source="web", created_at=_at(30), status="approved", decided_at=_at(31))
    return link


def test_funnel_numbers_on_a_known_data_set(funnel):
    from datetime import date

    from partners.queries import recruitment_metrics

    m = recruitment_metrics(start=date(2026, 10, 1), end=date(2026, 10, 20))
    t = m["totals"]
    assert (t["total"], t["approved"], t["rejected"], t["open"]) == (5, 2, 2, 1)
    assert t["approval_rate"] == 50.0
    assert t["median_days"] == 5.0  # decisions after 2, 4, 6 and 10 days
    by_source = {r["key"]: r for r in m["by_source"]}
    assert (by_source["referral"]["total"], by_source["referral"]["approved"]) == (3, 2)
    assert by_source["referral"]["approval_rate"] == pytest.approx(66.7)
    assert by_source["web"]["approval_rate"] == 0.0
    assert by_source["rfp"]["approval_rate"] is None  # nothing decided yet
    assert by_source["event"]["total"] == 0
    by_type = {r["key"]: r["total"] for r in m["by_type"]}
    assert by_type == {"sales": 3, "delivery": 1, "solution": 1}
    top = m["top_referrers"]
    assert [(r.code, r.application_count, r.approved_count, r.clicks) for r in top] == [("mgr", 3, 2, 30)]


def test_metrics_page_and_csv(funnel, world, client_for):
    client = client_for(world.manager_a)
    page = client.get("/staff/recruitment/metrics/?start=2026-10-01&end=2026-10-20")
    assert page.status_code == 200
    assert 'data-testid="total">5<' in page.getvalue().decode()
    csv = (
        client.get("/staff/recruitment/metrics/?start=2026-10-01&end=2026-10-20&format=csv")
        .getvalue()
        .decode()
    )
    assert csv.startswith("\ufeff")
    assert "紹介,3,2,1,66.7" in csv


def test_metrics_reject_a_reversed_period(world, client_for):
    page = client_for(world.manager_a).get("/staff/recruitment/metrics/?start=2026-10-20&end=2026-10-01")
    assert "end" in page.context["form"].errors


def test_default_period_is_the_last_90_days(world, client_for):
    ApplicationFactory(created_at=timezone.now() - timedelta(days=100))
    ApplicationFactory(created_at=timezone.now() - timedelta(days=5))
    page = client_for(world.manager_a).get("/staff/recruitment/metrics/")
    assert page.context["m"]["totals"]["total"] == 1


@pytest.mark.parametrize("count", [2, 10])
def test_staff_referrers_page_queries_stay_flat(world, client_for, django_assert_max_num_queries, count):
    for n in range(count):
        link = ReferralLink.objects.create(code=f"c{n}", partner=PartnerFactory())
        ApplicationFactory(referral_link=link, source="referral")
    client = client_for(world.manager_a)
    client.get("/staff/recruitment/referrals/")  # creates the manager's own link
    with django_assert_max_num_queries(12):
        assert client.get("/staff/recruitment/referrals/").status_code == 200
