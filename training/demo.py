"""Demo training: bilingual courses with lessons and quizzes, an external academy (LMS),
certifications, and courses passed and certificates earned by demo people (one expiring soon,
for the renewal reminder), and a hands-on exercise in the sales playbook (reviewed by the demo
manager) with one submission waiting and one passed. Idempotent: natural keys, and awards
are only created when missing."""

from datetime import timedelta

from django.utils import timezone

from prm.models import User
from training.models import (
    Certification,
    Choice,
    Course,
    Enrollment,
    ExerciseSubmission,
    ExternalLMS,
    Lesson,
    Question,
    UserCertification,
)
from training.services import add_months

COURSES = [
    {
        "slug": "product-basics-ja",
        "title": "製品の基礎",
        "language": "ja",
        "summary": "製品の全体像、主な機能、代表的な導入事例を30分で学びます。",
        "minutes": 30,
        "lessons": [
            (
                "製品の全体像",
                "## 製品の全体像\n\n当社の業務プラットフォームは **販売管理・在庫管理・会計連携** の3つのモジュールで構成されています。\n\n- クラウドでもオンプレミスでも導入できます\n- 既存システムとは API で連携します\n- 中堅企業（従業員100〜1,000名）が主な対象です",
                "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            ),
            (
                "主な機能",
                "## 主な機能\n\n1. 受注から請求までを一気通貫で管理\n2. リアルタイムの在庫可視化\n3. 会計ソフトへの自動仕訳連携\n\n> お客様には「二重入力がなくなる」ことを最初に伝えると効果的です。",
                "",
            ),
            (
                "導入事例",
                "## 導入事例\n\n関西の食品卸A社では、導入後3か月で受注処理時間が **40%短縮** されました。\n\n詳しくはコンテンツライブラリの事例集をご覧ください。",
                "https://vimeo.com/76979871",
            ),
        ],
        "quiz": [
            (
                "製品を構成するモジュールに含まれないものはどれですか？",
                ["人事給与", "販売管理", "在庫管理"],
                0,
            ),
            (
                "主な対象となるお客様の規模はどれですか？",
                ["中堅企業（従業員100〜1,000名）", "個人事業主", "従業員1万名以上の大企業のみ"],
                0,
            ),
            ("A社で導入後3か月に受注処理時間はどれだけ短縮されましたか？", ["40%", "10%", "80%"], 0),
        ],
    },
    {
        "slug": "product-basics-en",
        "title": "Product fundamentals",
        "language": "en",
        "summary": "The platform at a glance: modules, key features and a customer story, in 30 minutes.",
        "minutes": 30,
        "lessons": [
            (
                "The platform at a glance",
                "## The platform at a glance\n\nOur business platform has three modules: **sales, inventory and accounting integration**.\n\n- Runs in the cloud or on premises\n- Connects to existing systems through an API\n- Built for mid-sized companies (100–1,000 employees)",
                "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            ),
            (
                "Key features",
                '## Key features\n\n1. Order-to-invoice in one flow\n2. Real-time inventory\n3. Automatic journal entries for accounting\n\n> Lead with "no more double entry": it resonates with every customer.',
                "",
            ),
            (
                "A customer story",
                "## A customer story\n\nA food wholesaler in Osaka cut order processing time by **40%** within three months.",
                "",
            ),
        ],
        "quiz": [
            ("Which of these is not one of the platform's modules?", ["Payroll", "Sales", "Inventory"], 0),
            (
                "Who is the platform built for?",
                [
                    "Mid-sized companies (100–1,000 employees)",
                    "Sole traders",
                    "Only enterprises above 10,000 employees",
                ],
                0,
            ),
            ("By how much did the wholesaler cut order processing time?", ["40%", "10%", "80%"], 0),
        ],
    },
    {
        "slug": "sales-playbook-ja",
        "title": "販売プレイブック",
        "language": "ja",
        "summary": "ターゲット顧客の見極め方、提案の進め方、案件登録のルールを学びます。",
        "minutes": 45,
        "lessons": [
            (
                "ターゲット顧客の見極め",
                "## ターゲット顧客\n\n次の3つに当てはまるお客様は成約率が高い傾向があります。\n\n- 受注処理を Excel で行っている\n- 拠点が複数ある\n- 会計ソフトへの手入力が多い",
                "",
            ),
            (
                "提案と案件登録",
                "## 提案の進め方\n\n初回訪問で課題を確認したら、**必ずポータルで案件を登録** してください。登録した案件は一定期間保護されます。",
                "",
            ),
        ],
        "quiz": [
            (
                "成約率が高い傾向のお客様はどれですか？",
                ["受注処理を Excel で行っている", "すでに同等の製品を導入済み", "拠点が1つで取引が少ない"],
                0,
            ),
            (
                "初回訪問で課題を確認したら、まず何をしますか？",
                ["ポータルで案件を登録する", "値引きを提示する", "契約書を送る"],
                0,
            ),
        ],
    },
    {
        "slug": "implementation-essentials-en",
        "title": "Implementation essentials",
        "language": "en",
        "summary": "Project phases, data migration and go-live checklists for delivery partners.",
        "minutes": 60,
        "lessons": [
            (
                "Project phases",
                "## Project phases\n\nEvery implementation follows **discover → configure → migrate → go live**. Plan six to ten weeks for a typical customer.",
                "",
            ),
            (
                "Data migration",
                "## Data migration\n\nUse the migration templates from the content library. Always run a **trial migration** before the cut-over weekend.",
                "",
            ),
            (
                "Go-live checklist",
                "## Go-live checklist\n\n- Users trained\n- Trial migration signed off\n- Support hand-over scheduled",
                "",
            ),
        ],
        "quiz": [
            ("What comes right before go-live?", ["Migrate", "Discover", "Configure"], 0),
            (
                "What must you always do before the cut-over?",
                ["A trial migration", "A price increase", "Nothing special"],
                0,
            ),
        ],
    },
    {
        "slug": "support-operations-ja",
        "title": "サポート運用の基本",
        "language": "ja",
        "summary": "問い合わせの一次切り分け、エスカレーション手順、SLA を学びます。",
        "minutes": 40,
        "lessons": [
            (
                "一次切り分け",
                "## 一次切り分け\n\n問い合わせを受けたら、**再現手順・発生日時・影響範囲** を必ず確認してください。",
                "",
            ),
            (
                "エスカレーションと SLA",
                "## エスカレーション\n\n重大度1（業務停止）は **1時間以内** にベンダーへエスカレーションします。",
                "",
            ),
        ],
        "quiz": [
            (
                "重大度1の問い合わせは何時間以内にエスカレーションしますか？",
                ["1時間以内", "1営業日以内", "1週間以内"],
                0,
            ),
            ("一次切り分けで確認しないものはどれですか？", ["お客様の年間売上", "再現手順", "影響範囲"], 0),
        ],
    },
]

CERTIFICATIONS = [
    # slug, name (ja, en), description (ja, en), validity months, courses
    (
        "product-foundation-ja",
        ("製品基礎認定", "Product Foundation Certificate (Japanese)"),
        (
            "製品の全体像と主な機能を理解していることを証明します。",
            "Proves a sound understanding of the platform and its key features (exam in Japanese).",
        ),
        24,
        ["product-basics-ja"],
    ),
    (
        "product-foundation-en",
        ("製品基礎認定（英語）", "Product Foundation Certificate"),
        (
            "製品の全体像と主な機能を理解していることを証明します（英語で受験）。",
            "Proves a sound understanding of the platform and its key features.",
        ),
        24,
        ["product-basics-en"],
    ),
    (
        "certified-sales-partner",
        ("認定セールスパートナー", "Certified Sales Partner"),
        (
            "ターゲット顧客への提案と案件登録を実践できることを証明します。",
            "Able to pitch to target customers and register deals.",
        ),
        12,
        ["sales-playbook-ja"],
    ),
    (
        "implementation-specialist",
        ("認定導入スペシャリスト", "Certified Implementation Specialist"),
        (
            "導入プロジェクトを要件確認から本番稼働まで進められることを証明します。",
            "Able to run an implementation project from discovery to go-live.",
        ),
        12,
        ["implementation-essentials-en", "advanced-architecture"],
    ),
    (
        "support-professional",
        ("サポートプロフェッショナル認定", "Support Professional"),
        (
            "一次対応とエスカレーションを SLA どおりに実施できることを証明します。",
            "Handles first-line support and escalations within the SLA.",
        ),
        12,
        ["support-operations-ja"],
    ),
]

# (user e-mail, course slug, days ago passed)
PASSES = [
    ("member@example.com", "product-basics-ja", 130),
    ("member@example.com", "sales-playbook-ja", 125),
    ("partner@example.com", "product-basics-ja", 340),
    ("partner@example.com", "sales-playbook-ja", 350),  # expires soon: renewal reminder
    ("other@example.com", "product-basics-en", 150),
    ("tanaka@hokuto-it.example.com", "support-operations-ja", 90),
    ("tanaka@tsubame-soft.example.com", "support-operations-ja", 300),
]


def seed(stdout) -> None:
    # The vendor's own academy serves every partner; a superuser makes its secret in the admin.
    lms, _ = ExternalLMS.objects.get_or_create(
        slug="vendor-academy", defaults={"name": "Vendor Academy", "serves_all_partners": True}
    )
    courses = {spec["slug"]: _course(spec, i) for i, spec in enumerate(COURSES)}
    courses["advanced-architecture"], _ = Course.objects.update_or_create(
        slug="advanced-architecture",
        defaults={
            "title": "Advanced architecture (Vendor Academy)",
            "language": "en",
            "summary": "A hands-on lab course in our external academy. Completion is reported automatically.",
            "estimated_minutes": 180,
            "is_published": True,
            "external_lms": lms,
            "external_id": "ARCH-201",
            "external_url": "https://academy.example.com/courses/arch-201",
            "position": 99,
        },
    )
    certs = {}
    for slug, name, description, months, course_slugs in CERTIFICATIONS:
        cert, _ = Certification.objects.update_or_create(
            slug=slug,
            defaults={
                "name_ja": name[0],
                "name_en": name[1],
                "description_ja": description[0],
                "description_en": description[1],
                "validity_months": months,
            },
        )
        cert.courses.set([courses[s] for s in course_slugs])
        certs[slug] = cert
    _passes(courses)
    _exercise(courses["sales-playbook-ja"])
    stdout.write(f"  training: {len(courses)} courses, {len(certs)} certifications, 1 exercise")


def _course(spec, position):
    course, _ = Course.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "language": spec["language"],
            "summary": spec["summary"],
            "estimated_minutes": spec["minutes"],
            "pass_mark": 80,
            "is_published": True,
            "position": position,
        },
    )
    for i, (title, body, video) in enumerate(spec["lessons"], start=1):
        # The page shows the lesson title already; the demo texts keep their heading for readability here.
        body = body.split("\n\n", 1)[1] if body.startswith("## ") else body
        Lesson.objects.update_or_create(
            course=course, position=i, defaults={"title": title, "body": body, "video_url": video}
        )
    for i, (text, answers, right) in enumerate(spec["quiz"], start=1):
        question, _ = Question.objects.update_or_create(course=course, position=i, defaults={"text": text})
        for j, answer in enumerate(answers):
            Choice.objects.update_or_create(
                question=question, position=j, defaults={"text": answer, "is_correct": j == right}
            )
    return course


