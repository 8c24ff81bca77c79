"""The sign-up form used while accepting an invitation (ACCOUNT_FORMS["signup"]).

Sign-up is only open during an invitation (prm.access.adapters); this form makes sure the account
is created for the invited address, not for any address the visitor types.
"""

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from prm.access.adapters import VERIFIED_EMAIL_SESSION_KEY
from prm.accounts.services import NAME_MAX_LENGTH, clean_name


class InvitedSignupForm(SignupForm):
    # Asked here so that the person's name, not their initials, is on their certificates and
    # beside their questions from the start (the account adapter saves it with the account).
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("As colleagues, your channel manager and your certificates show it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        return clean_name(self.cleaned_data.get("display_name", ""))

    def clean_email(self):
        email = super().clean_email()
        request = context.request
        invited = request.session.get(VERIFIED_EMAIL_SESSION_KEY) if request is not None else None
        if invited and (email or "").lower() != invited.lower():
            raise forms.ValidationError(
                _("Please sign up with the invited e-mail address %(email)s.") % {"email": invited}
            )
        return email
