"""Reads shared by views, metrics, reminders and other apps."""

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from incentives.models import Deal
from onboarding.models import (
    DUE_SOON_DAYS,
    PILLAR_ORDER,
    OnboardingPlan,
    OnboardingTask,
    Pillar,
    ReminderLog,
    TaskKind,
    TaskLateness,
)
from partners.models import Application, Partner, PartnerType, ReferralLink, Source
from partners.queries import block_applications
from prm.access.scoping import scoped, sees_every_partner
from prm.cache import pagecache
from prm.i18n.business_days import add_business_days
from prm.models import CHANNEL_MANAGERS, User
from prm.ui.registry import BlockQuery
from training import queries as training_queries

INACTIVE_DAYS = 10
# Behind pace: the share of tasks done trails the share of the target period elapsed by more than this.
PACE_TOLERANCE_PCT = 10


# --- Contracts for other apps ---------------------------------------------------------


def running_plan_partner_ids():
    """Ids of partners with a running onboarding plan (content: stage "onboarding")."""
    return OnboardingPlan.objects.running().values_list("partner_id", flat=True)


# --- Plans, progress and risk ---------------------------------------------------------


def channel_managers():
    """The people who may own a plan (and who get an escalation nobody else is assigned)."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS)


def plans_with_progress(qs=None, *, today: date | None = None):
    """Plans annotated with task counts, days elapsed and risk flags, all in SQL."""
    today = today or timezone.localdate()
    qs = OnboardingPlan.objects.all() if qs is None else qs
    inactive_since = timezone.now() - timedelta(days=INACTIVE_DAYS)
    qs = qs.annotate(
        n_tasks=Count("tasks"),
        n_done=Count("tasks", filter=Q(tasks__status=OnboardingTask.Status.DONE)),
        n_overdue=Count(
            "tasks", filter=~Q(tasks__status=OnboardingTask.Status.DONE) & Q(tasks__due_date__lt=today)
        ),
        days_elapsed=RawSQL(
            '(%s::date - "onboarding_onboardingplan"."started_on")', [today], output_field=IntegerField()
        ),
    )
    # done/total < elapsed/target - tolerance  <=>  100*done*target < total*(100*elapsed - tol*target)
    behind = Q(
        status=OnboardingPlan.Status.RUNNING,
        n_tasks__gt=0,
        pace_lhs__lt=F("pace_rhs"),
    )
    qs = qs.annotate(
        pace_lhs=Value(100) * F("n_done") * F("target_days"),
        pace_rhs=F("n_tasks")
        * (Value(100) * F("days_elapsed") - Value(PACE_TOLERANCE_PCT) * F("target_days")),
    )
    return _with_flags(qs, behind, inactive_since)


PROGRESS_FIELDS = (
    "n_tasks",
    "n_done",
    "n_overdue",
    "days_elapsed",
    "is_behind",
    "is_overdue",
    "is_inactive",
    "is_no_deal",
)


def annotate_progress(plans: list, *, today: date) -> None:
    """Set `plans_with_progress`'s annotations on already-read plans (a page): one grouped
    query over these plans' tasks only."""
    rows = plans_with_progress(OnboardingPlan.objects.filter(pk__in=[p.pk for p in plans]), today=today)
    found = {r["pk"]: r for r in rows.order_by().values("pk", *PROGRESS_FIELDS)}
    for plan in plans:
        for name, value in found.get(plan.pk, {}).items():
            if name != "pk":
                setattr(plan, name, value)


def _with_flags(qs, behind: Q, inactive_since):
    def flag(q):
        return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())

    running = Q(status=OnboardingPlan.Status.RUNNING)
    # Issue 28: onboarded, but no deal registered and the target has passed (activation).
    no_deal = Q(status=OnboardingPlan.Status.COMPLETED, days_elapsed__gt=F("target_days")) & ~Q(
        Exists(Deal.objects.filter(partner_id=OuterRef("partner_id")))
    )
    return qs.annotate(
        is_behind=flag(behind),
        is_overdue=flag(running & Q(n_overdue__gt=0)),
        is_inactive=flag(running & Q(last_activity_at__lt=inactive_since)),
        is_no_deal=flag(no_deal),
    )


RISKS = {
    "behind": Q(is_behind=True),
    "overdue": Q(is_overdue=True),
    "inactive": Q(is_inactive=True),
    "no_deal": Q(is_no_deal=True),
    "any": Q(is_behind=True) | Q(is_overdue=True) | Q(is_inactive=True) | Q(is_no_deal=True),
}


