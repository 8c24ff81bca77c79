"""What `privacy` and the apps below it (prm, partners) hold about a partner and a person,
registered like every other app's (privacy.registry)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Application, Membership, Partner
from privacy import registry, tables
from privacy.models import ProvisionRecord
from prm.exports.streaming import stream_rows


def _partner_rows(partner):
    return Partner.objects.filter(pk=partner.pk)


def _members(partner):
    return Membership.objects.filter(partner=partner).select_related("user").order_by("user__email")


def _provisions(partner):
    return stream_rows(ProvisionRecord.objects.for_partner(partner).order_by("provided_at", "pk"))


def _users_about(*, email, name, partner_ids):
    """Partner users with that address (people at partners the staff user sees)."""
    if not email:
        return []
    users = get_user_model().objects.filter(email__iexact=email, is_staff=False, membership__isnull=False)
    if partner_ids is not None:
        users = users.filter(membership__partner_id__in=partner_ids)
    return [
        registry.Found("users", u.pk, u.email, u.display_name, partner_id=u.membership.partner_id)
        for u in users.select_related("membership")[:50]
    ]


def _applications_about(*, email, name, partner_ids):
    """Partner applications naming the person (applicants are nobody's partner yet: their
    applications are shown to managers who see every partner, or once approved to theirs)."""
    match = Q(contact_email__iexact=email) if email else Q()
    if name:
        match = (match | Q(contact_name__icontains=name)) if email else Q(contact_name__icontains=name)
    applications = Application.objects.filter(match)
    if partner_ids is not None:
        applications = applications.filter(partner_id__in=partner_ids)
    return [
        registry.Found(
            "applications",
            a.pk,
            a.company_name,
            f"{a.contact_name} {a.contact_email}",
            url=reverse("partners:staff_application", args=[a.pk]),
            partner_id=a.partner_id,
        )
        for a in applications.order_by("-created_at")[:50]
    ]


def _provisions_about(*, email, name, partner_ids):
    if not name:
        return []
    records = ProvisionRecord.objects.filter(subject_name__icontains=name)
    if partner_ids is not None:
        records = records.filter(partner_id__in=partner_ids)
    return [
        registry.Found(
            "provisions",
            r.pk,
            f"{r.provider_name} → {r.recipient_name}",
            f"{r.subject_name} · {r.provided_at:%Y-%m-%d} · {'、'.join(r.item_labels())}",
            partner_id=r.partner_id,
        )
        for r in records.order_by("-provided_at")[:50]
    ]


def register() -> None:
    registry.register_partner_export(
        "partner",
        label=_("Partner profile"),
        columns=tables.PARTNER_COLUMNS,
        rows=_partner_rows,
        count=lambda p: 1,
        order=10,
    )
    registry.register_partner_export(
        "members",
        label=_("Members"),
        columns=tables.MEMBER_COLUMNS,
        rows=_members,
        count=lambda p: Membership.objects.filter(partner=p).count(),
        order=20,
    )
    registry.register_partner_export(
        "provision_records",
        label=_("Third-party provision records"),
        columns=tables.PROVISION_COLUMNS,
        rows=_provisions,
        count=lambda p: ProvisionRecord.objects.for_partner(p).count(),
        order=50,
    )
    registry.register_subject_finder("users", label=_("Partner users"), find=_users_about, order=10)
    registry.register_subject_finder(
        "applications", label=_("Partner applications"), find=_applications_about, order=20
    )
    registry.register_subject_finder(
        "provisions", label=_("Third-party provision records"), find=_provisions_about, order=90
    )