def _passes(courses):
    today = timezone.localdate()
    for email, slug, days_ago in PASSES:
        user = User.objects.filter(email=email).select_related("membership__partner").first()
        if user is None or not hasattr(user, "membership"):
            continue
        course = courses[slug]
        enrollment, _created = Enrollment.objects.get_or_create(
            course=course,
            user=user,
            defaults={
                "partner": user.membership.partner,
                "started_at": timezone.now() - timedelta(days=days_ago + 2),
                "passed_at": timezone.now() - timedelta(days=days_ago),
                "best_score": 100,
            },
        )
        enrollment.completed_lessons.set(course.lessons.all())
        for cert in course.certifications.prefetch_related("courses"):
            if UserCertification.objects.filter(user=user, certification=cert).exists():
                continue
            required = {c.pk for c in cert.courses.all()}
            passed = set(
                Enrollment.objects.filter(user=user, passed_at__isnull=False).values_list(
                    "course_id", flat=True
                )
            )
            if required <= passed:
                issued = today - timedelta(days=days_ago)
                UserCertification.objects.create(
                    certification=cert,
                    user=user,
                    partner=enrollment.partner,
                    issued_on=issued,
                    valid_until=add_months(issued, cert.validity_months),
                )


EXERCISE = {
    "title": "演習：ターゲット顧客への提案メモ",
    "body": (
        "担当しているお客様から1社を選び、A4 1枚程度の提案メモを作成してください。\n\n"
        "- お客様の業務上の課題\n- 当社製品で解決できること\n- 次の打ち合わせで確認すること\n\n"
        "メモは本文に書くか、PDF や Word のファイルで添付してください。"
    ),
    "rubric": "ターゲット顧客の3つの条件に照らして選んでいる\n課題と製品の機能が具体的に結び付いている\n次の一手（案件登録と打ち合わせの予定）が書かれている",
}
# (learner e-mail, status, answer, feedback)
EXERCISE_SUBMISSIONS = [
    (
        "member@example.com",
        ExerciseSubmission.Status.PASSED,
        "株式会社みなと物流：受注処理を Excel で行い、3拠点で二重入力が発生。受注管理と会計連携で月40時間の削減を提案。来週の打ち合わせで拠点ごとの件数を確認し、案件登録済み。",
        "課題と効果が数字で示されていて分かりやすいです。合格です。",
    ),
    (
        "tanaka@hokuto-it.example.com",
        ExerciseSubmission.Status.SUBMITTED,
        "北斗食品株式会社：会計ソフトへの手入力が多く、月末の締めに5日かかっている。自動連携で締めを2日に短縮する提案。",
        "",
    ),
]