@dataclass
class Progress:
    total: int
    done: int
    percent: int
    days_elapsed: int
    days_left: int
    expected_finish: date | None
    target_days: int = 60
    overdue: int = 0

    @property
    def days_over(self) -> int:
        return max(-self.days_left, 0)

    @property
    def behind_pace(self) -> bool:
        """Fewer tasks done than the days elapsed call for (the staff pages' "behind" flag)."""
        if not self.total:
            return False
        return 100 * self.done * self.target_days < self.total * (
            100 * self.days_elapsed - PACE_TOLERANCE_PCT * self.target_days
        )


def plan_progress(
    plan: OnboardingPlan, *, today: date | None = None, total=None, done=None, overdue: int = 0
) -> Progress:
    today = today or timezone.localdate()
    if total is None:
        total = getattr(plan, "n_tasks", None)
        done = getattr(plan, "n_done", None)
    if total is None:
        counts = plan.tasks.aggregate(
            total=Count("id"), done=Count("id", filter=Q(status=OnboardingTask.Status.DONE))
        )
        total, done = counts["total"], counts["done"]
    end = plan.completed_on if plan.completed_on else today
    elapsed = max((end - plan.started_on).days, 0)
    return Progress(
        total=total,
        done=done,
        percent=round(100 * done / total) if total else 0,
        days_elapsed=elapsed,
        days_left=(plan.target_date - today).days,
        expected_finish=expected_finish(plan, total=total, done=done, today=today),
        target_days=plan.target_days,
        overdue=overdue,
    )


def expected_finish(plan: OnboardingPlan, *, total: int, done: int, today: date) -> date | None:
    """Finish date if the pace so far (tasks done per day) continues; None without any pace yet."""
    if plan.completed_on:
        return plan.completed_on
    if not total or not done:
        return None
    elapsed = max((today - plan.started_on).days, 1)
    return plan.started_on + timedelta(days=round(elapsed * total / done))


def risk_flags(plan) -> list[str]:
    return [
        name
        for name, attr in (
            ("behind", "is_behind"),
            ("overdue", "is_overdue"),
            ("inactive", "is_inactive"),
            ("no_deal", "is_no_deal"),
        )
        if getattr(plan, attr, False)
    ]


def partner_plan(partner):
    """The partner's running plan, else its latest completed one, else None."""
    plans = OnboardingPlan.objects.for_partner(partner).exclude(status=OnboardingPlan.Status.CANCELLED)
    # One query: the running plan sorts first, then the model's order (latest first).
    running_first = Case(When(status=OnboardingPlan.Status.RUNNING, then=Value(0)), default=Value(1))
    return plans.order_by(running_first, *OnboardingPlan._meta.ordering).first()


def partner_plan_with_tasks(partner) -> tuple:
    """(`partner_plan(partner)`, its tasks) in one query: the tasks of the chosen plan, each
    with the plan joined; (None, []) without a plan."""
    plans = OnboardingPlan.objects.for_partner(partner).exclude(status=OnboardingPlan.Status.CANCELLED)
    running_first = Case(When(status=OnboardingPlan.Status.RUNNING, then=Value(0)), default=Value(1))
    chosen = plans.order_by(running_first, *OnboardingPlan._meta.ordering).values("pk")[:1]
    tasks = list(OnboardingTask.objects.filter(plan_id=Subquery(chosen)).select_related("plan"))
    if not tasks:
        return partner_plan(partner), []  # a plan without tasks (or none at all)
    plan = tasks[0].plan
    for task in tasks:
        task.plan = plan  # one object, as plan.tasks.all() would give
    return plan, tasks


def cached_partner_plan_with_tasks(partner) -> tuple:
    """`partner_plan_with_tasks(partner)` for the home card (exact: the partner's scope)."""
    return pagecache.cached(
        "onboarding:home", (pagecache.partner(partner.pk),), lambda: partner_plan_with_tasks(partner)
    )


def task_sort_key(task: OnboardingTask, today: date):
    """The next best step first: overdue, then due soon, then open by due date; submitted and done last."""
    state = task.state(today)
    rank = {"overdue": 0, "due_soon": 1, "open": 2, "submitted": 3, "done": 4}[state]
    return (rank, task.due_date, task.position, task.pk)


def tasks_by_pillar(
    tasks: list[OnboardingTask], today: date
) -> list[tuple[str, str | Promise, list[OnboardingTask]]]:
    """(pillar, its label, its tasks with `current_state` set) in pillar order."""
    groups: dict[str, list[OnboardingTask]] = {p: [] for p in PILLAR_ORDER}
    for t in sorted(tasks, key=lambda t: (t.position, t.pk)):
        t.current_state = t.state(today)
        groups.setdefault(t.pillar, []).append(t)
    labels = dict(Pillar.choices)
    return [(p, labels.get(p, p), items) for p, items in groups.items() if items]


