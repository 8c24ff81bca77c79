"""Demo questions: a dozen realistic threads in Japanese and English, across categories and
statuses, with staff answers and internal notes. Idempotent: threads are keyed on
(partner, subject) and their messages are written only when the thread is new.

Written with the models directly (not the services) so that seeding sends no e-mail.
"""

from datetime import timedelta

from django.utils import timezone

from partners.models import Partner
from prm.models import User
from threads.models import Message, Thread
from threads.services import add_business_days, response_target_days

SUPPORT = "support@example.com"
MANAGER = "manager@example.com"
PARTNER = "partner@example.com"
MEMBER = "member@example.com"
OTHER = "other@example.com"

S = Thread.Status
PUB, NOTE = Message.Kind.PUBLIC, Message.Kind.INTERNAL

# partner slug, subject, category, status, assignee, days ago,
# messages: (author e-mail, kind, hours after the question, body)
THREADS = [
    (
        "sakura-systems",
        "案件登録の保護期間はいつから始まりますか？",
        "deals",
        S.ANSWERED,
        SUPPORT,
        3,
        [
            (
                PARTNER,
                PUB,
                0,
                "先週登録した案件について、保護期間の開始日を確認させてください。\n\n"
                "登録日からでしょうか、それとも承認日からでしょうか。",
            ),
            (SUPPORT, NOTE, 1, "承認は 11/20。ティア規定の保護日数はシルバーで 90 日。"),
            (
                SUPPORT,
                PUB,
                2,
                "お問い合わせありがとうございます。保護期間は**承認日**から始まります。\n\n"
                "- 現在のティア（シルバー）では **90日間** です\n"
                "- 期限は「案件」画面の各案件に表示されます",
            ),
        ],
    ),
    (
        "sakura-systems",
        "認定試験の再受験について",
        "training",
        S.OPEN,
        None,
        0,
        [
            (
                MEMBER,
                PUB,
                0,
                "販売認定試験に不合格でした。再受験はすぐにできますか？また、受験料はかかりますか？",
            ),
        ],
    ),
    (
        "sakura-systems",
        "オンボーディングの「製品デモ環境の準備」タスクが完了になりません",
        "onboarding",
        S.AWAITING_PARTNER,
        MANAGER,
        5,
        [
            (MEMBER, PUB, 0, "デモ環境を用意したのですが、タスクが未完了のままです。"),
            (
                MANAGER,
                PUB,
                3,
                "ご連絡ありがとうございます。お手数ですが、デモ環境のURLと"
                "画面のスクリーンショットを共有いただけますか？",
            ),
            (MANAGER, NOTE, 4, "チェックリストの完了条件が「URL登録」なので、未入力の可能性が高い。"),
        ],
    ),
    (
        "sakura-systems",
        "共同マーケティング資金（MDF）の申請方法",
        "incentives",
        S.CLOSED,
        SUPPORT,
        20,
        [
            (PARTNER, PUB, 0, "来月のセミナーでMDFを利用したいのですが、申請手順を教えてください。"),
            (
                SUPPORT,
                PUB,
                5,
                "MDFは「インセンティブ」画面の申請フォームから、開催の**30日前まで**に"
                "ご申請ください。見積書の添付が必要です。",
            ),
            (PARTNER, PUB, 26, "申請できました。ありがとうございました。"),
        ],
    ),
    (
        "sakura-systems",
        "提案書テンプレートの最新版はどこにありますか",
        "content",
        S.ANSWERED,
        SUPPORT,
        9,
        [
            (MEMBER, PUB, 0, "顧客向け提案書のテンプレートを探しています。最新版の場所を教えてください。"),
            (
                SUPPORT,
                PUB,
                30,
                "コンテンツライブラリの「営業資料」フォルダにある"
                "「提案書テンプレート（2026年版）」が最新です。",
            ),
        ],
    ),
    (
        "sakura-systems",
        "API連携でエラー 401 が返されます",
        "technical",
        S.OPEN,
        SUPPORT,
        2,
        [
            (
                PARTNER,
                PUB,
                0,
                "検証環境からAPIを呼び出すと `401 Unauthorized` になります。\n\n"
                "```\nPOST /api/v2/orders\nAuthorization: Bearer ****\n```",
            ),
            (
                SUPPORT,
                NOTE,
                2,
                "開発チームに確認中。検証環境のトークン有効期限が 24 時間に短縮された件の影響かも。",
            ),
        ],
    ),
    (
        "northwind-solutions",
        "How do tier upgrades work mid-year?",
        "incentives",
        S.ANSWERED,
        SUPPORT,
        6,
        [
            (
                OTHER,
                PUB,
                0,
                "We expect to cross the Gold revenue threshold in March. "
                "Does the upgrade apply immediately or at the next review?",
            ),
            (
                SUPPORT,
                PUB,
                4,
                "Tiers are recomputed **every night**. As soon as your won deals cross the "
                "threshold, the new tier and its benefits apply from the next day.",
            ),
        ],
    ),
    (
        "northwind-solutions",
        "Certification exam booking for three engineers",
        "training",
        S.AWAITING_PARTNER,
        MANAGER,
        4,
        [
            (
                OTHER,
                PUB,
                0,
                "Can we book the implementation certification for three engineers on the same day?",
            ),
            (
                MANAGER,
                PUB,
                20,
                "Yes. Please send us their names and preferred dates, and we will reserve a group session.",
            ),
            (MANAGER, NOTE, 21, "Group sessions need 3+ people – OK. Check room availability with training."),
        ],
    ),
    (
        "northwind-solutions",
        "Partner logo usage in a joint press release",
        "content",
        S.CLOSED,
        SUPPORT,
        25,
        [
            (OTHER, PUB, 0, "May we use your logo in a joint press release with a customer?"),
            (
                SUPPORT,
                PUB,
                30,
                "Yes, with the brand guidelines from the library (section 3). "
                "Please send the draft to marketing for approval first.",
            ),
        ],
    ),
    (
        "northwind-solutions",
        "Deal registration rejected – reason unclear",
        "deals",
        S.OPEN,
        None,
        1,
        [
            (
                OTHER,
                PUB,
                0,
                "Our registration for *Contoso Logistics* was rejected without a comment. "
                "Could you tell us why?",
            ),
        ],
    ),
    (
        "sakura-systems",
        "ポータルの通知メールが届きません",
        "other",
        S.ANSWERED,
        SUPPORT,
        12,
        [
            (MEMBER, PUB, 0, "回答の通知メールが届いていないようです。設定を確認できますか？"),
            (SUPPORT, NOTE, 1, "メールログでは送信済み。受信側の迷惑メールフィルタの可能性。"),
            (
                SUPPORT,
                PUB,
                6,
                "送信記録を確認したところ、正常に送信されていました。お手数ですが"
                "迷惑メールフォルダをご確認のうえ、noreply@example.com を受信許可に追加してください。",
            ),
        ],
    ),
    (
        "northwind-solutions",
        "Sandbox environment for the new module",
        "technical",
        S.ANSWERED,
        SUPPORT,
        15,
        [
            (
                OTHER,
                PUB,
                0,
                "We need a sandbox to test our add-on against the new release. How do we request one?",
            ),
            (
                SUPPORT,
                PUB,
                50,
                "Sandboxes are requested from the **Technical** section of the admin console. "
                "Provisioning takes about one business day.",
            ),
            (OTHER, PUB, 70, "Thanks, it works now."),
        ],
    ),
]


