"""Read side of promotion: audience rules, kits, merge fields, attribution, awareness."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from content.models import AssetVersion
from content.queries import public_asset, visible_assets
from incentives.models import Deal
from partners.models import Application, Membership, Partner, PartnerType
from partners.queries import block_applications
from prm.cache import pagecache
from prm.http.attribution import CHANNEL_CODE_RE, channel_code
from prm.ui.registry import BlockQuery
from promotion.models import (
    Announcement,
    AnnouncementReceipt,
    Campaign,
    CampaignEvent,
    CampaignParticipation,
    ChannelEvent,
    ChannelLink,
    CobrandedFile,
    OverviewVideo,
    PortalVisit,
    VideoView,
)

# --- Audience ---------------------------------------------------------------------------


def for_partner(partner):
    """Published campaigns whose audience includes the partner (any dates)."""
    return Campaign.objects.for_partner(partner)


def campaigns_for_partner(partner, *, today=None):
    """Running and upcoming campaigns for the partner, plus finished ones it joined,
    annotated with `joined` (an active opt-in)."""
    today = today or timezone.localdate()
    mine = CampaignParticipation.objects.filter(
        campaign_id=OuterRef("pk"), partner=partner, opted_out_at__isnull=True
    )
    return (
        for_partner(partner)
        .annotate(joined=Exists(mine))
        .filter(Q(ends_on__gte=today) | Q(joined=True))
        .order_by("starts_on", "pk")
    )


def running_campaigns(partner, *, limit: int = 3, today=None) -> list[Campaign]:
    """The first running campaigns of the partner's audience (annotated `joined`), for the
    partner home: exact under the catalogue (campaigns, their audience) and the partner (its
    type, tier and opt-ins), per day."""
    today = today or timezone.localdate()
    return pagecache.cached(
        f"promotion:running:{today.isoformat()}:{limit}",
        (pagecache.catalogue(), pagecache.partner(partner.pk)),
        lambda: list(campaigns_for_partner(partner, today=today).filter(starts_on__lte=today)[:limit]),
        timeout=24 * 3600,
    )


def campaign_for_partner(*, partner, pk) -> Campaign | None:
    return for_partner(partner).filter(pk=pk).first()


def audience_partners(campaign):
    """Partners in the portal that a campaign targets (set-based: used by reminders)."""
    qs = Partner.objects.in_portal()
    if campaign.partner_types:
        qs = qs.filter(partner_type__in=campaign.partner_types)
    if campaign.min_tier_id:
        qs = qs.filter(tier_state__tier__rank__gte=campaign.min_tier.rank)
    named = list(campaign.named_partners.values_list("pk", flat=True))
    if named:
        qs = qs.filter(pk__in=named)
    return qs


def participation(*, campaign, partner) -> CampaignParticipation | None:
    return CampaignParticipation.objects.filter(campaign=campaign, partner=partner).first()


# --- Kit --------------------------------------------------------------------------------


def kit_versions(campaign, partner=None):
    """The current file versions of the campaign's bundled assets (those the partner may see
    under the content library's own audience rules, when a partner is given)."""
    assets = campaign.assets.filter(current_version__isnull=False)
    if partner is not None:
        assets = assets.filter(pk__in=visible_assets(partner).values("pk"))
    return list(
        AssetVersion.objects.filter(pk__in=assets.values("current_version"))
        .select_related("asset")
        .order_by("asset__title", "pk")
    )


def kit_files(*, campaign, partner) -> list[tuple]:
    """[(asset_version, cobranded_file or None)] for the partner's kit."""
    versions = kit_versions(campaign, partner)
    files = {
        f.asset_version_id: f
        for f in CobrandedFile.objects.for_partner(partner).filter(asset_version__in=[v.pk for v in versions])
    }
    return [(v, files.get(v.pk)) for v in versions]


def kit_is_pending(kit) -> bool:
    return any(f is None or f.status == CobrandedFile.Status.PENDING for _, f in kit)


# --- Merge fields -----------------------------------------------------------------------

MERGE_FIELD_RE = re.compile(r"\{(partner_name|logo|contact|tracked_link)\}")


def merge(template: str, values: dict[str, str]) -> str:
    """Substitute the four merge fields, once and literally: a value is never re-scanned,
    never interpreted as a template, and the result is escaped wherever it is shown as HTML."""
    return MERGE_FIELD_RE.sub(lambda m: values.get(m.group(1), ""), template or "")


