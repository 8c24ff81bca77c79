import pytest
from django.utils import translation

from partners import services
from partners.models import PartnerType
from partners.scoring import reason_text, score_against
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
        partner_type=PartnerType.SALES,
        countries=["JP"],
        size_min="2",
        size_max="3",
        weight_type=30,
        weight_region=20,
        weight_industry=20,
        weight_size=10,
        weight_capabilities=20,
    )
    profile.industries.set([IndustryFactory(code="manufacturing", name_ja="製造", name_en="Manufacturing")])
    profile.capabilities.set([CapabilityFactory(code="resale"), CapabilityFactory(code="training")])
    return profile


def _score(profile, **kw):
    applicant = {
        "partner_type": PartnerType.SALES,
        "country": "JP",
        "company_size": "2",
        "industry_codes": ["manufacturing"],
        "capability_codes": ["resale", "training"],
        **kw,
    }
    return score_against(profile, **applicant)


def test_a_perfect_match_scores_100_with_a_reason_per_criterion(profile):
    fit = _score(profile)
    assert fit.score == 100
    assert [r["key"] for r in fit.reasons] == ["type", "region", "industry", "size", "capabilities"]
    texts = [reason_text(r) for r in fit.reasons]
    assert "matches region JP: +20" in texts
    assert "matches partner type: +30" in texts
    assert "matches industry (Manufacturing): +20" in texts
    with translation.override("ja"):
        assert "地域 JP が一致：+20" in [reason_text(r) for r in fit.reasons]
        assert "業界が一致（製造）：+20" in [reason_text(r) for r in fit.reasons]


def test_each_missed_criterion_loses_its_weight(profile):
    fit = _score(profile, country="US", company_size="5")
    assert fit.score == 70
    assert "region US not targeted: +0 of 20" in [reason_text(r) for r in fit.reasons]
    assert "company size out of range: +0 of 10" in [reason_text(r) for r in fit.reasons]


def test_capabilities_count_in_proportion(profile):
    fit = _score(profile, capability_codes=["resale"])
    assert fit.score == 90
    assert "has 1/2 required capabilities: +10" in [reason_text(r) for r in fit.reasons]


def test_unset_criteria_are_left_out_and_weights_rescale():
    profile = IdealProfileFactory(
        partner_type=PartnerType.DELIVERY, countries=["JP"], weight_type=30, weight_region=10
    )
    fit = score_against(
        profile,
        partner_type=PartnerType.DELIVERY,
        country="SG",
        company_size="1",
        industry_codes=[],
        capability_codes=[],
    )
    assert fit.score == 75  # 30 of 40
    assert [r["key"] for r in fit.reasons] == ["type", "region"]


def test_application_is_scored_against_the_best_profile(profile):
    other = IdealProfileFactory(name="Delivery", partner_type=PartnerType.DELIVERY, countries=["SG"])
    application = ApplicationFactory(partner_type=PartnerType.DELIVERY, country="SG")
    services.application_score(application=application)
    application.refresh_from_db()
    assert application.fit_profile == other
    assert application.fit_score == 100
    assert {r["key"] for r in application.fit_reasons} == {"type", "region"}


def test_inactive_profiles_are_ignored(profile):
    profile.is_active = False
    profile.save()
    application = services.application_score(application=ApplicationFactory())
    assert application.fit_score == 0 and application.fit_profile is None


def test_rescore_follows_a_profile_change(profile):
    application = ApplicationFactory(country="US")
    application.industries.set([IndustryFactory(code="manufacturing")])
    services.application_score(application=application)
    before = application.fit_score
    profile.countries = ["JP", "US"]
    profile.save()
    assert services.applications_rescore() == 1
    application.refresh_from_db()
    assert application.fit_score == before + 20
