from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from api import scopes as scope_defs
from api.services import LIFETIMES, audience_of
from incentives.forms import DealForm
from incentives.models import Deal
from prm.text.weburl import WebURLFormField
from prm.webhooks import registry
from prm.webhooks.urls import validate_endpoint_url


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


class EndpointForm(forms.Form):
    url = WebURLFormField(
        label=_("URL"),
        max_length=500,
        help_text=_("Where your system receives events, e.g. https://crm.example.co.jp/hooks/portal."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(label=_("Event types"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, audience, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [
            (t.code, f"{t.label} ({t.code})") for t in registry.types_for(audience)
        ]

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        validate_endpoint_url(url)
        return url


# --- the portal's forms, as the API's validators ----------------------------------------


class ApiDealForm(DealForm):
    """The portal's registration form; the readings (フリガナ) are accepted whatever the
    request's language (the page offers them to Japanese readers only)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("customer_company_kana", "contact_name_kana"):
            if name not in self.fields:
                self.fields[name] = Deal._meta.get_field(name).formfield()


def validate_with(form_class, data: dict, *, names: dict | None = None, files=None, **form_kwargs):
    """Run one of the portal's forms on API data (API field names mapped to the form's by
    `names`): its cleaned data, or a 400 with the form's own messages and codes under the
    API's field names."""
    names = names or {}
    back = {form_name: api_name for api_name, form_name in names.items()}
    form = form_class(data={names.get(k, k): v for k, v in data.items()}, files=files, **form_kwargs)
    if form.is_valid():
        return form.cleaned_data
    errors = {}
    for field, problems in form.errors.as_data().items():
        key = "non_field_errors" if field == "__all__" else back.get(field, field)
        errors[key] = [ErrorDetail(m, code=p.code or "invalid") for p in problems for m in p.messages]
    raise serializers.ValidationError(errors)