def merge_values(*, participation: CampaignParticipation, partner, user) -> dict[str, str]:
    contact = f"{user.get_full_name()} <{user.email}>" if user is not None else ""
    return {
        "partner_name": partner.name,
        "logo": settings.SITE_URL + partner.logo.url if partner.logo else "",
        "contact": contact,
        "tracked_link": participation.tracked_url(),
    }


def ready_texts(*, campaign, participation, partner, user) -> dict[str, str]:
    values = merge_values(participation=participation, partner=partner, user=user)
    return {
        "email_subject": merge(campaign.email_subject, values),
        "email_body": merge(campaign.email_body, values),
        "social_text": merge(campaign.social_text, values),
    }


# --- Attribution ------------------------------------------------------------------------

RESULT_COLUMNS = ["opt_ins", "downloads", "clicks", "deals", "pipeline", "won_deals", "won_revenue"]


def _attribution(group: str, *, ids, **where) -> tuple[dict, dict, dict]:
    """Opt-ins, kit downloads and link clicks, and deals (pipeline, won) grouped by `group`
    ("partner_id" or "campaign_id"), for the partners `ids` (a set, a list or a subquery;
    None: every partner) and the campaigns named by `where` (campaign= or campaign__in=).
    Three aggregate queries."""
    if ids is not None:
        where = {**where, "partner_id__in": ids}

    def by(qs, **aggregates) -> dict:
        return {row.pop(group): row for row in qs.order_by().values(group).annotate(**aggregates)}

    opt = by(
        CampaignParticipation.objects.filter(opted_out_at__isnull=True, **where),
        opt_ins=Count("pk"),
    )
    events = by(
        CampaignEvent.objects.filter(**where),
        downloads=Count("pk", filter=Q(kind=CampaignEvent.Kind.DOWNLOAD)),
        clicks=Count("pk", filter=Q(kind=CampaignEvent.Kind.CLICK)),
    )
    # Money only as reviewed: the pipeline is the approved amount of approved open deals, won
    # revenue the counted figure of reviewed wins (incentives' Deal.objects.counted()).
    open_q = Q(stage__in=list(Deal.OPEN_STAGES), status=Deal.Status.APPROVED)
    counted_q = Q(stage=Deal.Stage.WON, counted_amount_jpy__isnull=False)
    deals = by(
        Deal.objects.filter(**where).exclude(status=Deal.Status.REJECTED),
        deals=Count("pk"),
        pipeline=Sum("approved_amount_jpy", filter=open_q),
        won_deals=Count("pk", filter=counted_q),
        won_revenue=Sum("counted_amount_jpy", filter=counted_q),
    )
    return opt, events, deals


def _merged(key, sources) -> dict:
    row = {}
    for source in sources:
        row.update(source.get(key, {}))
    for col in RESULT_COLUMNS:
        row[col] = row.get(col) or 0
    return row


def cost_per_won_deal(budget, won_deals: int) -> Decimal | None:
    return (Decimal(budget) / won_deals).quantize(Decimal(1)) if won_deals else None


def campaign_results(*, campaign, partners) -> dict:
    """Per partner and overall results of one campaign, limited to `partners` (the staff
    user's partners). Five aggregate queries whatever the number of partners."""
    ids = set(partners.values_list("pk", flat=True))
    opt, events, deals = _attribution("partner_id", ids=ids, campaign=campaign)
    involved = set(opt) | set(events) | set(deals)
    names = dict(Partner.objects.filter(pk__in=involved).values_list("pk", "name"))
    rows = []
    for pid in sorted(involved, key=lambda p: names.get(p, "")):
        rows.append({"partner_id": pid, "partner": names.get(pid, ""), **_merged(pid, (opt, events, deals))})
    total = {col: sum((r[col] for r in rows), 0) for col in RESULT_COLUMNS}
    total["cost_per_won_deal"] = cost_per_won_deal(campaign.budget, total["won_deals"])
    total["budget"] = campaign.budget
    return {"rows": rows, "total": total}


