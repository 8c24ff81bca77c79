from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from incentives.models import Tier
from partners.models import PartnerType
from prm.models import CHANNEL_MANAGERS, User


class FastSelect(forms.Select):
    """A flat <select> built in Python: the widget templates render each of the ~250 countries
    through an include, which was most of the dashboard's template time."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


PERIODS = [
    (30, _("Last 30 days")),
    (90, _("Last 90 days")),
    (180, _("Last 180 days")),
    (365, _("Last 12 months")),
]


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, carried in the URL (GET) and validated here."""

    days = forms.TypedChoiceField(
        label=_("Period"), choices=PERIODS, coerce=int, required=False, empty_value=90
    )
    partner_type = forms.ChoiceField(
        label=_("Partner type"), choices=[("", _("All types")), *PartnerType.choices], required=False
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"), queryset=Tier.objects.order_by("rank"), required=False, empty_label=_("All tiers")
    )
    country = forms.ChoiceField(label=_("Country/region"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Onboarding owner"),
        queryset=User.objects.filter(is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS).order_by(
            "email"
        ),
        required=False,
        empty_label=_("All owners"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries/regions")), *countries]
        for field in self.fields.values():
            field.widget = FastSelect(attrs={"class": "form-select form-select-sm"}, choices=field.choices)

    def filters_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "days": data.get("days") or 90,
            "partner_type": data.get("partner_type") or "",
            "tier": data.get("tier"),
            "country": data.get("country") or "",
            "owner": data.get("owner"),
        }


class PartnerSearchForm(forms.Form):
    q = forms.CharField(label=_("Partner name"), max_length=100, required=False)


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Onboarding owner"),
        queryset=User.objects.filter(is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS).order_by(
            "email"
        ),
    )
