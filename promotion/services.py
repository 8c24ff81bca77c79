"""Writes of the promotion app: opt-in/out, kit generation, attribution events,
announcement receipts, video views, reminders."""

import re
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from partners.models import Partner
from prm.audit.log import audit
from prm.http import ratelimit
from prm.http.attribution import is_bot, visitor_hash
from prm.models import Notification, User
from prm.notifications.center import notify
from promotion import cobrand, emails, queries
from promotion.models import (
    Announcement,
    AnnouncementReceipt,
    Campaign,
    CampaignEvent,
    CampaignParticipation,
    ChannelEvent,
    ChannelLink,
    CobrandedFile,
    PortalVisit,
    ReminderLog,
    VideoView,
)


class PromotionError(Exception):
    pass


# --- Opt-in / opt-out -------------------------------------------------------------------


@transaction.atomic
def participation_opt_in(
    *, campaign: Campaign, partner, user, landing_url: str = ""
) -> CampaignParticipation:
    if not queries.for_partner(partner).filter(pk=campaign.pk).exists():
        raise PromotionError(_("This campaign is not open to your company."))
    if campaign.phase() == "finished":
        raise PromotionError(_("This campaign has ended."))
    participation, created = CampaignParticipation.objects.select_for_update().get_or_create(
        campaign=campaign, partner=partner, defaults={"opted_in_by": user, "landing_url": landing_url}
    )
    if not created:
        participation.opted_out_at = None
        participation.opted_in_at = timezone.now()
        participation.opted_in_by = user
        participation.landing_url = landing_url or participation.landing_url
        participation.save(update_fields=["opted_out_at", "opted_in_at", "opted_in_by", "landing_url"])
    audit(actor=user, action="campaign.opted_in", target=campaign, partner=partner)
    kit_prepare(campaign=campaign, partner=partner)
    return participation


@transaction.atomic
def participation_opt_out(*, campaign: Campaign, partner, user) -> None:
    updated = CampaignParticipation.objects.filter(
        campaign=campaign, partner=partner, opted_out_at__isnull=True
    ).update(opted_out_at=timezone.now())
    if updated:
        audit(actor=user, action="campaign.opted_out", target=campaign, partner=partner)


# --- Kit --------------------------------------------------------------------------------


def kit_prepare(*, campaign: Campaign, partner) -> int:
    """Make sure a co-branded file exists (or is being made) for every current version of
    the campaign's assets; generation runs in Celery after commit. Returns how many were queued."""
    from promotion import tasks

    versions = queries.kit_versions(campaign, partner)
    CobrandedFile.objects.bulk_create(
        [CobrandedFile(partner=partner, asset_version=v) for v in versions], ignore_conflicts=True
    )
    pending = list(
        CobrandedFile.objects.filter(
            partner=partner, asset_version__in=versions, status=CobrandedFile.Status.PENDING
        ).values_list("pk", flat=True)
    )
    for pk in pending:
        tasks.cobrand_file.delay_on_commit(file_id=pk)
    return len(pending)


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-")[:60] or "kit"


