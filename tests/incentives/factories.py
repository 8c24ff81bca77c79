from datetime import date, timedelta
from decimal import Decimal

import factory

from incentives.models import Deal, IncentiveProgram, Product, Tier
from incentives.normalise import company_key
from tests.factories import PartnerFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"製品{n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")


REVIEWED = (Deal.Status.APPROVED, Deal.Status.EXPIRED)


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    partner = factory.SubFactory(PartnerFactory)
    customer_company = factory.Sequence(lambda n: f"Customer {n} Inc.")
    company_key = factory.LazyAttribute(lambda o: company_key(o.customer_company))
    customer_domain = factory.Sequence(lambda n: f"customer{n}.example.jp")
    contact_name = "山田 太郎"
    product = factory.SubFactory(ProductFactory)
    amount = Decimal(1_000_000)
    amount_jpy = factory.LazyAttribute(lambda o: o.amount)
    currency = "JPY"
    status = Deal.Status.SUBMITTED
    stage = Deal.Stage.QUALIFYING
    expected_close_date = factory.LazyFunction(lambda: date.today() + timedelta(days=60))

    # What the database requires of a reviewed registration (approved or expired): what was
    # approved, and for a reviewed win the counted figure (a win at its amount, as deal_close
    # writes it within the approval). Pass them to say otherwise.
    approved_amount = factory.LazyAttribute(lambda o: o.amount if o.status in REVIEWED else None)
    approved_currency = factory.LazyAttribute(lambda o: o.currency if o.status in REVIEWED else "")
    approved_amount_jpy = factory.LazyAttribute(lambda o: o.amount_jpy if o.status in REVIEWED else None)
    counted_amount_jpy = factory.LazyAttribute(
        lambda o: o.amount_jpy if o.status in REVIEWED and o.stage == Deal.Stage.WON else None
    )

    class Params:
        approved = factory.Trait(
            status=Deal.Status.APPROVED,
            protected_until=factory.LazyFunction(lambda: date.today() + timedelta(days=30)),
        )
        won = factory.Trait(
            status=Deal.Status.APPROVED,
            protected_until=factory.LazyFunction(lambda: date.today() + timedelta(days=30)),
            stage=Deal.Stage.WON,
            closed_on=factory.LazyFunction(date.today),
        )


def make_tiers():
    """Registered / Silver / Gold / Platinum with simple thresholds."""
    specs = [
        (0, "登録", "Registered", 0, 0, 0, False, 30),
        (1, "シルバー", "Silver", 5_000_000, 2, 1, False, 60),
        (2, "ゴールド", "Gold", 20_000_000, 5, 3, True, 90),
        (3, "プラチナ", "Platinum", 50_000_000, 10, 5, True, 120),
    ]
    return [
        Tier.objects.create(
            rank=rank,
            name=name,
            name_en=en,
            min_won_revenue=Decimal(rev),
            min_won_deals=deals,
            min_certified_people=people,
            requires_onboarding=onb,
            protection_days=days,
        )
        for rank, name, en, rev, deals, people, onb, days in specs
    ]


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncentiveProgram

    name = factory.Sequence(lambda n: f"プログラム{n}")
    kind = IncentiveProgram.Kind.SPIFF
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    amount = Decimal(50_000)
