import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from partners import services
from partners.models import Invitation, Membership
from partners.services import RecruitmentError
from prm.access.adapters import SIGNUP_ALLOWED_SESSION_KEY, VERIFIED_EMAIL_SESSION_KEY
from prm.models import User
from tests.factories import MembershipFactory, UserFactory
from tests.partners.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _token_from_mail(message) -> str:
    return re.search(r"/team/accept/([\w-]+)/", message.body).group(1)


@pytest.fixture
def invite(world, django_capture_on_commit_callbacks):
    def make(email="new.person@example.test", role="member"):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                partner=world.partner_a, email=email, role=role, actor=world.admin_a
            )
        return invitation, _token_from_mail(mail.outbox[-1])

    return make


def test_admin_invites_from_the_team_page(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/team/", {"email": "Colleague@Example.test", "role": "admin"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.partner) == (
        "colleague@example.test",
        "admin",
        world.partner_a,
    )
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)
    assert mail.outbox[0].to == ["colleague@example.test"]
    assert "招待" in mail.outbox[0].subject  # the inviter's language (Japanese)


def test_invite_form_errors_are_shown(world, client_for):
    response = client_for(world.admin_a).post("/team/", {"email": "nope", "role": "boss"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "role"}


def test_inviting_an_existing_member_or_twice_is_refused(world, invite):
    invite("twice@example.test")
    with pytest.raises(RecruitmentError):
        services.invitation_create(
            partner=world.partner_a, email="TWICE@example.test", role="member", actor=world.admin_a
        )
    with pytest.raises(RecruitmentError):
        services.invitation_create(
            partner=world.partner_a, email=world.member_a.email, role="member", actor=world.admin_a
        )


def test_member_cannot_invite(world, client_for):
    response = client_for(world.member_a).post("/team/", {"email": "x@example.test", "role": "member"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_members_see_the_team_but_not_the_invitations(world, client_for, invite):
    invite("hidden@example.test")
    body = client_for(world.member_a).get("/team/").getvalue().decode()
    assert world.admin_a.email in body and "hidden@example.test" not in body


def test_an_existing_user_accepts_after_signing_in(world, client_for, invite):
    user = UserFactory(email="new.person@example.test")
    _invitation, token = invite()
    anonymous = client_for(None)
    response = anonymous.post(f"/team/accept/{token}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client = client_for(user)
    response = client.post(f"/team/accept/{token}/")
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.partner == world.partner_a and membership.role == "member"


def test_a_new_person_is_sent_to_sign_up_with_the_email_verified(world, client_for, invite):
    _invitation, token = invite()
    client = client_for(None)
    response = client.post(f"/team/accept/{token}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signup/?email=new.person%40example.test")
    assert client.session[SIGNUP_ALLOWED_SESSION_KEY] is True
    assert client.session[VERIFIED_EMAIL_SESSION_KEY] == "new.person@example.test"
    # allauth's sign-up is open for this visitor and the address counts as verified; it asks
    # for the person's name too.
    assert 'name="display_name"' in client.get(response["Location"]).content.decode()
    response = client.post(
        response["Location"],
        {
            "display_name": "  新井\t 一郎 ",
            "email": "new.person@example.test",
            "password1": "a-Strong-pass-42",
            "password2": "a-Strong-pass-42",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="new.person@example.test").display_name == "新井 一郎"
    assert response["Location"] == f"/team/accept/{token}/"
    response = client.post(f"/team/accept/{token}/")
    assert response.status_code == 302 and response["Location"] == "/"
    membership = Membership.objects.get(user__email="new.person@example.test")
    assert membership.partner == world.partner_a
    assert SIGNUP_ALLOWED_SESSION_KEY not in client.session


def test_a_token_is_single_use(world, invite):
    _invitation, token = invite()
    services.invitation_accept(token=token, user=UserFactory(email="new.person@example.test"))
    with pytest.raises(RecruitmentError):
        services.invitation_accept(token=token, user=UserFactory(email="someone@example.test"))


def test_an_invitation_expires_after_14_days(world, invite, client_for):
    _invitation, token = invite()
    user = UserFactory(email="new.person@example.test")
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        with pytest.raises(RecruitmentError):
            services.invitation_accept(token=token, user=user)
        page = client_for(None).get(f"/team/accept/{token}/")
        assert "無効" in page.getvalue().decode()
    assert not Membership.objects.filter(user=user).exists()


def test_a_revoked_invitation_cannot_be_accepted(world, invite, client_for):
    invitation, token = invite()
    response = client_for(world.admin_a).post(f"/team/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    with pytest.raises(RecruitmentError):
        services.invitation_accept(token=token, user=UserFactory(email="new.person@example.test"))


def test_resend_issues_a_new_link_and_kills_the_old_one(
    world, invite, client_for, django_capture_on_commit_callbacks
):
    invitation, old_token = invite()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.admin_a).post(f"/team/invitations/{invitation.pk}/resend/")
    new_token = _token_from_mail(mail.outbox[-1])
    assert new_token != old_token
    user = UserFactory(email="new.person@example.test")
    with pytest.raises(RecruitmentError):
        services.invitation_accept(token=old_token, user=user)
    services.invitation_accept(token=new_token, user=user)


def test_the_invited_email_is_enforced(world, invite):
    _invitation, token = invite()
    with pytest.raises(RecruitmentError, match=r"new\.person@example\.test"):
        services.invitation_accept(token=token, user=UserFactory(email="intruder@example.test"))


def test_a_member_of_another_partner_cannot_join_a_second_one(world, invite):
    _invitation, token = invite(world.admin_b.email)
    with pytest.raises(RecruitmentError):
        services.invitation_accept(token=token, user=world.admin_b)
    assert world.admin_b.membership.partner == world.partner_b


def test_another_partners_invitation_is_a_404(world, client_for):
    other = InvitationFactory(partner=world.partner_b)
    response = client_for(world.admin_a).post(f"/team/invitations/{other.pk}/revoke/")
    assert response.status_code == 404


# --- roles ----------------------------------------------------------------------------


def test_admin_changes_a_role(world, client_for):
    membership = world.member_a.membership
    client_for(world.admin_a).post(f"/team/members/{membership.pk}/role/", {"role": "admin"})
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_the_last_admin_cannot_remove_or_demote_themselves(world, client_for):
    own = world.admin_a.membership
    client = client_for(world.admin_a)
    client.post(f"/team/members/{own.pk}/remove/")
    client.post(f"/team/members/{own.pk}/role/", {"role": "member"})
    own.refresh_from_db()
    assert own.role == "admin"
    with pytest.raises(RecruitmentError, match=r"最後の管理者|last admin"):
        services.membership_remove(membership=own, actor=world.admin_a)


def test_an_admin_may_leave_when_another_admin_remains(world):
    MembershipFactory(partner=world.partner_a, role="admin")
    services.membership_remove(membership=world.admin_a.membership, actor=world.admin_a)
    assert not Membership.objects.filter(user=world.admin_a).exists()


def test_admin_removes_a_member(world, client_for):
    response = client_for(world.admin_a).post(f"/team/members/{world.member_a.membership.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=world.member_a).exists()


def test_member_cannot_change_roles(world, client_for):
    response = client_for(world.member_a).post(
        f"/team/members/{world.admin_a.membership.pk}/role/", {"role": "member"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("count", [2, 10])
def test_team_page_queries_stay_flat(world, client_for, django_assert_max_num_queries, count):
    for n in range(count):
        MembershipFactory(partner=world.partner_a)
        InvitationFactory(partner=world.partner_a, invited_by=world.admin_a, email=f"p{n}@example.test")
    client = client_for(world.admin_a)
    with django_assert_max_num_queries(7):
        assert client.get("/team/").status_code == 200


def test_sign_up_during_an_invitation_must_use_the_invited_address(world, client_for, invite):
    _invitation, token = invite()
    client = client_for(None)
    signup_url = client.post(f"/team/accept/{token}/")["Location"]
    response = client.post(
        signup_url,
        {
            "email": "someone.else@example.test",
            "password1": "a-Strong-pass-42",
            "password2": "a-Strong-pass-42",
        },
    )
    assert response.status_code == 200
    assert "new.person@example.test" in " ".join(response.context["form"].errors["email"])
    assert not Membership.objects.filter(user__email="someone.else@example.test").exists()
    from prm.models import User

    assert not User.objects.filter(email="someone.else@example.test").exists()
