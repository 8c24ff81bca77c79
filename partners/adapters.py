"""The allauth adapter in use: prm's, plus the invitation check that needs partners."""

from partners.services import invitation_by_token
from prm.access.adapters import (
    INVITATION_SESSION_KEY,
    SIGNUP_ALLOWED_SESSION_KEY,
    VERIFIED_EMAIL_SESSION_KEY,
    AccountAdapter,
)


class InvitationAccountAdapter(AccountAdapter):
    def is_open_for_signup(self, request):
        if not super().is_open_for_signup(request):
            return False
        # The invitation must still be open now, not only when the session started: a
        # revoked (or expired, or used) invitation closes sign-up in that session too.
        invitation = invitation_by_token(request.session.get(INVITATION_SESSION_KEY, ""))
        if invitation is None or invitation.state != "pending":
            for key in (SIGNUP_ALLOWED_SESSION_KEY, VERIFIED_EMAIL_SESSION_KEY, INVITATION_SESSION_KEY):
                request.session.pop(key, None)
            return False
        return True

    def save_user(self, request, user, form, commit=True):
        # The name asked on the invited sign-up form, saved with the new account (one INSERT).
        user.display_name = (getattr(form, "cleaned_data", None) or {}).get("display_name", "")
        return super().save_user(request, user, form, commit=commit)