def results_by_campaign(*, campaigns, partner_ids) -> list[tuple]:
    """[(campaign, totals)] for several campaigns at once, limited to `partner_ids` (a set, a
    list or a subquery of the viewer's partners; None: all): the dashboard's block. Four
    queries in all."""
    campaigns = list(campaigns)
    opt, events, deals = _attribution("campaign_id", ids=partner_ids, campaign__in=[c.pk for c in campaigns])
    out = []
    for campaign in campaigns:
        total = _merged(campaign.pk, (opt, events, deals))
        total["budget"] = campaign.budget
        total["cost_per_won_deal"] = cost_per_won_deal(campaign.budget, total["won_deals"])
        out.append((campaign, total))
    return out


def partner_campaigns(partner) -> list[tuple]:
    """[(participation, results)] for the campaigns a partner joined (partner 360): the
    attribution of its own downloads, clicks and deals. Four queries."""
    joined = list(
        CampaignParticipation.objects.filter(partner=partner)
        .select_related("campaign")
        .order_by("-campaign__starts_on", "-pk")
    )
    if not joined:
        return []
    opt, events, deals = _attribution(
        "campaign_id", ids=[partner.pk], campaign__in=[p.campaign_id for p in joined]
    )
    return [(p, _merged(p.campaign_id, (opt, events, deals))) for p in joined]


def campaigns_overview(*, partners):
    """Every campaign with its headline counts (for the staff index), in three queries."""
    joined = Q(participations__opted_out_at__isnull=True, participations__partner__in=partners.values("pk"))
    return Campaign.objects.annotate(n_opt_ins=Count("participations", filter=joined)).order_by(
        "-starts_on", "-pk"
    )


def weekly_events(*, campaign, partners, weeks: int = 8) -> list[tuple[date, int, int]]:
    """(monday, clicks, downloads) for the last `weeks` weeks of the campaign."""
    end = min(timezone.localdate(), campaign.ends_on)
    start_monday = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    rows = (
        CampaignEvent.objects.filter(
            campaign=campaign, partner__in=partners, created_at__date__gte=start_monday
        )
        .values_list("kind", "created_at")
        .order_by()
    )
    buckets = {start_monday + timedelta(weeks=i): [0, 0] for i in range(weeks)}
    for kind, when in rows:
        day = timezone.localtime(when).date()
        monday = day - timedelta(days=day.weekday())
        if monday in buckets:
            buckets[monday][0 if kind == CampaignEvent.Kind.CLICK else 1] += 1
    return [(monday, c, d) for monday, (c, d) in buckets.items()]


# --- Announcements and video ------------------------------------------------------------


def announcements_for(*, partner, user, now=None):
    now = now or timezone.now()
    dismissed = AnnouncementReceipt.objects.filter(
        announcement_id=OuterRef("pk"), user=user, dismissed_at__isnull=False
    )
    return (
        Announcement.objects.filter(is_published=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(partner_types=[]) | Q(partner_types__contains=[partner.partner_type]))
        .exclude(Exists(dismissed))
        .order_by("-starts_at", "-pk")
    )


def announcements_with_receipt(*, partner, user, now=None):
    """`announcements_for` with `seen`: the person already has a receipt."""
    receipt = AnnouncementReceipt.objects.filter(announcement_id=OuterRef("pk"), user=user)
    return announcements_for(partner=partner, user=user, now=now).annotate(seen=Exists(receipt))


def current_video() -> OverviewVideo | None:
    return OverviewVideo.objects.filter(is_active=True).first()


def cached_current_video() -> OverviewVideo | None:
    """`current_video()` for the partner home (exact: the catalogue)."""
    return pagecache.cached("promotion:video", (pagecache.catalogue(),), current_video)


def chapters(video) -> list[tuple[str, int, str]]:
    """[(label "1:30", seconds, title)] from the "m:ss Title" lines."""
    out = []
    for line in (video.chapters or "").splitlines():
        stamp, _, title = line.strip().partition(" ")
        parts = stamp.split(":")
        if title and all(p.isdigit() for p in parts) and 1 <= len(parts) <= 3:
            seconds = 0
            for p in parts:
                seconds = seconds * 60 + int(p)
            out.append((stamp, seconds, title.strip()))
    return out


def is_new_member(membership, *, days: int = 30) -> bool:
    return membership.created_at >= timezone.now() - timedelta(days=days)


