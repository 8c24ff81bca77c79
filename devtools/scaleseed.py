"""A programme at scale on top of the demo data: `manage.py seed_demo --scale large`.

Set-based throughout (INSERT ... SELECT over generate_series, through
`devtools.seeding.insert_select`, so new model fields with defaults do not break it). Per
partner, activity follows one skewed weight u = random()^k: a few large partners have
dozens of users and hundreds of deals, most have a handful. At 10,000 partners:

    users 100,000 · deals 1,000,000 · assets 20,000 · content events 2,000,000
    question threads 50,000 (+ ~90,000 messages) · onboarding plans 10,000 (+ 80,000 tasks)
    certifications ~30,000 · statements and earnings for won deals of the last 12 months

Scales grow additively (100 -> 1,000 -> 10,000): a second run adds the partners missing
up to the requested count, so one database serves the whole growth curve. Synthetic
users cannot sign in (unusable password); the demo logins keep working, and the demo
partner (partner@example.com) gets the activity of a large partner on the first run.
"""

import contextlib
import time
from datetime import timedelta

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from content.search import index_assets
from devtools.seeding import insert_select
from incentives import services as incentive_services
from prm.ui import registry

SCALES = {"tiny": 30, "100": 100, "1000": 1_000, "large": 10_000, "10000": 10_000}
ASSETS_PER_PARTNER = 2  # 20,000 at 10,000 partners
PREFIX = "scale-"


def _model(label):
    return apps.get_model(label)


class _Timer:
    def __init__(self, stdout):
        self.stdout, self.t0, self.started = stdout, time.perf_counter(), time.perf_counter()

    def step(self, label, rows=None):
        now = time.perf_counter()
        suffix = f" ({rows:,} rows)" if rows is not None else ""
        self.stdout(f"  {label}{suffix}: {now - self.t0:.1f}s")
        self.t0 = now

    def total(self):
        return time.perf_counter() - self.started


