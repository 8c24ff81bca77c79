from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from incentives.models import PartnerTierState
from leads import services
from leads.models import Lead, Prefecture
from partners.models import Membership
from prm.models import CHANNEL_MANAGERS
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


def manager():
    user = UserFactory(email="leads-manager@example.test", is_staff=True)
    user.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    return user


def partner_with_admin(name: str, *, tier=None, **kwargs):
    partner = PartnerFactory(name=name, **kwargs)
    admin = MembershipFactory(partner=partner, role=Membership.Role.ADMIN).user
    if tier is not None:
        PartnerTierState.objects.create(partner=partner, tier=tier)
    return partner, admin


def new_lead(actor, *, company="株式会社テスト商事", region=Prefecture.OSAKA, **extra) -> Lead:
    data = {
        "company": company,
        "contact_name": "山田 太郎",
        "contact_email": "yamada@test-shoji.example.jp",
        "contact_phone": "06-1234-5678",
        "need": "生産管理の刷新",
        "region": region,
        "value_estimate_jpy": Decimal(5_000_000),
        **extra,
    }
    return services.lead_create(actor=actor, data=data)
