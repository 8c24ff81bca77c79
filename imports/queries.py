"""Reads of the imports app: a person's jobs, and what each kind's export holds."""

from django.db.models import OuterRef, QuerySet, Subquery

from content.models import Asset
from imports.models import ImportJob
from incentives.models import Deal
from leads.models import Lead, LeadOffer
from leads.queries import staff_leads
from partners.models import Membership, Partner
from prm.tenancy import partners_for_staff
from training.models import UserCertification


def jobs_for(user) -> QuerySet[ImportJob]:
    """Only the person who uploaded a file sees its job (its rows name partners and people)."""
    return ImportJob.objects.filter(user=user)


def _keyed_partners(user) -> QuerySet[Partner]:
    return partners_for_staff(user).exclude(external_id="")


def partners_export(user) -> QuerySet[Partner]:
    return _keyed_partners(user).order_by("external_id")


def members_export(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(partner__in=_keyed_partners(user), is_active=True)
        .select_related("partner", "user")
        .order_by("partner__external_id", "user__email")
    )


def deals_export(user) -> QuerySet[Deal]:
    return (
        Deal.objects.filter(partner__in=_keyed_partners(user))
        .exclude(external_id="")
        .select_related("partner", "product")
        .order_by("partner__external_id", "external_id")
    )


def certifications_export(user) -> QuerySet[UserCertification]:
    return (
        UserCertification.objects.filter(partner__in=_keyed_partners(user), revoked=False)
        .select_related("partner", "user", "certification")
        .order_by("partner__external_id", "user__email", "issued_on")
    )


def leads_export(user) -> QuerySet[Lead]:
    """The leads the manager sees that have an external id; `offered_to` is the partner it
    was offered to by hand first (the import's `partner` column), so the file re-imports to
    no change."""
    manual = LeadOffer.objects.filter(lead=OuterRef("pk"), via=LeadOffer.Via.MANUAL).order_by("offered_at")
    return (
        staff_leads(user)
        .exclude(external_id="")
        .annotate(offered_to=Subquery(manual.values("partner__slug")[:1]))
        .order_by("external_id")
    )


def assets_export(user) -> QuerySet[Asset]:
    """Library assets with an external id (their metadata is not partner data)."""
    return (
        Asset.objects.exclude(external_id="")
        .select_related("min_tier")
        .prefetch_related("tags")
        .order_by("external_id")
    )
