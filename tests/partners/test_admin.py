import pytest

from partners.models import Application, IdealProfile
from tests.partners.factories import ApplicationFactory, IdealProfileFactory, IndustryFactory

pytestmark = pytest.mark.django_db

MODELS = ["industry", "capability", "idealprofile", "application", "referrallink", "invitation", "partner"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_pages_open(world, client_for, model):
    ApplicationFactory()
    IdealProfileFactory()
    client = client_for(world.superuser)
    assert client.get(f"/admin/partners/{model}/").status_code == 200
    assert client.get(f"/admin/partners/{model}/add/").status_code in (200, 403)


def test_editing_an_application_in_admin_rescores_it(world, client_for):
    IdealProfileFactory(partner_type="delivery", countries=["JP"])
    application = ApplicationFactory(partner_type="sales", country="JP")
    industry = IndustryFactory()
    client = client_for(world.superuser)
    response = client.post(
        f"/admin/partners/application/{application.pk}/change/",
        {
            "company_name": application.company_name,
            "website": application.website,
            "country": "JP",
            "company_size": "2",
            "industries": [industry.pk],
            "partner_type": "delivery",
            "contact_name": "x",
            "contact_email": "x@example.test",
            "source": "web",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.getvalue().decode()[:2000]
    application.refresh_from_db()
    assert application.fit_score == 100


def test_changing_a_profile_in_admin_rescores_open_applications(
    world, client_for, django_capture_on_commit_callbacks
):
    profile = IdealProfileFactory(partner_type="delivery")
    application = ApplicationFactory(partner_type="sales")
    client = client_for(world.superuser)
    data = {
        "name_ja": profile.name,
        "partner_type": "sales",
        "weight_type": 30,
        "weight_region": 20,
        "weight_industry": 20,
        "weight_size": 10,
        "weight_capabilities": 20,
        "is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/partners/idealprofile/{profile.pk}/change/", data)
    assert response.status_code == 302
    assert IdealProfile.objects.get().partner_type == "sales"
    assert Application.objects.get(pk=application.pk).fit_score == 100


def test_admin_action_approves(world, client_for):
    application = ApplicationFactory()
    client = client_for(world.superuser)
    client.post(
        "/admin/partners/application/",
        {"action": "approve_selected", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == "approved" and application.partner is not None