def next_step(tasks: list[OnboardingTask], today: date) -> OnboardingTask | None:
    """The open task the partner can act on that is most urgent; the owner's sign-offs
    only when nothing else is left."""
    open_tasks = [t for t in tasks if t.status == OnboardingTask.Status.OPEN]
    actionable = [t for t in open_tasks if t.kind != TaskKind.SIGNOFF] or open_tasks
    return min(actionable, key=lambda t: task_sort_key(t, today)) if actionable else None


# --- Reminders: selection in a constant number of queries ---------------------------


def partner_members(partner_id: int, *, essential: bool) -> list:
    """The partner's active people who get its onboarding e-mails; without the ones who muted
    the non-essential reminders unless `essential`."""
    users = User.objects.filter(is_active=True, membership__partner_id=partner_id, membership__is_active=True)
    if not essential:
        users = users.exclude(onboarding_preference__mute_non_essential=True)
    return list(users)


def reminder_candidates(today: date) -> dict[str, list]:
    """Everything the daily reminder run may send, each kind in one query."""
    # Suspended or offboarded partners are not nagged (their members cannot open the portal).
    running = Q(plan__status=OnboardingPlan.Status.RUNNING, plan__partner__status__in=Partner.PORTAL_STATUSES)
    open_only = Q(status=OnboardingTask.Status.OPEN)
    # "Due soon" counts Japanese business days: a task due after Golden Week is reminded before it.
    due_soon = list(
        OnboardingTask.objects.filter(
            running, open_only, due_date__gte=today, due_date__lte=add_business_days(today, DUE_SOON_DAYS)
        )
        .exclude(kind=TaskKind.SIGNOFF)  # the owner signs these off: nothing for members to do
        .exclude(pk__in=ReminderLog.objects.filter(kind=ReminderLog.Kind.DUE_SOON).values("task_id"))
        .values_list("pk", flat=True)
    )
    overdue = list(
        # Submitted documents wait for the owner: no nagging of the partner meanwhile.
        OnboardingTask.objects.filter(running, open_only, due_date__lt=today)
        .exclude(kind=TaskKind.SIGNOFF)
        .exclude(pk__in=ReminderLog.objects.filter(kind=ReminderLog.Kind.OVERDUE).values("task_id"))
        .values_list("pk", flat=True)
    )
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    in_portal = Q(partner__status__in=Partner.PORTAL_STATUSES)
    at_risk = (
        plans_with_progress(
            OnboardingPlan.objects.running().filter(in_portal, owner__isnull=False), today=today
        )
        .filter(RISKS["any"])
        .values_list("owner_id", flat=True)
        .distinct()
    )
    digest_owners = [owner_id for owner_id in at_risk if owner_id is not None]
    done_digests = set(
        ReminderLog.objects.filter(kind=ReminderLog.Kind.DIGEST, key__endswith=f":{week}").values_list(
            "recipient_id", flat=True
        )
    )
    escalations = list(
        OnboardingPlan.objects.running()
        .filter(in_portal, target_date__lt=today)
        .exclude(pk__in=ReminderLog.objects.filter(kind=ReminderLog.Kind.ESCALATION).values("plan_id"))
        .values_list("pk", flat=True)
    )
    expiring = list(
        training_queries.expiring_certification_ids(today, within_days=30).exclude(
            pk__in=ReminderLog.objects.filter(kind=ReminderLog.Kind.CERT_EXPIRING).values(
                "user_certification_id"
            )
        )
    )
    return {
        "due_soon": due_soon,
        "overdue": overdue,
        "digest": [(o, week) for o in digest_owners if o not in done_digests],
        "escalation": escalations,
        "cert_expiring": expiring,
    }


# --- Metrics --------------------------------------------------------------------------


