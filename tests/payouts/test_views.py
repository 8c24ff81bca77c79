"""The pages as finance and partner admins use them (the matrix refuses everyone else)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payouts import services
from payouts.models import PayeeProfile, Payout, PayoutLine, TransferBatch
from prm.models import AuditEvent
from tests.payouts.helpers import approved_statement, finance_user, payee
from tests.payouts.tenancy_rows import profile_post

pytestmark = pytest.mark.django_db


def test_finance_walks_the_pages(world, client_for, django_capture_on_commit_callbacks):
    finance = finance_user()
    client = client_for(finance)
    payee(world.partner_a, approved=False)
    approved_statement(world.partner_a, amounts=(Decimal(50_000),))
    assert client.get(reverse("payouts:staff_payees")).status_code == 200
    profile = PayeeProfile.objects.get()
    assert client.post(reverse("payouts:staff_payee_approve", args=[profile.pk])).status_code == 302
    response = client.post(reverse("payouts:staff_build"), {"period": "2026-11"})
    assert response.status_code == 302
    payout = Payout.objects.get()
    for name in ("staff_list", "staff_unpaid"):
        assert client.get(reverse(f"payouts:{name}")).status_code == 200
    page = client.get(reverse("payouts:staff_detail", args=[payout.pk]))
    assert page.status_code == 200 and "55,000" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payouts:staff_approve", args=[payout.pk]))
    assert Payout.objects.get().status == "approved"
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("payouts:staff_transfers"), {"transfer_date": tomorrow.isoformat()})
    batch = TransferBatch.objects.get()
    assert response["Location"] == reverse("payouts:staff_transfer", args=[batch.pk])
    file = client.get(reverse("payouts:staff_transfer_file", args=[batch.pk]))
    assert file.content == bytes(batch.content) and file["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="transfer_batch.downloaded").exists()
    # Paid today (the bank has made the transfers); a future date is refused.
    url = reverse("payouts:staff_transfer", args=[batch.pk])
    bad = client.post(url, {"paid_on": tomorrow.isoformat(), "payouts": [payout.pk]})
    assert bad.status_code == 200 and Payout.objects.get().status == "approved"
    client.post(url, {"paid_on": timezone.localdate().isoformat(), "payouts": [payout.pk]})
    assert Payout.objects.get().status == "paid"
    csv = client.get(reverse("payouts:staff_list") + "?status=paid&format=csv")
    assert "55000" in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_partner_admin_writes_the_profile_and_it_waits_for_review(world, client_for):
    client = client_for(world.admin_a)
    data = profile_post(world) | {"registration_number": "T7000012050003"}  # wrong check digit
    page = client.post(reverse("payouts:payee"), data)
    assert page.status_code == 200 and 'aria-invalid="true"' in page.content.decode()
    assert not PayeeProfile.objects.exists()
    data = profile_post(world) | {"account_holder_kana": "山田"}
    assert client.post(reverse("payouts:payee"), data).status_code == 200
    typed = profile_post(world) | {"registration_number": "t 7000-0120-5000-2"}
    assert client.post(reverse("payouts:payee"), typed).status_code == 302
    profile = PayeeProfile.objects.get()
    assert profile.account_holder_kana == "ｶ)ﾃｽﾄ" and profile.status == "pending"
    assert profile.registration_number == "T7000012050002"
    event = AuditEvent.objects.get(action="payee_profile.changed")
    assert event.data["account"] == "****567" and "1234567" not in str(event.data)


def test_partner_sees_only_issued_statements(world, client_for):
    finance = finance_user()
    approved_statement(world.partner_a, amounts=(Decimal(1_000),))
    services.payouts_build(period=date(2026, 11, 1), actor=finance)
    payout = Payout.objects.get()
    client = client_for(world.admin_a)
    assert client.get(reverse("payouts:detail", args=[payout.pk])).status_code == 404  # still a draft
    payee(world.partner_a)
    services.payout_approve(payout=payout, actor=finance)
    assert client.get(reverse("payouts:detail", args=[payout.pk])).status_code == 200
    pdf = client.get(reverse("payouts:notice", args=[payout.pk]) + "?lang=en")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Cache-Control"] == "private, no-store"


def test_the_user_menu_links_partner_admins_to_their_payments(world, client_for):
    link = f'href="{reverse("payouts:list")}"'
    assert link in client_for(world.admin_a).get(reverse("home")).content.decode()
    assert link not in client_for(world.member_a).get(reverse("home")).content.decode()


def test_a_failed_transfer_leaves_its_file_for_the_next(world, client_for):
    finance = finance_user()
    client = client_for(finance)
    for partner in (world.partner_a, world.partner_b):
        payee(partner)
        approved_statement(partner, amounts=(Decimal(1_000),))
    services.payouts_build(period=date(2026, 11, 1), actor=finance)
    for payout in Payout.objects.all():
        services.payout_approve(payout=payout, actor=finance)
    today = timezone.localdate()
    batch = services.transfer_batch_create(payouts=Payout.objects.all(), transfer_date=today, actor=finance)
    a, b = Payout.objects.get(partner=world.partner_a), Payout.objects.get(partner=world.partner_b)
    # The bank transferred A only; B's account was closed.
    client.post(reverse("payouts:staff_transfer", args=[batch.pk]), {"paid_on": today, "payouts": [a.pk]})
    client.post(reverse("payouts:staff_unbatch", args=[b.pk]))
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.status, b.status, b.batch_id) == ("paid", "approved", None)
    with pytest.raises(services.PayoutsError):
        services.payout_unbatch(payout=a, actor=finance)  # paid: stays in its file
    nxt = services.transfer_batch_create(payouts=Payout.objects.all(), transfer_date=today, actor=finance)
    assert list(nxt.payouts.all()) == [b]


def test_finance_sets_a_reduced_rate_line_while_under_review(world, client_for):
    finance = finance_user()
    approved_statement(world.partner_a, amounts=(Decimal(1_000), Decimal(2_550)))
    services.payouts_build(period=date(2026, 11, 1), actor=finance)
    payout = Payout.objects.get()
    line = payout.lines.get(amount=2_550)
    client = client_for(finance)
    assert client.get(reverse("payouts:staff_detail", args=[payout.pk])).status_code == 200
    client.post(reverse("payouts:staff_line_rate", args=[line.pk]), {"rate": "8"})
    payout.refresh_from_db()
    # 1,000 at 10%: 100; 2,550 at 8%: 204.
    assert (payout.net_standard, payout.tax_standard, payout.net_reduced, payout.tax_reduced) == (
        1_000,
        100,
        2_550,
        204,
    )
    assert payout.total == 3_854
    client.post(reverse("payouts:staff_line_rate", args=[line.pk]), {"rate": "5"})  # refused
    assert PayoutLine.objects.get(pk=line.pk).rate == 8
    payee(world.partner_a)
    services.payout_approve(payout=payout, actor=finance)
    with pytest.raises(services.PayoutsError):
        services.payout_line_rate_set(line=line, rate=10, actor=finance)  # issued: fixed
