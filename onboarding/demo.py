"""Demo onboarding: a checklist template per partner type (linking training's demo courses and
certifications, seeded before it), and plans (lively ones for partners in onboarding, finished
ones for the metrics). Idempotent: natural keys, and plans are only created when missing."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from content.models import Asset
from onboarding.models import (
    ChecklistTemplate,
    OnboardingPlan,
    OnboardingTask,
    Pillar,
    TaskKind,
    TaskSubmission,
    TemplateTask,
)
from onboarding.services import plan_build
from partners.models import Partner
from prm.models import User
from training.models import Certification, Course

G, T, S, C = Pillar.GOALS, Pillar.TRAINING, Pillar.SELF_SERVICE, Pillar.CERTIFICATION

# (pillar, title (ja, en), kind, due offset, link key)
COMMON_START = [
    (G, ("キックオフ面談", "Kick-off meeting with your owner"), TaskKind.SIGNOFF, 7, None),
    (S, ("パートナープロフィールの入力", "Complete your partner profile"), TaskKind.PROFILE, 10, None),
    (
        S,
        ("パートナープログラムガイドを読む", "Read the partner programme guide"),
        TaskKind.ASSET,
        14,
        "asset",
    ),
]
TEMPLATES = {
    "sales": (
        ("販売パートナー オンボーディング", "Sales partner onboarding"),
        [
            *COMMON_START,
            (G, ("年間販売計画の提出", "Upload your annual sales plan"), TaskKind.UPLOAD, 21, None),
            (
                T,
                ("「製品の基礎」を受講", "Take Product fundamentals"),
                TaskKind.COURSE,
                28,
                "product-basics-ja",
            ),
            (
                T,
                ("「販売プレイブック」を受講", "Take the Sales playbook"),
                TaskKind.COURSE,
                40,
                "sales-playbook-ja",
            ),
            (
                C,
                ("認定セールスパートナーの取得", "Earn Certified Sales Partner"),
                TaskKind.CERTIFICATION,
                55,
                "certified-sales-partner",
            ),
            (G, ("初回案件のレビュー", "First deal review with your owner"), TaskKind.SIGNOFF, 60, None),
        ],
    ),
    "delivery": (
        ("導入パートナー オンボーディング", "Delivery partner onboarding"),
        [
            *COMMON_START,
            (G, ("導入体制表の提出", "Upload your delivery team chart"), TaskKind.UPLOAD, 21, None),
            (
                T,
                ("「製品の基礎」を受講", "Take Product fundamentals"),
                TaskKind.COURSE,
                21,
                "product-basics-ja",
            ),
            (
                T,
                ("「導入の基本」（英語）を受講", "Take Implementation essentials"),
                TaskKind.COURSE,
                35,
                "implementation-essentials-en",
            ),
            (
                C,
                ("製品基礎認定の取得", "Earn the Product Foundation certification"),
                TaskKind.CERTIFICATION,
                45,
                "product-foundation-ja",
            ),
            (G, ("検証環境での導入演習", "Sandbox implementation exercise"), TaskKind.SIGNOFF, 60, None),
        ],
    ),
    "solution": (
        ("ソリューション・サポートパートナー オンボーディング", "Solution and support partner onboarding"),
        [
            *COMMON_START,
            (
                G,
                ("サポート体制と SLA の提出", "Upload your support organisation and SLA"),
                TaskKind.UPLOAD,
                20,
                None,
            ),
            (
                T,
                ("「製品の基礎」（英語）を受講", "Take Product fundamentals"),
                TaskKind.COURSE,
                25,
                "product-basics-en",
            ),
            (
                T,
                ("「サポート運用の基本」を受講", "Take Support operations basics"),
                TaskKind.COURSE,
                35,
                "support-operations-ja",
            ),
            (
                C,
                ("サポートプロフェッショナル認定の取得", "Earn Support Professional"),
                TaskKind.CERTIFICATION,
                50,
                "support-professional",
            ),
            (G, ("エスカレーション訓練", "Escalation drill with your owner"), TaskKind.SIGNOFF, 60, None),
        ],
    ),
}

# slug: (days since start, tasks done, owner e-mail, completed after days or None)
PLANS = {
    # onboarding@example.com: day 37 of 60, 4 of 8 done (behind pace), the course due on day 28 overdue.
    "aozora-trading": (37, 4, "manager@example.com", None),
    "kaede-consulting": (48, 2, "manager2@example.com", None),
    "pacific-support": (9, 1, "manager@example.com", None),
    "sakura-systems": (160, 8, "manager@example.com", 47),
    "fuji-integration": (200, 8, "manager2@example.com", 55),
    "northwind-solutions": (180, 8, "manager@example.com", 72),
    "hokuto-it": (120, 8, "manager@example.com", 41),
    "contoso-resellers": (95, 8, "manager2@example.com", 66),
    "orion-digital": (75, 8, "manager2@example.com", 58),
    "tsubame-soft": (140, 8, "manager@example.com", 36),
}


def seed(stdout) -> None:
    courses = {course.slug: course for course in Course.objects.all()}
    certs = {cert.slug: cert for cert in Certification.objects.all()}
    asset = _asset()
    links = {**courses, **certs, "asset": asset}
    templates = {ptype: _template(ptype, name, tasks, links) for ptype, (name, tasks) in TEMPLATES.items()}
    for slug, spec in PLANS.items():
        _plan(slug, spec, templates)
    stdout.write(f"  onboarding: {len(templates)} templates")


def _asset():
    existing = Asset.objects.filter(status=Asset.Status.PUBLISHED).order_by("id").first()
    if existing is not None:
        return existing
    asset, _ = Asset.objects.get_or_create(
        title="パートナープログラムガイド",
        defaults={
            "summary": "パートナープログラムの特典、ティア、案件登録のルールをまとめたガイドです。",
            "body": "## パートナープログラムガイド\n\n特典・ティア・案件登録のルールを説明します。",
            "status": Asset.Status.PUBLISHED,
            "published_at": timezone.now(),
            "stages": ["onboarding"],
        },
    )
    return asset


def _template(ptype, name, tasks, links):
    template = ChecklistTemplate.objects.filter(partner_type=ptype, is_active=True).first()
    if template is None:
        template = ChecklistTemplate(partner_type=ptype, target_days=60)
    template.name_ja, template.name_en = name
    template.save()
    for position, (pillar, title, kind, due, link) in enumerate(tasks, start=1):
        field = {
            TaskKind.ASSET: "asset",
            TaskKind.COURSE: "course",
            TaskKind.CERTIFICATION: "certification",
        }.get(kind)
        TemplateTask.objects.update_or_create(
            template=template,
            position=position,
            defaults={
                "pillar": pillar,
                "title_ja": title[0],
                "title_en": title[1],
                "kind": kind,
                "due_offset_days": due,
                "asset": links[link] if field == "asset" else None,
                "course": links[link] if field == "course" else None,
                "certification": links[link] if field == "certification" else None,
            },
        )
    return template


def _plan(slug, spec, templates):
    days_ago, n_done, owner_email, took = spec
    partner = Partner.objects.filter(slug=slug).first()
    if partner is None or OnboardingPlan.objects.filter(partner=partner).exists():
        return
    owner = User.objects.filter(email=owner_email).first()
    today = timezone.localdate()
    started = today - timedelta(days=days_ago)
    plan = plan_build(
        partner=partner, template=templates[partner.partner_type], owner=owner, started_on=started
    )
    members = list(User.objects.filter(membership__partner=partner).order_by("email"))
    tasks = list(plan.tasks.order_by("due_date", "position"))
    finished_by = started + timedelta(days=took) if took else today
    for i, task in enumerate(tasks[:n_done]):
        when = min(task.due_date - timedelta(days=2 - i % 4), finished_by)
        when = max(when, started)
        actor = (
            owner
            if task.kind in (TaskKind.SIGNOFF, TaskKind.UPLOAD)
            else (members[i % len(members)] if members else None)
        )
        if task.kind == TaskKind.UPLOAD and members:
            _submission(task, members[0], status="accepted", reviewer=owner)
        OnboardingTask.objects.filter(pk=task.pk).update(
            status=OnboardingTask.Status.DONE,
            completed_at=timezone.now() - timedelta(days=(today - when).days),
            completed_by=actor,
        )
    if not took and members:
        # A lively plan: the next upload waits in the owner's review queue.
        pending = next((t for t in tasks[n_done:] if t.kind == TaskKind.UPLOAD), None)
        if pending is not None and days_ago > 15:
            _submission(pending, members[0], status="pending", reviewer=None)
            OnboardingTask.objects.filter(pk=pending.pk).update(status=OnboardingTask.Status.SUBMITTED)
    last = timezone.now() - timedelta(days=min(days_ago, 12 if slug == "kaede-consulting" else 1))
    update = {"last_activity_at": last, "created_at": timezone.now() - timedelta(days=days_ago)}
    if took:
        update.update(status=OnboardingPlan.Status.COMPLETED, completed_on=started + timedelta(days=took))
    OnboardingPlan.objects.filter(pk=plan.pk).update(**update)


def _submission(task, user, *, status, reviewer):
    sub = TaskSubmission(
        task=task,
        submitted_by=user,
        note="ご確認をお願いいたします。",
        status=status,
        reviewed_by=reviewer,
        reviewed_at=timezone.now() if reviewer else None,
    )
    sub.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n% demo document\n"), save=False)
    sub.save()
