from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import DataRequest
from privacy.services import next_statuses
from prm.models import CHANNEL_MANAGERS
from prm.tenancy import partners_for_staff
from prm.ui.widgets import DateInput


class DataRequestForm(forms.ModelForm):
    """A request received from a person (by letter, e-mail, phone or the inquiry desk)."""

    class Meta:
        model = DataRequest
        fields = [
            "kind",
            "received_on",
            "subject_name",
            "subject_email",
            "subject_company",
            "requester_name",
            "requester_email",
            "requester_phone",
            "by_agent",
            "partner",
            "details",
        ]
        widgets = {"received_on": DateInput(), "details": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "subject_email": _("Used to find what the portal holds about the person."),
            "requester_name": _("The person concerned, or their agent."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners_for_staff(user).order_by("name")
        self.fields["received_on"].initial = timezone.localdate
        for name in ("subject_name", "requester_name", "details"):
            self.fields[name].strip = True

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of receipt cannot be in the future."))
        return value


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    identity_method = forms.CharField(
        label=_("How the identity was verified"),
        max_length=200,
        required=False,
        help_text=_(
            "For example: copy of a driver's licence checked; reply from the registered e-mail address."
        ),
    )
    note = forms.CharField(
        label=_("What the person is told"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to complete or decline: what was done or sent, or the reason for declining."),
    )

    def __init__(self, *args, request: DataRequest, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(DataRequest.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in next_statuses(request)]
        if request.identity_verified_on:
            del self.fields["identity_method"]


def handler_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=CHANNEL_MANAGERS)
        .order_by("display_name", "email")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Handled by"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handler_choices()


class EraseForm(forms.Form):
    """The records a finder found, to anonymise (a deletion or cessation request)."""

    ids = forms.TypedMultipleChoiceField(label=_("Records"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, found, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(row.pk, row.label) for row in found]


class PartnerExportForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners_for_staff(user).order_by("name")
