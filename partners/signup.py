"""The sign-up form used while accepting an invitation (ACCOUNT_FORMS["signup"]).

Sign-up is only open during an invitation (prm.access.adapters); this form makes sure the account
is created for the invited address, not for any address the visitor types.
"""

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from prm.access.adapters import VERIFIED_EMAIL_SESSION_KEY


class InvitedSignupForm(SignupForm):
    def clean_email(self):
        email = super().clean_email()
        request = context.request
        invited = request.session.get(VERIFIED_EMAIL_SESSION_KEY) if request is not None else None
        if invited and (email or "").lower() != invited.lower():
            raise forms.ValidationError(
                _("Please sign up with the invited e-mail address %(email)s.") % {"email": invited}
            )
        return email
