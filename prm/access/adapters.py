from allauth.account.adapter import DefaultAccountAdapter

from prm.http.clientip import client_ip

# Recruitment sets these session keys while a visitor accepts a valid invitation; there is
# no open sign-up (partners apply at /apply/ and are invited once approved).
SIGNUP_ALLOWED_SESSION_KEY = "prm_signup_allowed"
# The invited e-mail address: the invitation link proves the visitor can read that inbox,
# so the address counts as verified and allauth sends no second verification mail.
VERIFIED_EMAIL_SESSION_KEY = "prm_verified_email"
# The invitation link's token (set by partners.views with the two keys above).
INVITATION_SESSION_KEY = "partners_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # allauth's login/sign-up/password-reset rate limits key on this.
        return client_ip(request)

    def is_open_for_signup(self, request):
        # partners.adapters.InvitationAccountAdapter also checks that the invitation is
        # still open (partners sits above prm, so the check lives there).
        return bool(request.session.get(SIGNUP_ALLOWED_SESSION_KEY))

    def is_email_verified(self, request, email):
        verified = request.session.get(VERIFIED_EMAIL_SESSION_KEY)
        if verified and verified.lower() == (email or "").lower():
            return True
        return super().is_email_verified(request, email)
