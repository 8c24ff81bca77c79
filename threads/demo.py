"""Demo questions: a dozen realistic threads in Japanese and English, across categories and
statuses, with staff answers and internal notes. Idempotent: threads are keyed on
(partner, subject) and their messages are written only when the thread is new.

Written with the models directly (not the services) so that seeding sends no e-mail.
"""

from datetime import timedelta
from typing import NamedTuple

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


class DemoMessage(NamedTuple):
    author: str  # e-mail
    kind: str
    hours: int  # after the question
    body: str


class DemoThread(NamedTuple):
    partner: str
    subject: str
    category: str
    status: str
    assignee: str | None
    days_ago: int
    messages: list[DemoMessage]


THREADS = [
    DemoThread(
        partner="sakura-systems",
        subject="案件登録の保護期間はいつから始まりますか？",
        category="deals",
        status=S.ANSWERED,
        assignee=SUPPORT,
        days_ago=3,
        messages=[
            DemoMessage(
                PARTNER,
                PUB,
                0,
                "先週登録した案件について、保護期間の開始日を確認させてください。\n\n"
                "登録日からでしょうか、それとも承認日からでしょうか。",
            ),
            DemoMessage(SUPPORT, NOTE, 1, "承認は 11/20。ティア規定の保護日数はシルバーで 90 日。"),
            DemoMessage(
                SUPPORT,
                PUB,
                2,
                "お問い合わせありがとうございます。保護期間は**承認日**から始まります。\n\n"
                "- 現在のティア（シルバー）では **90日間** です\n"
                "- 期限は「案件」画面の各案件に表示されます",
            ),
        ],
    ),
    DemoThread(
        partner="sakura-systems",
        subject="認定試験の再受験について",
        category="training",
        status=S.OPEN,
        assignee=None,
        days_ago=0,
        messages=[
            DemoMessage(
                MEMBER,
                PUB,
                0,
                "販売認定試験に不合格でした。再受験はすぐにできますか？また、受験料はかかりますか？",
            ),
        ],
    ),
    DemoThread(
        partner="sakura-systems",
        subject="オンボーディングの「製品デモ環境の準備」タスクが完了になりません",
        category="onboarding",
        status=S.AWAITING_PARTNER,
        assignee=MANAGER,
        days_ago=5,
        messages=[
            DemoMessage(MEMBER, PUB, 0, "デモ環境を用意したのですが、タスクが未完了のままです。"),
            DemoMessage(
                MANAGER,
                PUB,
                3,
                "ご連絡ありがとうございます。お手数ですが、デモ環境のURLと"
                "画面のスクリーンショットを共有いただけますか？",
            ),
            DemoMessage(
                MANAGER, NOTE, 4, "チェックリストの完了条件が「URL登録」なので、未入力の可能性が高い。"
            ),
        ],
    ),
    DemoThread(
        partner="sakura-systems",
        subject="共同マーケティング資金（MDF）の申請方法",
        category="incentives",
        status=S.CLOSED,
        assignee=SUPPORT,
        days_ago=20,
        messages=[
            DemoMessage(
                PARTNER, PUB, 0, "来月のセミナーでMDFを利用したいのですが、申請手順を教えてください。"
            ),
            DemoMessage(
                SUPPORT,
                PUB,
                5,
                "MDFは「インセンティブ」画面の申請フォームから、開催の**30日前まで**に"
                "ご申請ください。見積書の添付が必要です。",
            ),
            DemoMessage(PARTNER, PUB, 26, "申請できました。ありがとうございました。"),
        ],
    ),
    DemoThread(
        partner="sakura-systems",
        subject="提案書テンプレートの最新版はどこにありますか",
        category="content",
        status=S.ANSWERED,
        assignee=SUPPORT,
        days_ago=9,
        messages=[
            DemoMessage(
                MEMBER, PUB, 0, "顧客向け提案書のテンプレートを探しています。最新版の場所を教えてください。"
            ),
            DemoMessage(
                SUPPORT,
                PUB,
                30,
                "コンテンツライブラリの「営業資料」フォルダにある"
                "「提案書テンプレート（2026年版）」が最新です。",
            ),
        ],
    ),
    DemoThread(
        partner="sakura-systems",
        subject="API連携でエラー 401 が返されます",
        category="technical",
        status=S.OPEN,
        assignee=SUPPORT,
        days_ago=2,
        messages=[
            DemoMessage(
                PARTNER,
                PUB,
                0,
                "検証環境からAPIを呼び出すと `401 Unauthorized` になります。\n\n"
                "```\nPOST /api/v2/orders\nAuthorization: Bearer ****\n```",
            ),
            DemoMessage(
                SUPPORT,
                NOTE,
                2,
                "開発チームに確認中。検証環境のトークン有効期限が 24 時間に短縮された件の影響かも。",
            ),
        ],
    ),
    DemoThread(
        partner="northwind-solutions",
        subject="How do tier upgrades work mid-year?",
        category="incentives",
        status=S.ANSWERED,
        assignee=SUPPORT,
        days_ago=6,
        messages=[
            DemoMessage(
                OTHER,
                PUB,
                0,
                "We expect to cross the Gold revenue threshold in March. "
                "Does the upgrade apply immediately or at the next review?",
            ),
            DemoMessage(
                SUPPORT,
                PUB,
                4,
                "Tiers are recomputed **every night**. As soon as your won deals cross the "
                "threshold, the new tier and its benefits apply from the next day.",
            ),
        ],
    ),
    DemoThread(
        partner="northwind-solutions",
        subject="Certification exam booking for three engineers",
        category="training",
        status=S.AWAITING_PARTNER,
        assignee=MANAGER,
        days_ago=4,
        messages=[
            DemoMessage(
                OTHER,
                PUB,
                0,
                "Can we book the implementation certification for three engineers on the same day?",
            ),
            DemoMessage(
                MANAGER,
                PUB,
                20,
                "Yes. Please send us their names and preferred dates, and we will reserve a group session.",
            ),
            DemoMessage(
                MANAGER,
                NOTE,
                21,
                "Group sessions need 3+ people – OK. Check room availability with training.",
            ),
        ],
    ),
    DemoThread(
        partner="northwind-solutions",
        subject="Partner logo usage in a joint press release",
        category="content",
        status=S.CLOSED,
        assignee=SUPPORT,
        days_ago=25,
        messages=[
            DemoMessage(OTHER, PUB, 0, "May we use your logo in a joint press release with a customer?"),
            DemoMessage(
                SUPPORT,
                PUB,
                30,
                "Yes, with the brand guidelines from the library (section 3). "
                "Please send the draft to marketing for approval first.",
            ),
        ],
    ),
    DemoThread(
        partner="northwind-solutions",
        subject="Deal registration rejected – reason unclear",
        category="deals",
        status=S.OPEN,
        assignee=None,
        days_ago=1,
        messages=[
            DemoMessage(
                OTHER,
                PUB,
                0,
                "Our registration for *Contoso Logistics* was rejected without a comment. "
                "Could you tell us why?",
            ),
        ],
    ),
    DemoThread(
        partner="sakura-systems",
        subject="ポータルの通知メールが届きません",
        category="other",
        status=S.ANSWERED,
        assignee=SUPPORT,
        days_ago=12,
        messages=[
            DemoMessage(MEMBER, PUB, 0, "回答の通知メールが届いていないようです。設定を確認できますか？"),
            DemoMessage(SUPPORT, NOTE, 1, "メールログでは送信済み。受信側の迷惑メールフィルタの可能性。"),
            DemoMessage(
                SUPPORT,
                PUB,
                6,
                "送信記録を確認したところ、正常に送信されていました。お手数ですが"
                "迷惑メールフォルダをご確認のうえ、noreply@example.com を受信許可に追加してください。",
            ),
        ],
    ),
    DemoThread(
        partner="northwind-solutions",
        subject="Sandbox environment for the new module",
        category="technical",
        status=S.ANSWERED,
        assignee=SUPPORT,
        days_ago=15,
        messages=[
            DemoMessage(
                OTHER,
                PUB,
                0,
                "We need a sandbox to test our add-on against the new release. How do we request one?",
            ),
            DemoMessage(
                SUPPORT,
                PUB,
                50,
                "Sandboxes are requested from the **Technical** section of the admin console. "
                "Provisioning takes about one business day.",
            ),
            DemoMessage(OTHER, PUB, 70, "Thanks, it works now."),
        ],
    ),
]