def cobranded_generate(*, file_id: int) -> CobrandedFile | None:
    """Generate one co-branded file. Idempotent: only a pending row is worked on, under a
    row lock, so a redelivered task or a second worker finds it done and returns."""
    with transaction.atomic():
        item = (
            CobrandedFile.objects.select_for_update(of=("self",))
            .select_related("partner", "asset_version__asset")
            .filter(pk=file_id, status=CobrandedFile.Status.PENDING)
            .first()
        )
        if item is None:
            return None
        version, partner = item.asset_version, item.partner
        stem = PurePosixPath(version.original_name).stem
        logo = partner.logo.open("rb") if partner.logo else None
        try:
            with version.file.open("rb") as source:
                if version.file_type == "image":
                    data, name = (
                        cobrand.cobrand_image(source, partner_name=partner.name, logo=logo),
                        f"{stem}.png",
                    )
                elif version.file_type == "pdf":
                    data = cobrand.cobrand_pdf(
                        source,
                        title=version.asset.title,
                        partner_name=partner.name,
                        contact=partner.website,
                        logo=logo,
                    )
                    name = f"{stem}.pdf"
                else:
                    item.status = CobrandedFile.Status.UNSUPPORTED
                    item.ready_at = timezone.now()
                    item.save(update_fields=["status", "ready_at"])
                    return _kit_file_done(item)
        except Exception as exc:  # a broken upload must not block the rest of the kit
            item.status = CobrandedFile.Status.FAILED
            item.error = exc.__class__.__name__
            item.save(update_fields=["status", "error"])
            return _kit_file_done(item)
        finally:
            if logo is not None:
                logo.close()
        item.file.save(f"{_slug(partner.slug)}-{_slug(name)}", ContentFile(data), save=False)
        item.status = CobrandedFile.Status.READY
        item.ready_at = timezone.now()
        item.save(update_fields=["file", "status", "ready_at"])
        return _kit_file_done(item)


def _kit_file_done(item: CobrandedFile) -> CobrandedFile:
    audit(
        actor=None, action="campaign.kit_file_done", target=item, partner=item.partner_id, status=item.status
    )
    return item


# --- Attribution ------------------------------------------------------------------------


def _counting_allowed(participation, *, ip: str, day) -> bool:
    """At most PROMOTION_CLICKS_PER_IP_DAY counted clicks per link, address and day: a
    script that changes its user agent on every request is counted that often, no more.
    Fails closed: with the counter unreachable, clicks are not counted (links still work)."""
    address = salted_hmac("promotion.click.ip", f"{ip}\n{day.isoformat()}", algorithm="sha256").hexdigest()[
        :24
    ]
    return not ratelimit.hit(
        f"promotion:clicks:{participation.pk}:{address}",
        limit=settings.PROMOTION_CLICKS_PER_IP_DAY,
        window=24 * 3600,
        fail_closed=True,
    )


def link_click(*, code: str, ip: str, user_agent: str, count: bool = True, now=None) -> str | None:
    """Where a tracked link leads now, or None (404).

    A live link (campaign published, partner still in the portal, participation not opted
    out) leads to the partner's landing page or the campaign's and counts a human click once
    per visitor and day. A link that outlived its participation (opt-out, suspension,
    offboarding) counts nothing and leads only to the campaign's own landing page, chosen by
    the vendor, never to the address the partner chose; without one it is a 404.
    """
    participation = (
        CampaignParticipation.objects.select_related("campaign", "partner").filter(code=code).first()
    )
    if participation is None or participation.campaign.status != Campaign.Status.PUBLISHED:
        return None
    if not (participation.is_active and participation.partner.in_portal):
        return participation.campaign.landing_url or None
    if count and not is_bot(user_agent):
        _click_record(participation, ip=ip, user_agent=user_agent, day=timezone.localdate(now))
    return participation.destination()


def _click_record(participation, *, ip: str, user_agent: str, day) -> None:
    event = CampaignEvent(
        campaign=participation.campaign,
        partner_id=participation.partner_id,
        kind=CampaignEvent.Kind.CLICK,
        visitor=visitor_hash(ip=ip, user_agent=user_agent, day=day),
    )
    already = CampaignEvent.objects.filter(
        campaign=event.campaign, partner_id=event.partner_id, kind=event.kind, visitor=event.visitor
    )
    if already.exists() or not _counting_allowed(participation, ip=ip, day=day):
        return
    # The unique constraint settles two simultaneous first clicks of one visitor.
    CampaignEvent.objects.bulk_create([event], ignore_conflicts=True)


