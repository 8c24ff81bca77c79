"""Demo data: payee profiles (one approved, one waiting for finance), and Sakura Systems'
payment statement for last month (its approved earnings) issued, sent in a 全銀 file and paid,
so its payment notice can be opened. Its MDF claim approved this month stays "not on a
statement yet" (the funds demo keeps it payable), for this month's run. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from partners.models import Partner
from payouts import services
from payouts.models import PayeeProfile, Payout
from prm.models import User

FINANCE = "finance@example.com"

# Fictional registration numbers: the registry code 9999 is not used, the check digit holds.
PROFILES = {
    "sakura-systems": {
        "legal_name": "さくらシステムズ株式会社",
        "registration_number": "T8999900000001",
        "bank_code": "0005",
        "bank_name_kana": "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ",
        "branch_code": "412",
        "branch_name_kana": "ｳﾒﾀﾞ",
        "account_type": "1",
        "account_number": "1234567",
        "account_holder_kana": "ｻｸﾗｼｽﾃﾑｽﾞ(ｶ",
    },
    "fuji-integration": {
        "legal_name": "富士インテグレーション株式会社",
        "registration_number": "",  # not registered: the transitional deduction applies
        "bank_code": "0009",
        "bank_name_kana": "ﾐﾂｲｽﾐﾄﾓ",
        "branch_code": "100",
        "branch_name_kana": "ﾄｳｷﾖｳ",
        "account_type": "2",
        "account_number": "7654321",
        "account_holder_kana": "ﾌｼﾞｲﾝﾃｸﾞﾚ-ｼﾖﾝ(ｶ",
    },
}


def seed(stdout) -> None:
    finance = User.objects.filter(email=FINANCE).first()
    partners = {p.slug: p for p in Partner.objects.filter(slug__in=PROFILES)}
    if finance is None or len(partners) < len(PROFILES):
        return
    for slug, data in PROFILES.items():
        if not PayeeProfile.objects.filter(partner=partners[slug]).exists():
            admin = User.objects.filter(
                membership__partner=partners[slug], membership__role="admin", membership__is_active=True
            ).first()
            services.payee_profile_save(partner=partners[slug], actor=admin, data=data)
    sakura = partners["sakura-systems"]
    profile = PayeeProfile.objects.get(partner=sakura)
    if profile.status == PayeeProfile.Status.PENDING:
        services.payee_profile_approve(profile=profile, actor=finance)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if Payout.objects.filter(partner=sakura, period=last_month).exists():
        return
    services.payouts_build(period=last_month, actor=finance, partner_ids=[sakura.pk])
    payout = Payout.objects.filter(partner=sakura, period=last_month).first()
    if payout is None:
        return
    services.payout_approve(payout=payout, actor=finance)
    batch = services.transfer_batch_create(
        payouts=Payout.objects.filter(pk=payout.pk), transfer_date=today, actor=finance
    )
    services.transfer_batch_paid(batch=batch, paid_on=today, actor=finance)
    stdout.write(f"  payouts: statement {payout.number} paid, transfer file #{batch.pk}")
