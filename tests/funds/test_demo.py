from io import StringIO

import pytest
from django.core.management import call_command

from funds.models import Claim, Fund, FundRequest, LedgerEntry
from plans.models import BusinessPlan

pytestmark = pytest.mark.django_db


def test_demo_has_a_fund_with_an_approved_request_and_a_claim_under_review():
    call_command("seed_demo", stdout=StringIO())
    counts = (
        Fund.objects.count(),
        FundRequest.objects.count(),
        Claim.objects.count(),
        LedgerEntry.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        Fund.objects.count(),
        FundRequest.objects.count(),
        Claim.objects.count(),
        LedgerEntry.objects.count(),
    ) == counts
    sakura = FundRequest.objects.filter(partner__slug="sakura-systems")
    assert set(sakura.values_list("status", flat=True)) == {"submitted", "approved", "claimed"}
    assert Claim.objects.filter(status="submitted", files__kind="receipt").exists()
    assert Claim.objects.payable().filter(partner__slug="sakura-systems").count() == 1
    fund = Fund.objects.get(pk=sakura.first().fund_id)
    assert fund.available >= 0 and fund.reserved > 0 and fund.committed > 0
    # plans.demo (issue 28) runs after funds: checked here, where the demo already runs.
    plan = BusinessPlan.objects.get(partner__slug="sakura-systems")
    assert plan.status == BusinessPlan.Status.APPROVED and plan.goals.count() == 4
    assert plan.activities.filter(fund_request__partner=plan.partner, campaign__isnull=False).count() == 1
    assert [review.signed for review in plan.reviews.all()] == [True]
    # marketplace.demo (issue 30 part 4): one listing published, one awaiting review.
    from marketplace.models import Listing

    assert dict(Listing.objects.values_list("partner__slug", "status")) == {
        "fuji-integration": "published",
        "hokuto-it": "submitted",
    }
    assert Listing.objects.public().filter(partner__slug="fuji-integration").exists()