def _execute(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _scalar(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def seed_scale(partners: int, stdout=print) -> dict:
    """Grow the scale data to `partners` synthetic partners; returns row counts added."""
    Partner = _model("partners.Partner")
    existing = Partner.objects.filter(slug__startswith=PREFIX).count()
    if existing >= partners:
        stdout(f"  scale: {existing:,} partners already seeded")
        return {}
    timer = _Timer(stdout)
    with transaction.atomic():
        # Bulk load: skip per-row foreign-key triggers where the role may (the rows are
        # generated consistent); fall back to checked inserts on managed databases.
        with contextlib.suppress(DatabaseError), transaction.atomic():
            _execute("SET LOCAL session_replication_role = replica")
        _execute("SET LOCAL synchronous_commit = off")
        _execute("SET LOCAL work_mem = '64MB'")
        counts = _seed(existing + 1, partners, first_run=existing == 0, timer=timer)
    _derived(timer)
    stdout(f"  scale: {partners:,} partners in {timer.total():.0f}s")
    return counts


def _seed(lo: int, hi: int, *, first_run: bool, timer) -> dict:
    Partner = _model("partners.Partner")
    today = timezone.localdate()
    counts = {}
    _execute("DROP TABLE IF EXISTS scale_p")
    # One row per new partner with its activity weight u in [0, 1) (skewed by powers below).
    _execute(
        """
        CREATE TEMP TABLE scale_p ON COMMIT DROP AS
        SELECT g AS idx, r AS u,
               1 + floor(27 * r * r)::int AS n_users,
               floor(400 * r * r * r)::int AS n_deals,
               floor(20 * r * r * r)::int AS n_threads,
               floor(800 * r * r * r)::int AS n_events,
               NULL::bigint AS partner_id, NULL::bigint AS admin_id
          FROM (SELECT g, random() AS r FROM generate_series(%(lo)s, %(hi)s) g) s
        """,
        {"lo": lo, "hi": hi},
    )
    counts["partners"] = insert_select(
        Partner,
        {
            "name": "(ARRAY['株式会社','合同会社','Global ','Pacific '])[1 + idx %% 4] || 'スケール' || idx",
            "slug": "'scale-' || idx",
            "partner_type": "(ARRAY['sales','delivery','solution'])[1 + idx %% 3]",
            "status": "CASE WHEN idx %% 15 = 0 THEN 'onboarding' WHEN idx %% 50 = 1 THEN 'suspended'"
            " ELSE 'active' END",
            "country": "(ARRAY['JP','JP','JP','US','SG','DE'])[1 + idx %% 6]",
            "company_size": "(ARRAY['s','m','l'])[1 + idx %% 3]",
            "created_at": "now() - (idx %% 1000) * interval '1 day'",
        },
        "FROM scale_p",
    )
    _execute(
        "UPDATE scale_p s SET partner_id = p.id FROM partners_partner p WHERE p.slug = 'scale-' || s.idx"
    )
    if first_run:
        # The demo partner behaves like a large partner, so the demo logins see real volume.
        _execute(
            """
            INSERT INTO scale_p (idx, u, n_users, n_deals, n_threads, n_events, partner_id)
            SELECT 0, 0.95, 0, 340, 17, 690, m.partner_id
              FROM partners_membership m JOIN prm_user u ON u.id = m.user_id
             WHERE u.email = 'partner@example.com'
            """
        )
    _execute("CREATE INDEX ON scale_p (partner_id)")
    _execute("ANALYZE scale_p")
    timer.step("partners", counts["partners"])

    counts["users"] = insert_select(
        _model("prm.User"),
        {
            "email": "'scale-' || s.idx || '-' || k || '@example.test'",
            "display_name": "'スケール ' || s.idx || '-' || k",
            "language": "CASE WHEN s.idx %% 5 = 0 THEN 'en' ELSE 'ja' END",
            "password": "'!'",
            "date_joined": "now() - (s.idx %% 900) * interval '1 day'",
        },
        "FROM scale_p s CROSS JOIN LATERAL generate_series(1, s.n_users) k",
    )
    counts["memberships"] = insert_select(
        _model("partners.Membership"),
        {
            "user": "u.id",
            "partner": "s.partner_id",
            "role": "CASE WHEN k = 1 THEN 'admin' ELSE 'member' END",
            "is_active": "true",
        },
        "FROM scale_p s CROSS JOIN LATERAL generate_series(1, s.n_users) k"
        " JOIN prm_user u ON u.email = 'scale-' || s.idx || '-' || k || '@example.test'",
    )
    _execute(
        """
        UPDATE scale_p s SET admin_id = u.id FROM prm_user u
         WHERE s.idx > 0 AND u.email = 'scale-' || s.idx || '-1@example.test'
        """
    )
    _execute(
        """
        UPDATE scale_p s SET admin_id = u.id FROM prm_user u
         WHERE s.idx = 0 AND u.email = 'partner@example.com'
        """
    )
    timer.step("users and memberships", counts["users"])

    counts["assets"] = _assets(hi * ASSETS_PER_PARTNER)
    timer.step("assets", counts["assets"])

    product = _model("incentives.Product").objects.order_by("pk").first()
    if product is None:
        product = _model("incentives.Product").objects.create(
            code="scale", name="スケール製品", name_en="Scale"
        )
    counts["deals"] = insert_select(
        _model("incentives.Deal"),
        {
            "partner": "s.partner_id",
            "registered_by": "s.admin_id",
            "customer_company": "'顧客 ' || s.idx || '-' || d",
            "company_key": "'customer ' || s.idx || '-' || d",
            "customer_domain": "'c' || s.idx || '-' || d || '.example.jp'",
            "contact_name": "'担当者'",
            "product": "%(product)s",
            "amount": "a",
            "amount_jpy": "a",
            "currency": "'JPY'",
            # Reviewed registrations carry what was approved; reviewed wins count at it.
            "approved_amount": "CASE WHEN h %% 20 < 17 THEN a END",
            "approved_currency": "CASE WHEN h %% 20 < 17 THEN 'JPY' ELSE '' END",
            "approved_amount_jpy": "CASE WHEN h %% 20 < 17 THEN a END",
            "counted_amount_jpy": "CASE WHEN h %% 20 < 17 AND h %% 10 < 4 THEN a END",
            "expected_close_date": "%(today)s::date + (d %% 120)",
            "status": "CASE WHEN h %% 20 < 17 THEN 'approved' WHEN h %% 20 < 19 THEN 'submitted' ELSE 'rejected' END",
            "stage": "CASE WHEN h %% 20 < 17 THEN (CASE WHEN h %% 10 < 4 THEN 'won' WHEN h %% 10 < 6 THEN 'lost'"
            " ELSE (ARRAY['qualifying','proposal','negotiation'])[1 + h %% 3] END) ELSE 'qualifying' END",
            "protected_until": "CASE WHEN h %% 20 < 17 THEN %(today)s::date + 90 - (h %% 200) END",
            "closed_on": "CASE WHEN h %% 20 < 17 AND h %% 10 < 6 THEN %(today)s::date - (h %% 730) END",
            "created_at": "now() - (h %% 760) * interval '1 day'",
            "updated_at": "now() - (h %% 30) * interval '1 day'",
        },
        "FROM scale_p s CROSS JOIN LATERAL generate_series(1, s.n_deals) d"
        " CROSS JOIN LATERAL (SELECT (s.idx * 7919 + d * 104729) AS h,"
        " (100000 + ((s.idx * 7919 + d * 104729) %% 9900000))::numeric AS a) x",
        {"product": product.pk, "today": today},
    )
    timer.step("deals", counts["deals"])

    counts["content_events"] = _events()
    timer.step("content events", counts["content_events"])
    counts["threads"], counts["messages"] = _threads()
    timer.step("threads and messages", counts["threads"] + counts["messages"])
    counts["plans"], counts["tasks"] = _onboarding(today)
    timer.step("onboarding plans and tasks", counts["plans"] + counts["tasks"])
    counts["certifications"] = _certifications(today)
    timer.step("certifications", counts["certifications"])
    counts["statements"], counts["earnings"] = _earnings(today)
    timer.step("statements and earnings", counts["statements"] + counts["earnings"])
    return counts


def _assets(target: int) -> int:
    Asset = _model("content.Asset")
    have = Asset.objects.filter(url__startswith="https://scale.example/").count()
    missing = target - have
    if missing <= 0:
        return 0
    collection = _model("content.Collection").objects.order_by("pk").values_list("pk", flat=True).first()
    rows = insert_select(
        Asset,
        {
            "title": """(ARRAY['営業資料の作り方','導入ガイド','価格表とライセンス','セキュリティ概要','保守運用手順書',
                     'Partner onboarding guide','Pricing and licensing','Security white paper',
                     'Migration checklist','Sales playbook'])[1 + g %% 10] || ' ' || g""",
            "summary": """(ARRAY['パートナー向けの資料です。','お客様への提案に使えます。','Useful for customer meetings.',
                       'Step-by-step instructions for partners.'])[1 + g %% 4]""",
            "kind": "(ARRAY['article','link','video','article'])[1 + g %% 4]",
            "body": """repeat((ARRAY['営業チームが提案の準備に使う資料です。導入の手順を説明します。',
                    'This guide explains how partners prepare proposals and migrate data. '])[1 + g %% 2], 6)""",
            "url": "'https://scale.example/' || g",
            "language": "(ARRAY['ja','en'])[1 + (g %% 10) / 7]",
            "stages": """(ARRAY['["onboarding"]','["selling"]','["servicing"]','["onboarding", "selling"]',
                      '["selling", "servicing"]'])[1 + g %% 5]::jsonb""",
            "partner_types": """(ARRAY['[]','[]','["sales"]','["delivery"]','["solution"]','[]'])[1 + g %% 6]::jsonb""",
            "source": "'company'",
            "status": "CASE WHEN g %% 50 = 0 THEN 'draft' ELSE 'published' END",
            "published_at": "CASE WHEN g %% 50 = 0 THEN NULL ELSE now() - (g %% 700) * interval '1 day' END",
            "shared_only": "false",
            "collection": "%(collection)s",
        },
        "FROM generate_series(%(lo)s, %(hi)s) g",
        {"lo": have + 1, "hi": target, "collection": collection},
    )
    new_ids = list(
        Asset.objects.filter(
            url__startswith="https://scale.example/", search_vector__isnull=True
        ).values_list("pk", flat=True)
    )
    index_assets(new_ids)
    return rows


def _events() -> int:
    lo, hi = (
        _scalar("SELECT min(id) FROM content_asset WHERE url LIKE 'https://scale.example/%%'"),
        _scalar("SELECT max(id) FROM content_asset WHERE url LIKE 'https://scale.example/%%'"),
    )
    if lo is None:
        return 0
    # Popular assets are opened far more often (cubed random: a long tail).
    return insert_select(
        _model("content.AssetEvent"),
        {
            "asset": "%(lo)s + floor(power(random(), 3) * (%(hi)s - %(lo)s + 1))::bigint",
            "partner": "s.partner_id",
            "user": "s.admin_id",
            "kind": "CASE WHEN e %% 5 = 0 THEN 'download' ELSE 'view' END",
            "created_at": "now() - random() * interval '180 days'",
        },
        "FROM scale_p s CROSS JOIN LATERAL generate_series(1, s.n_events) e",
        {"lo": lo, "hi": hi},
    )


def _threads() -> tuple[int, int]:
    threads = insert_select(
        _model("threads.Thread"),
        {
            "partner": "s.partner_id",
            "subject": "(ARRAY['ライセンスの更新について','Deal registration question','研修の受講方法',"
            "'Co-marketing funds','技術的な質問'])[1 + t %% 5] || ' #' || s.idx || '-' || t",
            "category": "(ARRAY['onboarding','training','deals','incentives','content','technical'])[1 + t %% 6]",
            "status": "(ARRAY['open','awaiting_partner','answered','closed','closed'])[1 + (s.idx + t) %% 5]",
            "author": "s.admin_id",
            "created_at": "now() - ((s.idx + t * 17) %% 400) * interval '1 day'",
            "updated_at": "now() - ((s.idx + t * 17) %% 400) * interval '1 day' + interval '2 hours'",
            "response_due_at": "now() - ((s.idx + t * 17) %% 400) * interval '1 day' + interval '1 day'",
            "first_response_at": "CASE WHEN (s.idx + t) %% 5 > 0 THEN now() - ((s.idx + t * 17) %% 400)"
            " * interval '1 day' + interval '3 hours' END",
            "closed_at": "CASE WHEN (s.idx + t) %% 5 >= 3 THEN now() - ((s.idx + t * 17) %% 400)"
            " * interval '1 day' + interval '1 day' END",
            "last_public_at": "now() - ((s.idx + t * 17) %% 400) * interval '1 day' + interval '3 hours'",
            "last_public_by": "s.admin_id",
        },
        "FROM scale_p s CROSS JOIN LATERAL generate_series(1, s.n_threads) t",
    )
    Message = _model("threads.Message")
    messages = insert_select(
        Message,
        {
            "thread": "t.id",
            "author": "t.author_id",
            "kind": "'public'",
            "by_staff": "false",
            "body": "'お世話になっております。' || t.subject || ' について教えてください。'",
            "created_at": "t.created_at",
        },
        "FROM threads_thread t JOIN scale_p s ON s.partner_id = t.partner_id",
    )
    messages += insert_select(
        Message,
        {
            "thread": "t.id",
            "author": "NULL",
            "kind": "'public'",
            "by_staff": "true",
            "body": "'ご質問ありがとうございます。手順をご案内します。'",
            "created_at": "t.first_response_at",
        },
        "FROM threads_thread t JOIN scale_p s ON s.partner_id = t.partner_id WHERE t.first_response_at IS NOT NULL",
    )
    return threads, messages


def _onboarding(today) -> tuple[int, int]:
    Plan = _model("onboarding.OnboardingPlan")
    plans = insert_select(
        Plan,
        {
            "partner": "p.id",
            "status": "CASE WHEN p.status = 'onboarding' THEN 'running' ELSE 'completed' END",
            "started_on": "(p.created_at)::date",
            "target_days": "60",
            "target_date": "(p.created_at)::date + 60",
            "completed_on": "CASE WHEN p.status = 'onboarding' THEN NULL"
            " ELSE (p.created_at)::date + 20 + (p.id %% 70)::int END",
            "last_activity_at": "p.created_at + interval '10 days'",
        },
        "FROM scale_p s JOIN partners_partner p ON p.id = s.partner_id WHERE s.idx > 0",
    )
    tasks = insert_select(
        _model("onboarding.OnboardingTask"),
        {
            "plan": "pl.id",
            "position": "k",
            "pillar": "(ARRAY['goals','training','self_service','certification'])[1 + (k - 1) / 2]",
            "title": "(ARRAY['目標の共有','販売計画','製品研修','ハンズオン','資料の確認','プロフィール入力',"
            "'認定試験','最終確認'])[k]",
            "kind": "(ARRAY['signoff','upload','course','course','asset','profile','certification','signoff'])[k]",
            "due_date": "pl.started_on + k * 7",
            "status": "CASE WHEN pl.status = 'completed' OR k <= (pl.id %% 8) THEN 'done' ELSE 'open' END",
            "completed_at": "CASE WHEN pl.status = 'completed' OR k <= (pl.id %% 8)"
            " THEN pl.started_on + k * 5 END",
        },
        "FROM onboarding_onboardingplan pl JOIN scale_p s ON s.partner_id = pl.partner_id AND s.idx > 0"
        " CROSS JOIN generate_series(1, 8) k",
    )
    return plans, tasks


def _certifications(today) -> int:
    cert = _model("training.Certification").objects.order_by("pk").first()
    if cert is None:
        return 0
    # About a third of partner users hold the certification; some have lapsed.
    return insert_select(
        _model("training.UserCertification"),
        {
            "certification": "%(cert)s",
            "user": "m.user_id",
            "partner": "m.partner_id",
            "code": "'SCALE-' || m.user_id || '-' || %(cert)s",
            "issued_on": "%(today)s::date - (m.user_id %% 900)::int",
            "valid_until": "%(today)s::date - (m.user_id %% 900)::int + 730",
            "revoked": "false",
        },
        "FROM partners_membership m JOIN scale_p s ON s.partner_id = m.partner_id AND s.idx > 0"
        " WHERE m.user_id %% 3 = 0",
        {"cert": cert.pk, "today": today},
    )


def _earnings(today) -> tuple[int, int]:
    Program = _model("incentives.IncentiveProgram")
    program, _created = Program.objects.get_or_create(
        name="スケール SPIFF",
        defaults={
            "name_en": "Scale SPIFF",
            "kind": "spiff",
            "starts_on": today - timedelta(days=400),
            "ends_on": today + timedelta(days=365),
            "amount": 30000,
        },
    )
    since = today.replace(day=1) - timedelta(days=365)
    statements = insert_select(
        _model("incentives.Statement"),
        {
            "partner": "d.partner_id",
            "period": "d.period",
            "status": "CASE WHEN d.period < date_trunc('month', %(today)s::date) - interval '1 month'"
            " THEN 'paid' ELSE 'draft' END",
        },
        "FROM (SELECT DISTINCT d.partner_id, date_trunc('month', d.closed_on)::date AS period"
        " FROM incentives_deal d JOIN scale_p s ON s.partner_id = d.partner_id"
        " WHERE d.counted_amount_jpy IS NOT NULL AND d.closed_on >= %(since)s) d"
        " WHERE NOT EXISTS (SELECT 1 FROM incentives_statement x WHERE x.partner_id = d.partner_id"
        " AND x.period = d.period)",
        {"today": today, "since": since},
    )
    earnings = insert_select(
        _model("incentives.Earning"),
        {
            "statement": "st.id",
            "program": "%(program)s",
            "deal": "d.id",
            "partner": "d.partner_id",
            "amount": "30000",
            "basis": "d.counted_amount_jpy",
        },
        "FROM incentives_deal d JOIN scale_p s ON s.partner_id = d.partner_id"
        " JOIN incentives_statement st ON st.partner_id = d.partner_id"
        " AND st.period = date_trunc('month', d.closed_on)::date"
        " WHERE d.counted_amount_jpy IS NOT NULL AND d.closed_on >= %(since)s"
        " AND NOT EXISTS (SELECT 1 FROM incentives_earning e WHERE e.program_id = %(program)s AND e.deal_id = d.id)",
        {"program": program.pk, "since": since},
    )
    _execute(
        """
        UPDATE incentives_statement st SET total = x.total
          FROM (SELECT statement_id, sum(amount) AS total FROM incentives_earning GROUP BY statement_id) x
         WHERE x.statement_id = st.id AND st.partner_id IN (SELECT partner_id FROM scale_p)
        """
    )
    return statements, earnings


def _derived(timer) -> None:
    """What beat would do: tiers, then every roll-up (`manage.py refresh_rollups`)."""
    incentive_services.tiers_recompute(as_of=timezone.localdate())
    timer.step("tier recomputation")
    registry.rollups_refresh()
    timer.step("roll-ups (prm.ui.registry.rollups())")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timer.step("ANALYZE")