# --- Awareness metric ---------------------------------------------------------------------


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def awareness(*, partners, now=None, weeks: int = 8) -> dict:
    """Share of partners with a member signed in in the last 30 days, share that watched the
    overview video, announcement reach; by partner type and by week. Set-based."""
    now = now or timezone.now()
    partners = partners.filter(status__in=Partner.PORTAL_STATUSES)
    since = now - timedelta(days=30)
    signed_in = Membership.objects.filter(
        partner_id=OuterRef("pk"), is_active=True, user__last_login__gte=since
    )
    watched = VideoView.objects.filter(partner_id=OuterRef("pk"))
    reached = AnnouncementReceipt.objects.filter(partner_id=OuterRef("pk"))
    by_type = (
        partners.order_by()
        .values("partner_type")
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(Exists(signed_in))),
            watched=Count("pk", filter=Q(Exists(watched))),
            reached=Count("pk", filter=Q(Exists(reached))),
        )
    )

    labels = dict(PartnerType.choices)
    type_rows = []
    for row in by_type:
        type_rows.append(
            {
                "label": labels.get(row["partner_type"], row["partner_type"]),
                "total": row["total"],
                "active": _share(row["active"], row["total"]),
                "watched": _share(row["watched"], row["total"]),
                "reached": _share(row["reached"], row["total"]),
            }
        )
    totals = {k: sum(r[k] for r in by_type) for k in ("total", "active", "watched", "reached")}
    overall = {
        "total": totals["total"],
        "active": _share(totals["active"], totals["total"]),
        "watched": _share(totals["watched"], totals["total"]),
        "reached": _share(totals["reached"], totals["total"]),
    }
    today = timezone.localtime(now).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    ids = partners.values("pk")
    visits = dict(
        PortalVisit.objects.filter(week__gte=first, partner_id__in=ids)
        .order_by()
        .values("week")
        .annotate(n=Count("partner_id", distinct=True))
        .values_list("week", "n")
    )

    def by_week(model, field):
        """{monday: partners with a row in that week} from a dated per-user table."""
        rows = (
            model.objects.filter(**{f"{field}__date__gte": first, "partner_id__in": ids})
            .annotate(week=TruncWeek(field))
            .order_by()
            .values("week")
            .annotate(n=Count("partner_id", distinct=True))
            .values_list("week", "n")
        )
        return {timezone.localtime(week).date() if hasattr(week, "tzinfo") else week: n for week, n in rows}

    watched_weeks = by_week(VideoView, "created_at")
    reached_weeks = by_week(AnnouncementReceipt, "seen_at")
    week_rows = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        week_rows.append(
            {
                "week": monday,
                "active": _share(visits.get(monday, 0), totals["total"]),
                "watched": _share(watched_weeks.get(monday, 0), totals["total"]),
                "reached": _share(reached_weeks.get(monday, 0), totals["total"]),
            }
        )
    announcements = (
        Announcement.objects.filter(is_published=True)
        .annotate(
            reach=Count("receipts", filter=Q(receipts__partner_id__in=ids)),
            dismissed=Count(
                "receipts", filter=Q(receipts__partner_id__in=ids, receipts__dismissed_at__isnull=False)
            ),
        )
        .order_by("-starts_at")[:10]
    )
    return {"by_type": type_rows, "overall": overall, "by_week": week_rows, "announcements": announcements}


# --- Channel dashboard block (registered in apps.py; prm.ui.registry.BlockQuery) -----------

CAMPAIGNS_SHOWN = 12


def campaigns_block(query: BlockQuery) -> dict:
    """Published campaigns running at some point in the period: opt-ins, kit downloads, link
    clicks, deals, pipeline, won revenue and cost per won deal against the budget, counting
    the viewer's partners only (the attribution queries)."""
    running = (
        Campaign.objects.published()
        .filter(starts_on__lte=query.today, ends_on__gte=query.start)
        .order_by("-starts_on", "-pk")[:CAMPAIGNS_SHOWN]
    )
    out = [
        [
            campaign.name,
            r["opt_ins"],
            r["downloads"],
            r["clicks"],
            r["deals"],
            int(r["pipeline"]),
            r["won_deals"],
            int(r["won_revenue"]),
            int(campaign.budget),
            int(r["cost_per_won_deal"]) if r["cost_per_won_deal"] is not None else "-",
        ]
        for campaign, r in results_by_campaign(campaigns=running, partner_ids=query.partners)
    ]
    return {
        "title": _("Campaign results"),
        "header": [
            _("Campaign"),
            _("Opt-ins"),
            _("Downloads"),
            _("Clicks"),
            _("Deals"),
            _("Pipeline (JPY)"),
            _("Won deals"),
            _("Won revenue (JPY)"),
            _("Budget (JPY)"),
            _("Cost per won deal (JPY)"),
        ],
        "rows": out,
        "labels": [r[0] for r in out],
        "series": {
            _("Opt-ins"): [r[1] for r in out],
            _("Clicks"): [r[3] for r in out],
            _("Deals"): [r[4] for r in out],
        },
        "detail_url": "promotion:staff_campaigns",
    }


