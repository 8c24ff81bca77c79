"""Audit you can trust: what is audited, and that nobody edits or deletes the trail."""

import pytest
from allauth.mfa import signals as mfa_signals
from django.urls import reverse

from prm.audit.log import audit
from prm.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_sign_in_and_failed_sign_in_are_audited(world, client):
    client.post(reverse("account_login"), {"login": world.manager_a.email, "password": "wrong-password"})
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.data["identifier"] == world.manager_a.email
    assert "password" not in str(failed.data)
    client.post(reverse("account_login"), {"login": world.manager_a.email, "password": world.password})
    assert AuditEvent.objects.filter(action="auth.login", actor=world.manager_a).exists()


def test_sign_ins_record_the_client_address_behind_the_proxy(world, client, settings):
    settings.PRM_TRUSTED_PROXY_COUNT = 1  # nginx appends the client's address (deploy/nginx.conf)
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.7, 198.51.100.20", "REMOTE_ADDR": "127.0.0.1"}
    client.post(reverse("account_login"), {"login": world.manager_a.email, "password": "wrong"}, **forwarded)
    client.post(
        reverse("account_login"), {"login": world.manager_a.email, "password": world.password}, **forwarded
    )
    assert AuditEvent.objects.get(action="auth.login_failed").data["ip"] == "198.51.100.20"
    assert AuditEvent.objects.get(action="auth.login").data["ip"] == "198.51.100.20"


def test_mfa_changes_are_audited(world):
    mfa_signals.authenticator_added.send(sender=None, request=None, user=world.manager_a, authenticator=None)
    mfa_signals.authenticator_removed.send(
        sender=None, request=None, user=world.manager_a, authenticator=None
    )
    assert set(AuditEvent.objects.filter(actor=world.manager_a).values_list("action", flat=True)) >= {
        "mfa.added",
        "mfa.removed",
    }


def test_admin_csv_export_is_scoped_and_audited(world, client_for):
    response = client_for(world.manager_other).post(
        "/admin/partners/partner/",
        {"action": "export_csv", "_selected_action": [world.partner_a.pk, world.partner_b.pk]},
    )
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8-sig")
    assert world.SECRET_A not in body
    export = AuditEvent.objects.get(action="admin.exported", actor=world.manager_other)
    assert export.data == {"model": "partners.partner", "rows": 0}
    response = client_for(world.manager_a).post(
        "/admin/partners/partner/", {"action": "export_csv", "_selected_action": [world.partner_a.pk]}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert world.SECRET_A in response.getvalue().decode("utf-8-sig")


def test_nobody_changes_or_deletes_audit_rows_in_the_admin(world, client_for):
    event = audit(actor=world.admin_a, action="deal.approved", target=world.partner_a)
    root = client_for(world.superuser)
    assert root.post(f"/admin/prm/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    root.post("/admin/prm/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk]})
    page = root.get(f"/admin/prm/auditevent/{event.pk}/change/").getvalue().decode()
    assert 'name="action"' not in page  # view-only
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_page_filters_and_csv(world, client_for):
    audit(actor=world.manager_a, action="deal.approved", target=world.partner_a)
    audit(actor=world.manager_a, action="content.asset_published")
    audit(actor=world.admin_b, action="deal.submitted", target=world.partner_b)
    client = client_for(world.manager_a)
    page = client.get(reverse("staff_audit"), {"action": "deal."}).getvalue().decode()
    assert "deal.approved" in page and "content.asset_published" not in page
    assert "deal.submitted" not in page  # partner B is not the manager's
    page = client.get(reverse("staff_audit"), {"partner": world.partner_a.pk}).getvalue().decode()
    assert "deal.approved" in page and "content.asset_published" not in page
    csv = client.get(reverse("staff_audit"), {"format": "csv", "actor": world.manager_a.pk})
    body = csv.getvalue().decode("utf-8-sig")
    assert "deal.approved" in body and "content.asset_published" in body
    assert AuditEvent.objects.filter(action="audit.exported", actor=world.manager_a).exists()
    root = client_for(world.superuser).get(reverse("staff_audit")).getvalue().decode()
    assert "deal.submitted" in root


def test_audit_page_query_count(world, client_for, django_assert_max_num_queries):
    for n in range(30):
        audit(actor=world.manager_a, action=f"test.{n}", target=world.partner_a)
    client = client_for(world.manager_a)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("staff_audit")).status_code == 200