def channel_link_visit(*, code: str, visitor: str | None) -> str | None:
    """Where a channel link leads (None: no such link, a 404), counting the visit once per
    visitor and day (a bot, with no visitor, counts nothing). An inactive link still leads
    to the landing page (a printed flyer outlives its campaign) but counts nothing."""
    link = ChannelLink.objects.select_related("asset").filter(code=code).first()
    if link is None:
        return None
    if not link.is_active:
        return reverse("home")
    channel_event_record(link=link, kind=ChannelEvent.Kind.VISIT, visitor=visitor)
    return queries.channel_destination(link)


def channel_event_record(*, link: ChannelLink, kind: str, visitor: str | None) -> None:
    """One step of an anonymous visitor's way in, once per link, kind, visitor and day: the
    unique constraint settles a repeat or two at once. Anonymous counts, no audit row."""
    if visitor is None or not link.is_active:
        return
    ChannelEvent.objects.bulk_create(
        [ChannelEvent(link=link, kind=kind, visitor=visitor)], ignore_conflicts=True
    )


def kit_download_record(*, campaign: Campaign, partner, user, asset_version) -> None:
    """Once per person and file version (a repeat download, or a script, adds nothing)."""
    CampaignEvent.objects.bulk_create(
        [
            CampaignEvent(
                campaign=campaign,
                partner=partner,
                user=user,
                asset_version=asset_version,
                kind=CampaignEvent.Kind.DOWNLOAD,
            )
        ],
        ignore_conflicts=True,
    )


# --- Announcements, video, visits ---------------------------------------------------------


def announcements_seen(*, announcements, user, partner) -> None:
    AnnouncementReceipt.objects.bulk_create(
        [AnnouncementReceipt(announcement=a, user=user, partner=partner) for a in announcements],
        ignore_conflicts=True,
    )


def announcement_dismiss(*, announcement, user, partner) -> None:
    receipt, _created = AnnouncementReceipt.objects.get_or_create(
        announcement=announcement, user=user, defaults={"partner": partner}
    )
    if receipt.dismissed_at is None:
        receipt.dismissed_at = timezone.now()
        receipt.save(update_fields=["dismissed_at"])
        audit(actor=user, action="announcement.dismissed", target=announcement, partner=partner)


def video_view_record(*, video, user, partner) -> None:
    VideoView.objects.bulk_create([VideoView(video=video, user=user, partner=partner)], ignore_conflicts=True)


VISIT_MEMO_SECONDS = 8 * 24 * 3600


def visit_record(*, user, partner, now=None) -> None:
    day = timezone.localtime(now or timezone.now()).date()
    week = day - timedelta(days=day.weekday())
    # One row per user and week: after the first home page of the week the cache answers,
    # so the page costs no write. With the cache down, add() fails open and the insert
    # (idempotent under its unique constraint) runs.
    if not cache.add(f"promotion:visit:{user.pk}:{partner.pk}:{week}", 1, timeout=VISIT_MEMO_SECONDS):
        return
    PortalVisit.objects.bulk_create(
        [PortalVisit(user=user, partner=partner, week=week)], ignore_conflicts=True
    )


# --- Reminders ----------------------------------------------------------------------------