def seed(stdout) -> None:
    emails = {SUPPORT, MANAGER, PARTNER, MEMBER, OTHER}
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    partners = {p.slug: p for p in Partner.objects.filter(slug__in={t[0] for t in THREADS})}
    now = timezone.now().replace(second=0, microsecond=0)
    created_count = 0
    for slug, subject, category, status, assignee, days_ago, messages in THREADS:
        partner = partners.get(slug)
        if partner is None or any(m[0] not in users for m in messages):
            continue
        created = now - timedelta(days=days_ago, hours=2)
        public = [m for m in messages if m[1] == PUB]
        first_staff = next((m for m in public if users[m[0]].is_staff), None)
        closed_at = created + timedelta(hours=messages[-1][2] + 1) if status == S.CLOSED else None
        thread, created_now = Thread.objects.update_or_create(
            partner=partner,
            subject=subject,
            defaults={
                "category": category,
                "status": status,
                "author": users[messages[0][0]],
                "assignee": users.get(assignee) if assignee else None,
                "created_at": created,
                "response_due_at": add_business_days(created, response_target_days()),
                "first_response_at": created + timedelta(hours=first_staff[2]) if first_staff else None,
                "closed_at": closed_at,
                "last_public_at": created + timedelta(hours=public[-1][2]),
                "last_public_by": users[public[-1][0]],
            },
        )
        if created_now or not thread.messages.exists():
            created_count += 1
            Message.objects.bulk_create(
                [
                    Message(
                        thread=thread,
                        author=users[email],
                        kind=kind,
                        by_staff=users[email].is_staff,
                        body=body,
                        created_at=created + timedelta(hours=hours),
                    )
                    for email, kind, hours, body in messages
                ]
            )
    stdout.write(f"  questions: {len(THREADS)} demo threads ({created_count} new)")