# --- Channels: tracked links to prospects -------------------------------------------------


def channel_destination(link: ChannelLink) -> str:
    """The page a channel link leads to, with its UTM parameters and its code (`ch`: the
    page asks the visitor's consent before remembering it)."""
    if link.target == ChannelLink.Target.OVERVIEW:
        path = reverse("promotion:overview")
    elif link.target == ChannelLink.Target.APPLY:
        path = reverse("partners:apply")
    elif link.target == ChannelLink.Target.RESOURCE and link.asset_id and public_asset(link.asset_id):
        path = reverse("content:resource", args=[link.asset_id])
    else:  # the landing page, or a resource no longer public
        path = reverse("home")
    return f"{path}?{urlencode(link.utm() | {'ch': link.code})}"


def live_channel_link(code: str) -> ChannelLink | None:
    if not CHANNEL_CODE_RE.fullmatch(code or ""):
        return None
    return ChannelLink.objects.filter(code=code, is_active=True).first()


def visitor_channel_code(request) -> str:
    """The channel an anonymous visitor came by: the link's code in the address (`ch`, the
    page they were led to) or the cookie they agreed to; "" for a signed-in person."""
    if request.user.is_authenticated:
        return ""
    code = request.GET.get("ch", "")
    return code if CHANNEL_CODE_RE.fullmatch(code) else channel_code(request)


def prospect_funnel(query: BlockQuery) -> list[list]:
    """Link visits -> landing page views -> video plays -> applications -> approvals, by
    channel, for what happened in the period (applications by the day they were received)."""
    steps = {
        (r["link__channel"], r["kind"]): r["n"]
        for r in ChannelEvent.objects.filter(created_at__gte=query.start_at, created_at__lt=query.end_at)
        .values("link__channel", "kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    apps = block_applications(query).filter(channel_code__gt="")
    decided = {
        r["channel"]: r
        for r in apps.annotate(
            channel=Subquery(ChannelLink.objects.filter(code=OuterRef("channel_code")).values("channel")[:1])
        )
        .values("channel")
        .annotate(
            applications=Count("id"), approvals=Count("id", filter=Q(status=Application.Status.APPROVED))
        )
        .order_by()
    }
    return [
        [
            label,
            steps.get((value, ChannelEvent.Kind.VISIT), 0),
            steps.get((value, ChannelEvent.Kind.LANDING), 0),
            steps.get((value, ChannelEvent.Kind.PLAY), 0),
            decided.get(value, {}).get("applications", 0),
            decided.get(value, {}).get("approvals", 0),
        ]
        for value, label in ChannelLink.Channel.choices
    ]


def prospect_funnel_block(query: BlockQuery) -> dict:
    """The prospects' awareness funnel by channel, beside the partners' awareness metric."""
    rows = prospect_funnel(query)
    return {
        "title": _("Prospect awareness by channel"),
        "header": [
            _("Channel"),
            _("Link visits"),
            _("Landing page views"),
            _("Video plays"),
            _("Applications"),
            _("Approved"),
        ],
        "rows": rows,
        "labels": [r[0] for r in rows],
        "series": {
            _("Link visits"): [r[1] for r in rows],
            _("Landing page views"): [r[2] for r in rows],
            _("Video plays"): [r[3] for r in rows],
            _("Applications"): [r[4] for r in rows],
            _("Approved"): [r[5] for r in rows],
        },
        "detail_url": "promotion:staff_awareness",
        "note": _(
            "Anonymous visitors who came by a channel link, counted once a day each; applications "
            "and approvals of those who agreed to be remembered by the link."
        ),
    }