def cohort_rows(plans) -> list[dict]:
    """60-day share by start month and partner type. A plan counts as onboarded within
    the target when completed on or before its target date; plans still inside their
    window are "in progress" and left out of the share (not decided yet)."""
    today = timezone.localdate()
    rows = (
        plans.exclude(status=OnboardingPlan.Status.CANCELLED)
        .annotate(month=TruncMonth("started_on"))
        .values("month", "partner__partner_type")
        .annotate(
            started=Count("id"),
            within=Count(
                "id", filter=Q(status=OnboardingPlan.Status.COMPLETED, completed_on__lte=F("target_date"))
            ),
            late=Count(
                "id",
                filter=Q(status=OnboardingPlan.Status.COMPLETED, completed_on__gt=F("target_date"))
                | Q(status=OnboardingPlan.Status.RUNNING, target_date__lt=today),
            ),
        )
        .order_by("-month", "partner__partner_type")
    )
    labels = {value: str(label) for value, label in PartnerType.choices}  # in the active language
    out = []
    for r in rows:
        decided = r["within"] + r["late"]
        out.append(
            {
                "month": r["month"],
                "partner_type": labels.get(r["partner__partner_type"], r["partner__partner_type"]),
                "started": r["started"],
                "within": r["within"],
                "late": r["late"],
                "pending": r["started"] - decided,
                "share": round(100 * r["within"] / decided) if decided else None,
            }
        )
    return out


def overall_share(rows: list[dict]) -> int | None:
    within = sum(r["within"] for r in rows)
    decided = within + sum(r["late"] for r in rows)
    return round(100 * within / decided) if decided else None


def median_days_to_onboard(plans) -> float | None:
    spans = [
        (done - start).days
        for start, done in plans.filter(status=OnboardingPlan.Status.COMPLETED).values_list(
            "started_on", "completed_on"
        )
    ]
    return statistics.median(spans) if spans else None


METRICS_SECONDS = 300


def metrics_figures(plans, partners, *, render=None) -> dict:
    """The metrics page's plan and certification figures (cohorts, median days, running
    plans, certifications) with `as_of`, when they were counted. Every partner: they may lag
    (kept five minutes per language; the page says "as of"); a narrowed scope: computed live.
    `render(figures)` adds entries (the view's pre-rendered tables) kept with them."""

    def compute():
        figures = {
            "cohorts": cohort_rows(plans),
            "median_days": median_days_to_onboard(plans),
            "running": plans.filter(status=OnboardingPlan.Status.RUNNING).count(),
            "certs": training_queries.certification_rows(partners),
            "as_of": timezone.now(),
        }
        return {**figures, **(render(figures) if render else {})}

    if not sees_every_partner(partners):
        return {**compute(), "as_of": None}
    key = f"onboarding:metrics:3:{timezone.localdate().isoformat()}:{translation.get_language()}"
    return pagecache.lagging(key, compute, seconds=METRICS_SECONDS)


def task_lateness(partners, limit: int = 10) -> tuple[list[dict], object]:
    """`most_overdue_tasks` for the metrics page, and when it was computed (None: now).
    Every partner: the TaskLateness roll-up (when it has been built); a narrowed scope: its
    own plans, live (a few partners' tasks through the plan index)."""
    if sees_every_partner(partners):
        # One row per task title and pillar (tens of rows): sorted here in the reader's language.
        rows = list(TaskLateness.objects.all())
        if rows:
            first, second = (
                ("en", "ja") if (translation.get_language() or "ja").startswith("en") else ("ja", "en")
            )
            labels = dict(Pillar.choices)

            def title(row: TaskLateness) -> str:
                return getattr(row, f"title_{first}") or getattr(row, f"title_{second}") or ""

            late = sorted((r for r in rows if r.late), key=lambda r: (-r.late, title(r)))
            out = [
                {
                    "title": title(r),
                    "pillar": r.pillar,
                    "total": r.total,
                    "late": r.late,
                    "pillar_label": labels.get(r.pillar, r.pillar),
                    "share": round(100 * r.late / r.total),
                }
                for r in late[:limit]
            ]
            return out, min(r.computed_at for r in rows)
    return most_overdue_tasks(scoped(OnboardingPlan.objects.all(), partners), limit=limit), None


def most_overdue_tasks(plans, limit: int = 10) -> list[dict]:
    """Tasks (by title and pillar) most often late: finished after, or still open past, their due date."""
    today = timezone.localdate()
    late = Q(status=OnboardingTask.Status.DONE, completed_at__date__gt=F("due_date")) | (
        ~Q(status=OnboardingTask.Status.DONE) & Q(due_date__lt=today)
    )
    rows = (
        OnboardingTask.objects.filter(plan__in=plans.exclude(status=OnboardingPlan.Status.CANCELLED))
        .values("title", "pillar")
        .annotate(total=Count("id"), late=Count("id", filter=late))
        .filter(late__gt=0)
        .order_by("-late", "title")[:limit]
    )
    labels = dict(Pillar.choices)
    return [
        {
            **r,
            "pillar_label": labels.get(r["pillar"], r["pillar"]),
            "share": round(100 * r["late"] / r["total"]),
        }
        for r in rows
    ]


