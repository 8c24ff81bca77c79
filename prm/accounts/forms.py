from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from prm.accounts.services import NAME_MAX_LENGTH, clean_name


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_(
            "As colleagues, your channel manager and your certificates show it, for example "
            "“山田 太郎”. Without a name, certificates show your initials."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of your e-mails"),
        choices=settings.LANGUAGES,
        help_text=_(
            "E-mails and reminders are written in this language (choosing a language at the top "
            "of a page changes it too)."
        ),
    )

    def clean_display_name(self):
        name = clean_name(self.cleaned_data["display_name"])
        if "@" in name:
            raise forms.ValidationError(_("Enter your name, not an e-mail address."))
        return name
