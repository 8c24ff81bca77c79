from django import forms
from django.utils.translation import gettext_lazy as _

from api import scopes as scope_defs
from api.services import LIFETIMES, audience_of


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “CRM sync”.")
    )
    user = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=None,
        empty_label=None,
        help_text=_(
            "Every request made with the token is made as this person, with their access and no more."
        ),
    )
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple)
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(d, _("%(days)s days") % {"days": d}) for d in LIFETIMES],
        initial=90,
    )

    def __init__(self, *args, actor, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = targets
        self.fields["user"].initial = actor.pk
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name()} <{u.email}>"
        audience = audience_of(actor)
        self.fields["scopes"].choices = scope_defs.choices(audience) if audience else []
        if targets.count() == 1:
            self.fields["user"].widget = forms.HiddenInput()