def seed(stdout) -> None:
    emails = {SUPPORT, MANAGER, PARTNER, MEMBER, OTHER}
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    partners = {p.slug: p for p in Partner.objects.filter(slug__in={thread.partner for thread in THREADS})}
    now = timezone.now().replace(second=0, microsecond=0)
    created_count = 0
    for slug, subject, category, status, assignee, days_ago, messages in THREADS:
        partner = partners.get(slug)
        if partner is None or any(m.author not in users for m in messages):
            continue
        created = now - timedelta(days=days_ago, hours=2)
        public = [m for m in messages if m.kind == PUB]
        first_staff = next((m for m in public if users[m.author].is_staff), None)
        closed_at = created + timedelta(hours=messages[-1].hours + 1) if status == S.CLOSED else None
        thread, created_now = Thread.objects.update_or_create(
            partner=partner,
            subject=subject,
            defaults={
                "category": category,
                "status": status,
                "author": users[messages[0].author],
                "assignee": users.get(assignee) if assignee else None,
                "created_at": created,
                "response_due_at": add_business_days(created, response_target_days()),
                "first_response_at": created + timedelta(hours=first_staff.hours) if first_staff else None,
                "closed_at": closed_at,
                "last_public_at": created + timedelta(hours=public[-1].hours),
                "last_public_by": users[public[-1].author],
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
