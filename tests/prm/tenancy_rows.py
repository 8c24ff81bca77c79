from tests.tenancy import LOGIN, MANAGERS, PUBLIC, Row, expect


def _secret_audit_row(w):
    from prm.audit.log import audit

    audit(actor=w.admin_a, action="tenancy.secret-7f3a", target=w.partner_a)
    return {}


ROWS = [
    # Home shows each partner user their own company; staff are sent to the staff home.
    Row("home", expect(200, manager_a=302, manager_other=302, support=302)),
    Row("staff_home", expect(200, anon=LOGIN, member_a=403, admin_a=403, admin_b=403)),
    Row("healthz", PUBLIC),
    Row("livez", PUBLIC),
    Row("readyz", PUBLIC),
    # The audit log: channel managers, their partners' rows only (support and partners: 403).
    Row("staff_audit", MANAGERS, kwargs=_secret_audit_row, leaks=lambda w: ["tenancy.secret-7f3a"]),
    Row(
        "staff_audit",
        MANAGERS,
        kwargs=_secret_audit_row,
        leaks=lambda w: ["tenancy.secret-7f3a"],
        query="?format=csv",
    ),
    Row("set_language", expect(302), method="post", data=lambda w: {"language": "en", "next": "/"}),
]

# Notifications belong to the signed-in person: every role has its own list and bell.
ROWS += [
    Row("notifications", expect(200, anon=LOGIN)),
    Row("notification_bell", expect(200, anon=LOGIN)),
    Row("notification_preferences", expect(200, anon=LOGIN)),
    Row("profile", expect(200, anon=LOGIN)),
    Row("notification_read_all", expect(302, anon=LOGIN), method="post"),
    Row(
        "notification_read",
        expect(404, anon=LOGIN, member_a=302),
        kwargs=lambda w: {"pk": _notification_for(w.member_a)},
        method="post",
    ),
]


def _notification_for(user) -> int:
    from prm.models import Notification
    from prm.notifications.center import notify

    notify(kind="campaign_new", recipients=[user], event_key="tenancy", params={"title": "t"}, url="/")
    return Notification.objects.get(recipient=user, event_key="tenancy").pk


# Background CSV exports belong to the person who asked: everyone else gets a 404.
def _export_job_of_admin_a(w):
    from django.core.files.base import ContentFile

    from prm.models import ExportJob

    job = ExportJob.objects.create(
        user=w.admin_a, name="deals", path="/deals/", language="ja", total=1, rows_written=1, status="done"
    )
    job.file.save(
        "deals.csv", ContentFile(f"\ufeff{w.partner_a.name},secret-export-4d1c\n".encode()), save=True
    )
    return {"pk": job.pk}


ONLY_ADMIN_A = expect(404, anon=LOGIN, admin_a=200)
ROWS += [
    Row("export_job", ONLY_ADMIN_A, kwargs=_export_job_of_admin_a, insiders={"admin_a"}),
    Row("export_job_status", ONLY_ADMIN_A, kwargs=_export_job_of_admin_a, insiders={"admin_a"}),
    Row(
        "export_job_download",
        expect(404, admin_a=200),
        kwargs=_export_job_of_admin_a,
        leaks=lambda w: ["secret-export-4d1c"],
        insiders={"admin_a"},
    ),
]
