from django import forms
from django.utils.translation import gettext_lazy as _

from onboarding.models import OnboardingPlan, ReminderPreference, TaskSubmission
from onboarding.queries import channel_managers
from prm.files import uploads

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = {"pdf", "docx", "xlsx", "pptx", "png", "jpg", "jpeg", "txt", "csv", "zip"}


class SubmissionForm(forms.ModelForm):
    class Meta:
        model = TaskSubmission
        fields = ["file", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"file": _("PDF, Office documents, images, text or ZIP; at most 20 MB.")}

    def clean_file(self):
        f = self.cleaned_data["file"]
        # Extension, size, content sniffing and image pixel caps: the portal's one validator.
        uploads.validate_upload(
            f,
            extensions=ALLOWED_EXTENSIONS,
            max_bytes=MAX_UPLOAD_BYTES,
            messages={
                "type": _("This file type is not accepted."),
                "size": _("The file is larger than 20 MB."),
            },
        )
        return f


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return with comment"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change when you return a document."))
        return data


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["mute_non_essential"]


def manager_choices():
    return channel_managers().order_by("display_name", "email")


class PlanStartForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("Automatic (the manager with the fewest open plans)"),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        running = OnboardingPlan.objects.running().values("partner_id")
        self.fields["partner"].queryset = partners.exclude(pk__in=running).order_by("name_kana", "name")
        self.fields["owner"].queryset = manager_choices()


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = manager_choices()
