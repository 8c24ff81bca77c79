from django import forms
from django.utils.translation import gettext_lazy as _

from sso.queries import email_domain, route_for_email


class CompanySignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.route = route_for_email(email)
        if self.route is None:
            raise forms.ValidationError(
                _(
                    "Company sign-in is not set up for @%(domain)s. Sign in with your password, "
                    "or ask your channel manager."
                )
                % {"domain": email_domain(email)}
            )
        return email
