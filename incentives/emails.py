"""E-mails of the incentives app: rendered in the recipient's language, absolute links."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_users_with_perms

from incentives.models import Deal, DealNotification, ProtectionExtension, TierChange
from partners.queries import partner_admins
from prm.models import CHANNEL_MANAGERS, User
from prm.notifications.center import notify
from prm.notifications.emails import send_to_user, templates
from prm.notifications.recipients import is_current_member
from prm.tenancy import partners_for_staff


def _mail(template: str, context: dict) -> dict:
    return {**templates(f"incentives/emails/{template}"), "context": context}


def send(user, template: str, context: dict) -> None:
    send_to_user(user, stem=f"incentives/emails/{template}", context=context)


def send_once(deal, event: str, user, template: str, context: dict) -> bool:
    """Claim (deal, event, recipient) and send in one transaction: a redelivered task skips
    what was sent, and a send that fails (or a worker killed mid-send) leaves no claim."""
    try:
        with transaction.atomic():
            DealNotification.objects.create(deal=deal, event=event, recipient=user)
            send(user, template, context)
    except IntegrityError:
        return False
    return True


def _deal_recipients(deal):
    users = {u.pk: u for u in partner_admins(deal.partner_id)}
    # The person who registered it, only while still a member of the partner.
    if deal.registered_by and is_current_member(deal.registered_by, deal.partner_id):
        users[deal.registered_by.pk] = deal.registered_by
    return users.values()


def deal_reviewed(*, deal_id: int, decision: str | None = None) -> None:
    """The decision on a registration, or on a re-review ("restored": the change or the won
    amount was not accepted and the approved amount stands). One notice per review."""
    deal = Deal.objects.select_related("partner", "product", "registered_by").filter(pk=deal_id).first()
    if deal is None or deal.status == Deal.Status.SUBMITTED:
        return
    if decision is None:  # a task queued before decisions were passed
        decision = "rejected" if deal.status == Deal.Status.REJECTED else "approved"
    url = settings.SITE_URL + reverse("incentives:deal_detail", args=[deal.pk])
    notify(
        kind="deal_reviewed",
        recipients=_deal_recipients(deal),
        # One notice per review: a re-review is a new event.
        event_key=f"deal:{deal.pk}:{decision}"
        + (f":{deal.reviewed_at.timestamp():.0f}" if deal.reviewed_at else ""),
        params={"deal": str(deal), "variant": decision},
        url=reverse("incentives:deal_detail", args=[deal.pk]),
        partner_id=deal.partner_id,
        email=_mail(
            "deal_reviewed",
            {
                "deal": deal,
                "url": url,
                "approved": decision == "approved",
                "restored": decision == "restored",
            },
        ),
    )


def protection_ending(*, deal_id: int) -> None:
    deal = Deal.objects.select_related("partner", "product", "registered_by").filter(pk=deal_id).first()
    if deal is None or deal.status != Deal.Status.APPROVED or not deal.is_open:
        return
    url = settings.SITE_URL + reverse("incentives:deal_detail", args=[deal.pk])
    notify(
        kind="protection_ending",
        recipients=_deal_recipients(deal),
        event_key=f"deal:{deal.pk}:protection:{deal.protected_until}",
        params={"deal": str(deal), "date": str(deal.protected_until)},
        url=reverse("incentives:deal_detail", args=[deal.pk]),
        partner_id=deal.partner_id,
        email=_mail("protection_ending", {"deal": deal, "url": url}),
    )


def tier_changes(*, change_ids: list[int]) -> None:
    """Upgrade and pending-downgrade mails; each change is claimed once (notified_at)."""
    url = settings.SITE_URL + reverse("incentives:scorecard")
    for change in TierChange.objects.filter(
        pk__in=change_ids,
        notified_at=None,
        kind__in=[TierChange.Kind.UPGRADE, TierChange.Kind.DOWNGRADE_PENDING],
    ).select_related("partner", "from_tier", "to_tier"):
        with transaction.atomic():
            claimed = TierChange.objects.filter(pk=change.pk, notified_at=None).update(
                notified_at=timezone.now()
            )
            if not claimed:
                continue
            template = "tier_upgrade" if change.kind == TierChange.Kind.UPGRADE else "tier_downgrade_pending"
            notify(
                kind="tier_changed",
                recipients=partner_admins(change.partner_id),
                event_key=f"tierchange:{change.pk}",
                params={
                    "partner": change.partner.name,
                    "tier": str(change.to_tier or "-"),
                    "variant": change.kind,
                },
                url=reverse("incentives:scorecard"),
                partner_id=change.partner_id,
                email=_mail(template, {"change": change, "partner": change.partner, "url": url}),
            )


def reviewers_for(partner):
    """Active channel managers who may see the partner (assigned via guardian, or global permission)."""
    assigned = get_users_with_perms(partner, only_with_perms_in=["manage_partner"], with_group_users=True)
    global_perm = Q(user_permissions__codename="manage_partner") | Q(
        groups__permissions__codename="manage_partner"
    )
    return (
        User.objects.filter(Q(pk__in=assigned.values("pk")) | global_perm | Q(is_superuser=True))
        .filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=CHANNEL_MANAGERS) | Q(is_superuser=True))
        .distinct()
    )


def deal_submitted(*, deal_id: int) -> None:
    """Tell the reviewers a registration is waiting (with the conflict flag; staff only)."""
    deal = Deal.objects.select_related("partner", "product").filter(pk=deal_id).first()
    if deal is None or deal.status != Deal.Status.SUBMITTED:
        return
    # A re-review (a changed amount, a win above the approved amount) is a new event.
    event = f"resubmitted:{deal.updated_at.timestamp():.0f}" if deal.is_re_review else "submitted"
    url = settings.SITE_URL + reverse("incentives:staff_deal_detail", args=[deal.pk])
    conflicts = list(deal.conflicting_deals.select_related("partner")) if deal.has_conflict else []
    for user in reviewers_for(deal.partner):
        # Conflict details per recipient: only registrations of partners this person may see.
        visible = set(
            partners_for_staff(user)
            .filter(pk__in={c.partner_id for c in conflicts})
            .values_list("pk", flat=True)
        )
        context = {
            "deal": deal,
            "url": url,
            "conflicts": [c for c in conflicts if c.partner_id in visible],
            "hidden_conflicts": sum(1 for c in conflicts if c.partner_id not in visible),
        }
        send_once(deal, event, user, "deal_submitted", context)


def extension_requested(*, extension_id: int) -> None:
    """Tell the partner's channel managers a protection extension waits for their decision."""
    extension = (
        ProtectionExtension.objects.select_related("deal", "partner")
        .filter(pk=extension_id, status=ProtectionExtension.Status.REQUESTED)
        .first()
    )
    if extension is None:
        return
    path = reverse("incentives:staff_deal_detail", args=[extension.deal_id])
    notify(
        kind="extension_requested",
        recipients=reviewers_for(extension.partner),
        event_key=f"extension:{extension.pk}:requested",
        params={"deal": str(extension.deal), "partner": extension.partner.name},
        url=path,
        partner_id=extension.partner_id,
        email=_mail("extension_requested", {"extension": extension, "url": settings.SITE_URL + path}),
    )


def extension_decided(*, extension_id: int) -> None:
    """The manager's decision, to the partner's admins and the person who asked."""
    extension = (
        ProtectionExtension.objects.select_related("deal__partner", "deal__registered_by", "requested_by")
        .filter(pk=extension_id)
        .exclude(status=ProtectionExtension.Status.REQUESTED)
        .first()
    )
    if extension is None:
        return
    deal = extension.deal
    recipients = {u.pk: u for u in _deal_recipients(deal)}
    asker = extension.requested_by
    if asker is not None and is_current_member(asker, deal.partner_id):
        recipients[asker.pk] = asker
    approved = extension.status == ProtectionExtension.Status.APPROVED
    path = reverse("incentives:deal_detail", args=[deal.pk])
    notify(
        kind="extension_decided",
        recipients=recipients.values(),
        event_key=f"extension:{extension.pk}:{extension.status}",
        params={
            "deal": str(deal),
            "date": str(extension.protected_until_after or ""),
            "variant": extension.status,
        },
        url=path,
        partner_id=deal.partner_id,
        email=_mail(
            "extension_decided",
            {"extension": extension, "approved": approved, "url": settings.SITE_URL + path},
        ),
    )
