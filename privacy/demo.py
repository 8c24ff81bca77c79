"""Demo data: the confirmed legal identity of the active Japanese partners, and requests from
people concerned in three states (one due soon, one overdue, one completed). Idempotent.
Provision records come with the demo deals (incentives.demo)."""

from datetime import timedelta
from typing import NamedTuple

from django.utils import timezone

from partners.models import Partner
from privacy import services
from privacy.models import DataRequest, PartnerLegalIdentity
from prm.i18n.business_days import add_business_days
from prm.models import User

IDENTITIES = {
    "sakura-systems": ("さくらシステムズ株式会社", "大阪府大阪市北区梅田1-2-3", "代表取締役 桜井 健"),
    "fuji-integration": (
        "富士インテグレーション株式会社",
        "静岡県静岡市葵区追手町4-5-6",
        "代表取締役 富士川 聡",
    ),
    "hokuto-it": ("北斗ITサービス株式会社", "北海道札幌市中央区北一条西7-8", "代表取締役 北村 真一"),
    "tsubame-soft": ("つばめソフト株式会社", "新潟県新潟市中央区万代2-3-4", "代表取締役 燕 大輔"),
}


class DemoRequest(NamedTuple):
    subject: str
    email: str
    kind: str
    partner: str
    business_days_ago: int
    status: str
    response: str


REQUESTS = [
    DemoRequest(
        subject="港 一郎",
        email="ichiro.minato@minato-logistics.example.jp",
        kind=DataRequest.Kind.DISCLOSURE,
        partner="sakura-systems",
        business_days_ago=8,
        status=DataRequest.Status.IN_PROGRESS,
        response="",
    ),
    DemoRequest(
        subject="関西 花子",
        email="hanako@kansai-foods.example.jp",
        kind=DataRequest.Kind.DELETION,
        partner="sakura-systems",
        business_days_ago=14,
        status=DataRequest.Status.VERIFYING,
        response="",
    ),
    DemoRequest(
        subject="富士 次郎",
        email="jiro@fuji-kensetsu.example.jp",
        kind=DataRequest.Kind.PROVISION_RECORDS,
        partner="fuji-integration",
        business_days_ago=30,
        status=DataRequest.Status.COMPLETED,
        response="第三者提供記録（2件）の写しを登録のメールアドレスに送付しました。",
    ),
]


def seed(stdout) -> None:
    partners = {
        p.slug: p
        for p in Partner.objects.filter(slug__in=[*IDENTITIES, *(request.partner for request in REQUESTS)])
    }
    manager = User.objects.filter(email="manager@example.com").first()
    for slug, (name, address, representative) in IDENTITIES.items():
        if slug in partners:
            PartnerLegalIdentity.objects.update_or_create(
                partner=partners[slug],
                defaults={
                    "legal_name": name,
                    "address": address,
                    "representative": representative,
                    "confirmed_by": manager,
                },
            )
    today = timezone.localdate()
    for subject, email, kind, slug, ago, status, response in REQUESTS:
        if DataRequest.objects.filter(subject_email=email).exists() or slug not in partners:
            continue
        received = add_business_days(today, -ago)
        request = services.data_request_create(
            actor=manager,
            data={
                "kind": kind,
                "received_on": received,
                "subject_name": subject,
                "subject_email": email,
                "requester_name": subject,
                "requester_email": email,
                "partner": partners[slug],
                "details": "当社が保有している私の個人情報について対応をお願いします。",
            },
        )
        if status == DataRequest.Status.VERIFYING:
            services.data_request_transition(request=request, actor=manager, to_status=status)
        elif status in (DataRequest.Status.IN_PROGRESS, DataRequest.Status.COMPLETED):
            services.data_request_transition(
                request=request,
                actor=manager,
                to_status=DataRequest.Status.IN_PROGRESS,
                identity_method="登録のメールアドレスからの返信で確認",
            )
        if status == DataRequest.Status.COMPLETED:
            services.data_request_transition(request=request, actor=manager, to_status=status, note=response)
        if manager is not None and status != DataRequest.Status.COMPLETED:
            services.data_request_assign(request=request, actor=manager, assignee=manager)
        DataRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=ago))
    stdout.write(
        f"    privacy: {DataRequest.objects.count()} requests, {PartnerLegalIdentity.objects.count()} identities"
    )