def reminders_sweep(*, today=None) -> int:
    """Claim every due reminder as a ReminderLog row (unique per campaign, partner, kind:
    a repeat sweep is a no-op) and queue the unsent ones. Returns how many were queued."""
    from promotion import tasks

    today = today or timezone.localdate()
    wanted: list[ReminderLog] = []
    for campaign in Campaign.objects.open_on(today).select_related("min_tier"):
        partners = queries.audience_partners(campaign)
        if campaign.starts_on >= today - timedelta(days=7):
            wanted += [
                ReminderLog(campaign=campaign, partner_id=p, kind=ReminderLog.Kind.OPENS)
                for p in partners.values_list("pk", flat=True)
            ]
        if campaign.ends_on <= today + timedelta(days=7) and campaign.ends_on > today:
            wanted += [
                ReminderLog(campaign=campaign, partner_id=p, kind=ReminderLog.Kind.CLOSING)
                for p in partners.values_list("pk", flat=True)
            ]
    downloaded = CampaignEvent.objects.filter(
        campaign_id=OuterRef("campaign_id"),
        partner_id=OuterRef("partner_id"),
        kind=CampaignEvent.Kind.DOWNLOAD,
    )
    stale = (
        CampaignParticipation.objects.opted_in()
        .filter(
            campaign__in=Campaign.objects.open_on(today),
            opted_in_at__lte=timezone.now() - timedelta(days=7),
            partner__status__in=("onboarding", "active"),
        )
        .exclude(Exists(downloaded))
        .values_list("campaign_id", "partner_id")
    )
    wanted += [ReminderLog(campaign_id=c, partner_id=p, kind=ReminderLog.Kind.NO_DOWNLOAD) for c, p in stale]
    ReminderLog.objects.bulk_create(wanted, ignore_conflicts=True)
    new_notifications_send(today=today)
    due = list(ReminderLog.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))
    for pk in due:
        tasks.send_reminder.delay_on_commit(log_id=pk)
    return len(due)


def reminder_send(*, log_id: int) -> bool:
    """Send one reminder at most once: the row is claimed with a conditional UPDATE in the
    same transaction as the sending, so a redelivered task finds it claimed."""
    with transaction.atomic():
        claimed = ReminderLog.objects.filter(pk=log_id, sent_at__isnull=True).update(sent_at=timezone.now())
        if not claimed:
            return False
        log = ReminderLog.objects.select_related("campaign", "partner").get(pk=log_id)
        emails.reminder(log)
    return True


# --- Notifications (prm.notifications.center) ---------------------------------------------------

NOTIFY_DAYS = 7  # a campaign or announcement is "new" for a week after it opens


def _audience_members(partners, *, kind: str, event_key: str):
    """Active members of `partners` not yet told about this event (a repeat sweep skips
    them before notify(), whose (recipient, kind, event_key) row keeps it once anyway)."""
    told = Notification.objects.filter(recipient_id=OuterRef("pk"), kind=kind, event_key=event_key)
    return User.objects.filter(
        is_active=True, membership__is_active=True, membership__partner__in=partners.values("pk")
    ).exclude(Exists(told))


def new_notifications_send(*, today=None, now=None) -> int:
    """`campaign_new` to the audience of each published campaign that opened in the last
    week, `announcement_new` to the audience of each announcement shown now that started in
    the last week; once per person and event (event keys campaign:<pk>:open, announcement:<pk>).
    Campaign e-mail is the opening reminder's (to partner admins), so notify() sends none for
    it; announcements e-mail by each person's preference. Returns the people notified."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    notified = 0
    for campaign in Campaign.objects.open_on(today).filter(
        starts_on__gte=today - timedelta(days=NOTIFY_DAYS)
    ):
        key = f"campaign:{campaign.pk}:open"
        users = list(
            _audience_members(queries.audience_partners(campaign), kind="campaign_new", event_key=key)
        )
        notify(
            kind="campaign_new",
            recipients=users,
            event_key=key,
            params={"title": str(campaign.name)},
            url=reverse("promotion:detail", args=[campaign.pk]),
            email=False,
        )
        notified += len(users)
    announcements = (
        Announcement.objects.filter(is_published=True, starts_at__lte=now)
        .filter(starts_at__gte=now - timedelta(days=NOTIFY_DAYS))
        .exclude(ends_at__lte=now)
    )
    for announcement in announcements:
        key = f"announcement:{announcement.pk}"
        partners = Partner.objects.in_portal()
        if announcement.partner_types:
            partners = partners.filter(partner_type__in=announcement.partner_types)
        users = list(_audience_members(partners, kind="announcement_new", event_key=key))
        notify(
            kind="announcement_new",
            recipients=users,
            event_key=key,
            params={"title": str(announcement.title)},
            url="/",
        )
        notified += len(users)
    return notified
