from datetime import timedelta

import factory
from django.utils import timezone

from partners.models import (
    Application,
    Capability,
    IdealProfile,
    Industry,
    Invitation,
    PartnerType,
    ReferralLink,
    Source,
)
from partners.services import token_hash


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"industry-{n}")
    name_ja = factory.LazyAttribute(lambda o: f"業界 {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Industry {o.code}")


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"capability-{n}")
    name_ja = factory.LazyAttribute(lambda o: f"能力 {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Capability {o.code}")


class IdealProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdealProfile
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Profile {n}")
    partner_type = PartnerType.SALES


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    company_name = factory.Sequence(lambda n: f"Applicant {n} KK")
    website = factory.Sequence(lambda n: f"https://www.applicant{n}.example.jp")
    domain = factory.LazyAttribute(lambda o: o.website.split("//", 1)[1].removeprefix("www."))
    country = "JP"
    company_size = "2"
    partner_type = PartnerType.SALES
    contact_name = "山田 太郎"
    contact_email = factory.LazyAttribute(lambda o: f"contact@{o.domain}")
    source = Source.WEB
    language = "ja"
    consent_at = factory.LazyFunction(timezone.now)


class ReferralLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralLink

    code = factory.Sequence(lambda n: f"ref{n:05d}")


class InvitationFactory(factory.django.DjangoModelFactory):
    """Pass `token="..."` to know the raw token (only its hash is stored)."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = "member"
    token = factory.Sequence(lambda n: f"token-{n}")
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
