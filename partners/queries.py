"""Read-side helpers shared by the staff pages, the CSV exports and the home panel."""

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import (
    FAQ,
    Application,
    Invitation,
    LandingSection,
    Membership,
    Partner,
    PartnerType,
    PartnerTypeStory,
    ProgrammeStory,
    ReferralLink,
    Source,
    StoryText,
)
from prm.cache import pagecache
from prm.models import AuditEvent, User
from prm.tenancy import partners_for_staff
from prm.ui.registry import BlockQuery


def partner_admins(partner_id: int):
    """The partner's active portal administrators: whom partner-wide e-mails go to."""
    return User.objects.filter(
        membership__partner_id=partner_id,
        membership__is_active=True,
        membership__role=Membership.Role.ADMIN,
        is_active=True,
    )


def latest_unaccepted_invitation(*, partner_id: int, email: str) -> Invitation | None:
    """The partner's newest invitation of this address not accepted yet, whatever else its
    state (pending, expired or revoked): what single sign-on accepts, or names in a refusal."""
    return (
        Invitation.objects.select_related("partner")
        .filter(partner_id=partner_id, email__iexact=email, accepted_at=None)
        .order_by("-created_at", "-pk")
        .first()
    )


class Median(Func):
    """PostgreSQL's percentile_cont(0.5) as an aggregate."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    contains_aggregate = True
    output_field = FloatField()


def partner_facts(partner) -> dict:
    """What several home panels ask about the partner, in one query, memoised on the partner
    object for the request and cached exact under the partner's scope: active members, and
    whether industries and capabilities are set."""
    cached = getattr(partner, "_facts", None)
    if cached is not None:
        return cached
    partner._facts = pagecache.cached(
        "partners:facts", (pagecache.partner(partner.pk),), lambda: _partner_facts(partner)
    )
    return partner._facts


def cached_partner_referral_link(partner, compute):
    """`compute()` (the partner's link with its figures), exact under the partner's scope
    (clicks bump it; applications through the link name it: `Application.cache_partners`)."""
    return pagecache.cached("partners:referral", (pagecache.partner(partner.pk),), compute)


def _partner_facts(partner) -> dict:
    members = (
        Membership.objects.filter(partner_id=OuterRef("pk"), is_active=True)
        .order_by()
        .values("partner_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Partner.objects.filter(pk=partner.pk).values(
        members=Coalesce(Subquery(members, output_field=IntegerField()), 0),
        has_industries=Exists(Partner.industries.through.objects.filter(partner_id=OuterRef("pk"))),
        has_capabilities=Exists(Partner.capabilities.through.objects.filter(partner_id=OuterRef("pk"))),
    ).first() or {"members": 0, "has_industries": False, "has_capabilities": False}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def applications_in_period(start: date, end: date):
    low, high = _bounds(start, end)
    return Application.objects.filter(created_at__gte=low, created_at__lt=high)


def _rate(approved: int, decided: int) -> float | None:
    return round(approved * 100 / decided, 1) if decided else None


def _breakdown(qs, field: str, choices) -> list[dict]:
    rows = {
        r[field]: r
        for r in qs.values(field).annotate(
            total=Count("id"),
            approved=Count("id", filter=Q(status=Application.Status.APPROVED)),
            rejected=Count("id", filter=Q(status=Application.Status.REJECTED)),
        )
    }
    out = []
    for value, label in choices:
        r = rows.get(value, {"total": 0, "approved": 0, "rejected": 0})
        decided = r["approved"] + r["rejected"]
        out.append(
            {
                "key": value,
                "label": label,
                "total": r["total"],
                "approved": r["approved"],
                "rejected": r["rejected"],
                "approval_rate": _rate(r["approved"], decided),
            }
        )
    return out


def recruitment_metrics(*, start: date, end: date, referral_links=None) -> dict:
    """Funnel numbers for applications received in [start, end] (local dates, inclusive)."""
    qs = applications_in_period(start, end)
    totals = qs.aggregate(
        total=Count("id"),
        approved=Count("id", filter=Q(status=Application.Status.APPROVED)),
        rejected=Count("id", filter=Q(status=Application.Status.REJECTED)),
        open=Count("id", filter=Q(status__in=Application.OPEN_STATUSES)),
        withdrawn=Count("id", filter=Q(status=Application.Status.WITHDRAWN)),
    )
    seconds = qs.filter(decided_at__isnull=False).aggregate(
        median=Median(
            Func(
                ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField()),
                function="EXTRACT",
                template="EXTRACT(EPOCH FROM %(expressions)s)",
                output_field=FloatField(),
            )
        )
    )["median"]
    totals["approval_rate"] = _rate(totals["approved"], totals["approved"] + totals["rejected"])
    totals["median_days"] = round(seconds / 86400, 1) if seconds is not None else None
    return {
        "start": start,
        "end": end,
        "totals": totals,
        "by_source": _breakdown(qs, "source", Source.choices),
        "by_type": _breakdown(qs, "partner_type", PartnerType.choices),
        "top_referrers": top_referrers(start=start, end=end, links=referral_links),
    }


def referrer_stats(qs=None, *, start: date | None = None, end: date | None = None):
    """Referral links with clicks and the applications / approvals they brought."""
    cond = Q()
    if start and end:
        low, high = _bounds(start, end)
        cond = Q(applications__created_at__gte=low, applications__created_at__lt=high)
    qs = qs if qs is not None else ReferralLink.objects.all()
    return qs.select_related("user", "partner").annotate(
        application_count=Count("applications", filter=cond),
        approved_count=Count(
            "applications", filter=cond & Q(applications__status=Application.Status.APPROVED)
        ),
    )


def top_referrers(*, start: date, end: date, limit: int = 10, links=None) -> list:
    return list(
        referrer_stats(links, start=start, end=end)
        .filter(application_count__gt=0)
        .order_by("-application_count", "-approved_count", "-clicks")[:limit]
    )


def referral_links_visible_to(user):
    """Staff links, plus the links of partners this staff user may see (guardian)."""
    return ReferralLink.objects.filter(Q(partner__isnull=True) | Q(partner__in=partners_for_staff(user)))


def referral_link_stats(link: ReferralLink) -> ReferralLink:
    return referrer_stats(ReferralLink.objects.filter(pk=link.pk)).get()


# --- Channel dashboard block (registered in apps.py; prm.ui.registry.BlockQuery) -----------

ACTIVE_DAYS = 30
SIGNIN_WEEKS = 8
SIGNED_IN = "auth.login"  # written by prm.audit.receivers on every sign-in


def activity_block(query: BlockQuery) -> dict:
    """Partners with a member signed in during the last 30 days; sign-ins by week."""
    now = timezone.now()
    since = now - timedelta(days=ACTIVE_DAYS)
    # One hashed subplan over the recently signed-in members, not an EXISTS per partner.
    active_partners = Membership.objects.filter(is_active=True, user__last_login__gte=since).values(
        "partner_id"
    )
    totals = query.scoped(Partner.objects.all(), "pk").aggregate(
        partners=Count("id"), active=Count("id", filter=Q(pk__in=active_partners))
    )
    weeks_start = now - timedelta(weeks=SIGNIN_WEEKS)
    scope, scope_params = query.partner_sql()
    # Sign-ins per (week, partner) first (hashed), then per week: no COUNT(DISTINCT) sort.
    # Table names from _meta and fixed fragments only; every value is a parameter.
    sql = f"""
        SELECT week, SUM(n), COUNT(*) FROM (
            SELECT date_trunc('week', created_at AT TIME ZONE %s) AS week, partner_id, COUNT(*) AS n
            FROM {AuditEvent._meta.db_table}
            WHERE action = %s AND created_at >= %s AND partner_id IS NOT NULL{scope}
            GROUP BY 1, 2
        ) g GROUP BY week"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.get_current_timezone_name(), SIGNED_IN, weeks_start, *scope_params])
        by_week = {week.date(): (int(signins), partners) for week, signins, partners in cursor.fetchall()}
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    weeks = [monday - timedelta(weeks=n) for n in range(SIGNIN_WEEKS - 1, -1, -1)]
    out = [[w.isoformat(), *by_week.get(w, (0, 0))] for w in weeks]
    share = round(100 * totals["active"] / totals["partners"]) if totals["partners"] else 0
    return {
        "title": _("Activity"),
        "header": [_("Week starting"), _("Sign-ins"), _("Partners signed in")],
        "rows": out,
        "labels": [r[0] for r in out],
        "series": {_("Sign-ins"): [r[1] for r in out]},
        "detail_url": "partners:staff_metrics",
        "note": _(
            "%(active)s of %(partners)s partners (%(share)s%%) had a member active in the last %(days)s days."
        )
        % {**totals, "share": share, "days": ACTIVE_DAYS},
    }


# --- the programme's story (public pages) ---------------------------------------------


def programme_story() -> ProgrammeStory | None:
    return ProgrammeStory.objects.filter(pk=1).first()


def partner_type_stories() -> dict[str, PartnerTypeStory]:
    return {story.partner_type: story for story in PartnerTypeStory.objects.all()}


def landing_story() -> dict:
    """Everything the landing page tells (4 queries), the figures already in the texts."""
    story = programme_story()
    types = list(PartnerTypeStory.objects.all())
    labels = dict(PartnerType.choices)
    sections = list(LandingSection.objects.filter(is_published=True))
    faqs = list(FAQ.objects.filter(is_published=True))
    return {
        "story": story,
        "lead": story.filled("hero_lead") if story else "",
        "types": [
            (labels.get(t.partner_type, t.partner_type), StoryText.fill(t.landing_text, story)) for t in types
        ],
        "sections": [(s.title, StoryText.fill(s.body, story)) for s in sections],
        "faqs": [(f.question, StoryText.fill(f.answer, story)) for f in faqs],
    }


def block_applications(query: BlockQuery):
    """The applications a dashboard block counts: received in its period, narrowed by its
    filters; a narrowed view (an assigned manager) counts only those who became its partners,
    since applicants are nobody's partners yet."""
    apps = Application.objects.filter(created_at__gte=query.start_at, created_at__lt=query.end_at)
    if query.partner_type:
        apps = apps.filter(partner_type=query.partner_type)
    if query.country:
        apps = apps.filter(country=query.country)
    if query.narrowed:
        apps = apps.filter(partner_id__in=query.partners)
    return apps
