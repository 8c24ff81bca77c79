from tests.tenancy import LOGIN, MANAGERS, PARTNER, PUBLIC, Row, expect


def _invitation(w):
    from tests.partners.factories import InvitationFactory

    return InvitationFactory(partner=w.partner_a, email="invitee-secret@example.test")


def _application(w):
    from tests.partners.factories import ApplicationFactory

    return ApplicationFactory(company_name="Applicant Gamma KK")


def _prospect(w):
    from partners.models import Prospect

    return Prospect.objects.get_or_create(
        domain="prospect-secret.example.jp",
        defaults={"name": "Prospect Secret KK", "partner_type": "sales", "owner": w.manager_other},
    )[0]


def _invited_token(w):
    from django.utils import timezone

    from partners.services import prospect_invitation_token

    prospect = _prospect(w)
    prospect.stage, prospect.invited_at = "invited", timezone.now()
    prospect.save()
    return {"token": prospect_invitation_token(prospect)}


# A POST that an admin of partner A makes on one of A's objects: done (302), others 404/403.
ADMIN_ACTION_A = expect(404, anon=LOGIN, member_a=403, admin_a=302)

ROWS = [
    # Public recruitment pages
    Row("partners:apply", PUBLIC),
    Row("partners:apply", PUBLIC, method="post", data=lambda w: {"company_name": ""}),
    Row("partners:apply_thanks", PUBLIC),
    Row("partners:referral", expect(302), kwargs=lambda w: {"code": "nosuchcode"}),
    # The invitation link remembers the (verified) token and goes to /apply/.
    Row("partners:apply_invited", expect(302), kwargs=_invited_token),
    Row("partners:apply_invited", expect(302), kwargs=lambda w: {"token": "tampered"}),
    Row("partners:invitation_accept", PUBLIC, kwargs=lambda w: {"token": "not-a-token"}),
    # Partner pages
    Row("partners:team", PARTNER, leaks=lambda w: ["invitee-secret@example.test"]),
    Row(
        "partners:team",
        expect(302, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404),
        method="post",
        data=lambda w: {"email": "new@example.test", "role": "member"},
    ),
    Row(
        "partners:invitation_resend",
        ADMIN_ACTION_A,
        method="post",
        kwargs=lambda w: {"pk": _invitation(w).pk},
        leaks=lambda w: ["invitee-secret@example.test"],
    ),
    Row(
        "partners:invitation_revoke",
        ADMIN_ACTION_A,
        method="post",
        kwargs=lambda w: {"pk": _invitation(w).pk},
    ),
    Row(
        "partners:member_role",
        ADMIN_ACTION_A,
        method="post",
        kwargs=lambda w: {"pk": w.member_a.membership.pk},
        data=lambda w: {"role": "admin"},
    ),
    Row(
        "partners:member_remove",
        ADMIN_ACTION_A,
        method="post",
        kwargs=lambda w: {"pk": w.member_a.membership.pk},
    ),
    Row("partners:profile", PARTNER),
    Row(
        "partners:profile",
        expect(302, anon=LOGIN, member_a=403, manager_a=404, manager_other=404, support=404),
        method="post",
        data=lambda w: {"description": "Updated", "website": "https://x.example.com"},
    ),
    Row("partners:referrals", PARTNER),
    # Staff pages (channel managers)
    Row("partners:staff_applications", MANAGERS),
    Row("partners:staff_applications", MANAGERS, query="?format=csv"),
    Row("partners:staff_metrics", MANAGERS),
    Row("partners:staff_metrics", MANAGERS, query="?format=csv"),
    Row("partners:staff_referrals", MANAGERS),
    Row("partners:staff_application", MANAGERS, kwargs=lambda w: {"pk": _application(w).pk}),
    # Prospects are programme data, not a partner's: every channel manager, no partner user.
    Row("partners:staff_prospects", MANAGERS),
    Row("partners:staff_prospects", MANAGERS, query="?format=csv&stage=all"),
    Row("partners:staff_prospect_create", MANAGERS),
    Row(
        "partners:staff_prospect_create",
        expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403),
        method="post",
        data=lambda w: {
            "name": "New Co",
            "domain": "new-co.example.jp",
            "partner_type": "sales",
            "country": "JP",
            "owner": w.manager_a.pk,
        },
    ),
    Row("partners:staff_prospect", MANAGERS, kwargs=lambda w: {"pk": _prospect(w).pk}),
    Row("partners:staff_prospect_edit", MANAGERS, kwargs=lambda w: {"pk": _prospect(w).pk}),
    Row(
        "partners:staff_prospect_log",
        expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403),
        method="post",
        kwargs=lambda w: {"pk": _prospect(w).pk},
        data=lambda w: {"on": "2026-01-05", "note": "Met at an event"},
    ),
    Row(
        "partners:staff_prospect_invite",
        expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403),
        method="post",
        kwargs=lambda w: {"pk": _prospect(w).pk},
        data=lambda w: {
            "contact_name": "Ms Prospect",
            "contact_email": "ceo@prospect-secret.example.jp",
            "language": "ja",
        },
    ),
    Row(
        "partners:staff_application_action",
        expect(302, anon=LOGIN, member_a=403, admin_a=403, admin_b=403, support=403),
        method="post",
        kwargs=lambda w: {"pk": _application(w).pk, "action": "note"},
        data=lambda w: {"note": "Looks good"},
    ),
]