# --- Channel dashboard blocks (registered in apps.py; prm.ui.registry.BlockQuery) ----------


def recruitment_block(query: BlockQuery) -> dict:
    """Clicks -> applications -> approved -> onboarded within the target -> first won deal,
    by source, for applications received in the period."""
    apps = block_applications(query)
    target = settings.PRM_ONBOARDING_TARGET_DAYS
    onboarded = OnboardingPlan.objects.filter(
        partner_id=OuterRef("partner_id"),
        status=OnboardingPlan.Status.COMPLETED,
        completed_on__lte=F("started_on") + timedelta(days=target),
    )
    won = Deal.objects.counted().filter(partner_id=OuterRef("partner_id"))
    rows = {
        r["source"]: r
        for r in apps.values("source").annotate(
            applications=Count("id"),
            approved=Count("id", filter=Q(status=Application.Status.APPROVED)),
            onboarded=Count("id", filter=Q(Exists(onboarded))),
            first_won=Count("id", filter=Q(Exists(won))),
        )
    }
    links = ReferralLink.objects.all()
    if query.narrowed:
        links = links.filter(partner_id__in=query.partners)
    clicks = links.aggregate(n=Sum("clicks"))["n"] or 0
    out = []
    for value, label in Source.choices:
        r = rows.get(value, {})
        out.append(
            [
                label,
                clicks if value == Source.REFERRAL else "",
                r.get("applications", 0),
                r.get("approved", 0),
                r.get("onboarded", 0),
                r.get("first_won", 0),
            ]
        )
    return {
        "title": _("Recruitment funnel by source"),
        "header": [
            _("Source"),
            _("Referral clicks"),
            _("Applications"),
            _("Approved"),
            _("Onboarded within %(days)s days") % {"days": target},
            _("First won deal"),
        ],
        "rows": out,
        "labels": [r[0] for r in out],
        "series": {
            _("Applications"): [r[2] for r in out],
            _("Approved"): [r[3] for r in out],
            _("Onboarded"): [r[4] for r in out],
            _("First won deal"): [r[5] for r in out],
        },
        "detail_url": "partners:staff_metrics",
    }


def cohorts_block(query: BlockQuery) -> dict:
    """Plans started in the period, by month of start: completed within the target, running, at risk."""
    target = settings.PRM_ONBOARDING_TARGET_DAYS
    plans = (
        query.scoped(OnboardingPlan.objects.all())
        .filter(started_on__gte=query.start)
        .exclude(status=OnboardingPlan.Status.CANCELLED)
    )
    # At risk: a running plan past its target, with overdue tasks, or inactive (INACTIVE_DAYS).
    # The pace flag needs per-plan task counts; the plans page shows it.
    overdue = OnboardingTask.objects.filter(plan_id=OuterRef("pk"), due_date__lt=query.today).exclude(
        status=OnboardingTask.Status.DONE
    )
    inactive_since = timezone.now() - timedelta(days=INACTIVE_DAYS)
    at_risk = dict(
        plans.filter(status=OnboardingPlan.Status.RUNNING)
        .filter(Q(target_date__lt=query.today) | Q(last_activity_at__lt=inactive_since) | Q(Exists(overdue)))
        .annotate(month=TruncMonth("started_on"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    rows = (
        plans.annotate(month=TruncMonth("started_on"))
        .values("month")
        .annotate(
            started=Count("id"),
            in_target=Count("id", filter=Q(completed_on__lte=F("started_on") + timedelta(days=target))),
            running=Count("id", filter=Q(status=OnboardingPlan.Status.RUNNING)),
        )
        .order_by("month")
    )
    out = [
        [
            r["month"].strftime("%Y-%m"),
            r["started"],
            r["in_target"],
            round(100 * r["in_target"] / r["started"]) if r["started"] else 0,
            r["running"],
            at_risk.get(r["month"], 0),
        ]
        for r in rows
    ]
    return {
        "title": _("Onboarding within %(days)s days by cohort") % {"days": target},
        "header": [
            _("Cohort (month started)"),
            _("Plans started"),
            _("Completed in target"),
            _("Share (%)"),
            _("Running"),
            _("At risk"),
        ],
        "rows": out,
        "labels": [r[0] for r in out],
        "series": {_("Share (%)"): [r[3] for r in out], _("At risk"): [r[5] for r in out]},
        "detail_url": "onboarding:staff_metrics",
        "managers_only": False,
    }
