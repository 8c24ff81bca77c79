"""Helpers for the funds tests: a fund with money, a request, an approved request, a claim."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funds import services
from funds.periods import period_of
from prm.files.uploads import validate_upload
from tests.promotion.factories import pdf_bytes


def fund_with(partner, amount=1_000_000, *, actor=None, day=None):
    return services.fund_adjust(
        partner=partner,
        period_start=period_of(day or timezone.localdate()).start,
        amount=Decimal(amount),
        reason="テスト用の配分",
        actor=actor,
    )


def request_fields(**overrides) -> dict:
    today = timezone.localdate()
    fields = {
        "title": "共催セミナー",
        "activity_type": "event",
        "description": "お客様向けの共催セミナー",
        "starts_on": today,
        "ends_on": today,
        "expected_leads": 30,
        "expected_attendees": 50,
        "expected_pipeline": Decimal(5_000_000),
        "requested_amount": Decimal(300_000),
        "campaign": None,
    }
    fields.update(overrides)
    return fields


def submitted(partner, user, **overrides):
    return services.request_submit(partner=partner, actor=user, fields=request_fields(**overrides))


def approved(partner, user, manager, amount=None, **overrides):
    request = submitted(partner, user, **overrides)
    return services.request_approve(fund_request=request, actor=manager, amount=amount)


def receipt(name="receipt.pdf"):
    upload = SimpleUploadedFile(name, pdf_bytes(1), content_type="application/pdf")
    checked = validate_upload(upload, extensions={".pdf"}, max_bytes=10 * 1024 * 1024)
    return ("receipt", upload, checked)


def claimed(request, user, actual_cost=250_000, **fields):
    if request.ends_on > timezone.localdate():
        raise ValueError("the activity must have ended")
    return services.claim_submit(
        fund_request=request,
        actor=user,
        fields={
            "actual_cost": Decimal(actual_cost),
            "leads": 12,
            "attendees": 40,
            "results": "盛況",
            **fields,
        },
        files=[receipt()],
    )


def yesterday():
    return timezone.localdate() - timedelta(days=1)