def _exercise(course) -> None:
    reviewer = User.objects.filter(email="manager@example.com").first()
    lesson, _ = Lesson.objects.update_or_create(
        course=course,
        title=EXERCISE["title"],
        defaults={
            "position": 90,  # after the reading lessons (positions 1, 2, ...)
            "kind": Lesson.Kind.EXERCISE,
            "body": EXERCISE["body"],
            "rubric": EXERCISE["rubric"],
            "reviewer": reviewer,
        },
    )
    criteria = lesson.criteria
    for email, status, answer, feedback in EXERCISE_SUBMISSIONS:
        user = User.objects.filter(email=email).select_related("membership__partner").first()
        if user is None or not hasattr(user, "membership"):
            continue
        enrollment, _created = Enrollment.objects.get_or_create(
            course=course, user=user, defaults={"partner": user.membership.partner}
        )
        passed = status == ExerciseSubmission.Status.PASSED
        submitted_at = timezone.now() - timedelta(days=20 if passed else 2)
        ExerciseSubmission.objects.get_or_create(
            enrollment=enrollment,
            lesson=lesson,
            attempt=1,
            defaults={
                "partner": enrollment.partner,
                "user": user,
                "text": answer,
                "status": status,
                "reviewer": reviewer,
                "submitted_at": submitted_at,
                "reviewed_at": submitted_at + timedelta(days=1) if passed else None,
                "reviewed_by": reviewer if passed else None,
                "feedback": feedback,
                "rubric_results": [{"criterion": c, "met": True} for c in criteria] if passed else [],
            },
        )
        if passed:
            enrollment.completed_lessons.add(lesson)
