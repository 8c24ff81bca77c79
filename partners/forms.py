from datetime import timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.models import (
    Application,
    Capability,
    Industry,
    Membership,
    Partner,
    PartnerType,
    Prospect,
    Source,
)
from partners.services import company_domain, duplicate_message, open_application_exists
from partners.validators import validate_logo
from prm.models import CHANNEL_MANAGERS, User
from prm.text.weburl import WebURLFormField


class LookupMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ApplicationForm(forms.ModelForm):
    industries = LookupMultipleChoiceField(
        label=_("Industries"),
        queryset=Industry.objects.active(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose at least one industry you work in.")},
    )
    capabilities = LookupMultipleChoiceField(
        label=_("Capabilities"),
        queryset=Capability.objects.active(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    partner_type = forms.ChoiceField(
        label=_("Partner type"),
        choices=PartnerType.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose how you would like to partner with us.")},
    )
    source = forms.ChoiceField(
        label=_("How did you hear about us?"),
        choices=[("", "---------"), *[c for c in Source.choices if c[0] != Source.OUTBOUND]],
        error_messages={"required": _("Tell us how you heard about us.")},
    )
    consent = forms.BooleanField(
        label=_("I agree that my details are used to review this application and to contact me about it."),
        error_messages={"required": _("Please agree so that we can review your application.")},
    )
    website = WebURLFormField(
        label=_("Company website"),
        help_text=_("For example https://www.example.co.jp"),
        error_messages={
            "required": _("Enter your company website."),
            "invalid": _("Enter the full address of your website, starting with https://"),
        },
    )
    # Honeypot: invisible to people, tempting to bots. A filled-in value drops the submission.
    nickname = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = Application
        fields = [
            "company_name",
            "company_name_kana",
            "website",
            "country",
            "company_size",
            "industries",
            "capabilities",
            "partner_type",
            "contact_name",
            "contact_name_kana",
            "contact_email",
            "contact_phone",
            "source",
            "source_detail",
            "message",
        ]
        labels = {
            "company_name": _("Company name"),
            "company_name_kana": _("Company name reading (katakana, optional)"),
            "contact_name_kana": _("Your name reading (katakana, optional)"),
            "website": _("Company website"),
            "country": _("Country"),
            "company_size": _("Company size"),
            "contact_name": _("Your name"),
            "contact_email": _("Your business e-mail"),
            "contact_phone": _("Phone (optional)"),
            "source_detail": _("Details (optional)"),
            "message": _("Anything else we should know? (optional)"),
        }
        help_texts = {
            "website": _("For example https://www.example.co.jp"),
            "source_detail": _("The event name, the person who referred you, the RFP…"),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

        error_messages = {
            "company_name": {"required": _("Enter your company name.")},
            "website": {
                "required": _("Enter your company website."),
                "invalid": _("Enter the full address of your website, starting with https://"),
            },
            "country": {"required": _("Choose the country of your company.")},
            "company_size": {"required": _("Choose the size of your company.")},
            "contact_name": {"required": _("Enter your name.")},
            "contact_email": {
                "required": _("Enter your e-mail address."),
                "invalid": _("Enter a valid e-mail address, such as name@example.co.jp."),
            },
        }

    def __init__(self, *args, referral=None, prospect=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        if referral is not None or prospect is not None:
            # The referral or the invitation decides the source; the applicant need not answer.
            del self.fields["source"]
        self.fields["nickname"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["country"].initial = "JP"

    def clean_company_name(self):
        return self.cleaned_data["company_name"].strip()

    def clean_website(self):
        website = self.cleaned_data["website"]
        if "." not in company_domain(website):
            raise forms.ValidationError(_("Enter the address of your company's public website."))
        return website

    def clean_contact_phone(self):
        phone = self.cleaned_data.get("contact_phone", "").strip()
        if phone and not all(ch.isdigit() or ch in "+-() ." for ch in phone):
            raise forms.ValidationError(_("Use digits, spaces and + - ( ) only."))
        return phone

    def clean(self):
        cleaned = super().clean()
        website = cleaned.get("website")
        if website and open_application_exists(company_domain(website)):
            raise forms.ValidationError(duplicate_message(company_domain(website)), code="duplicate")
        if cleaned.get("source") == Source.OTHER and not cleaned.get("source_detail"):
            self.add_error("source_detail", _("Tell us briefly where you heard about us."))
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("nickname"))

    def application_data(self) -> dict:
        data = {
            f: self.cleaned_data[f]
            for f in self.Meta.fields
            if f not in ("industries", "capabilities") and f in self.cleaned_data
        }
        data.setdefault("source", Source.REFERRAL)
        return data


class OptionalLookupsForm(forms.Form):
    """Industries and capabilities, both optional (a partner's profile, a prospect)."""

    industries = LookupMultipleChoiceField(
        label=_("Industries"),
        queryset=Industry.objects.active(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    capabilities = LookupMultipleChoiceField(
        label=_("Capabilities"),
        queryset=Capability.objects.active(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )


def invitation_initial(prospect: Prospect) -> dict:
    """What the manager knows of an invited company, to pre-fill its application."""
    return {
        "company_name": prospect.name,
        "company_name_kana": prospect.name_kana,
        "website": f"https://{prospect.domain}",
        "country": prospect.country,
        "company_size": prospect.company_size,
        "industries": list(prospect.industries.all()),
        "capabilities": list(prospect.capabilities.all()),
        "partner_type": prospect.partner_type,
        "contact_name": prospect.contact_name,
        "contact_email": prospect.contact_email,
    }


def staff_managers():
    return User.objects.filter(
        Q(groups__name=CHANNEL_MANAGERS) | Q(is_superuser=True), is_active=True, is_staff=True
    ).distinct()


class ProspectForm(OptionalLookupsForm, forms.ModelForm):
    class Meta:
        model = Prospect
        fields = [
            "name",
            "name_kana",
            "domain",
            "partner_type",
            "country",
            "company_size",
            "industries",
            "capabilities",
            "contact_name",
            "contact_email",
            "notes",
            "owner",
        ]
        labels = {
            "name_kana": _("Company name reading (katakana, optional)"),
            "domain": _("Company domain"),
        }
        help_texts = {
            "domain": _("For example example.co.jp (a website address or an e-mail address also works).")
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": _("Enter the company name.")},
            "domain": {"required": _("Enter the company's domain, such as example.co.jp.")},
            "partner_type": {"required": _("Choose the partner type you have in mind.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_managers()
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.email

    def clean_domain(self):
        domain = company_domain(self.cleaned_data["domain"])
        if "." not in domain or not all(part for part in domain.split(".")):
            raise forms.ValidationError(_("Enter the company's domain, such as example.co.jp."))
        return domain

    def validate_unique(self):
        """Duplicates (by domain and by reading, against partners and applications too) are
        the service's to find: prospect_duplicates says which company and whose."""

    def prospect_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f not in ("industries", "capabilities")}


class ProspectLogForm(forms.Form):
    on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=200)
    next_step_on = forms.DateField(
        label=_("Next step date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, prospect=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Unchanged"))] + [
            (stage.value, stage.label) for stage in Prospect.MANUAL_STAGES
        ]
        if prospect is not None and not self.is_bound:
            self.initial.update(next_step=prospect.next_step, next_step_on=prospect.next_step_on)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date of an activity cannot be in the future."))
        return on


class ProspectInviteForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        error_messages={"invalid": _("Enter a valid e-mail address, such as name@example.co.jp.")},
    )
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=settings.LANGUAGES)
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = staff_managers()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(DecisionForm):
    reason = forms.ChoiceField(
        label=_("Reason (sent to the applicant)"),
        choices=Application.RejectionReason.choices,
        error_messages={"required": _("Choose the reason to send to the applicant.")},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ProfileForm(OptionalLookupsForm, forms.ModelForm):
    website = WebURLFormField(label=_("Website"), required=False)
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        validators=[validate_logo],
        help_text=_("PNG, JPEG, GIF or WebP, up to 2 MB. It is resized to fit 400×400."),
    )

    class Meta:
        model = Partner
        fields = [
            "description",
            "website",
            "company_size",
            "regions",
            "industries",
            "capabilities",
            "directory_listed",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "regions": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {
            "description": _("Company description"),
            "website": _("Website"),
            "regions": _("Regions served"),
        }
        help_texts = {"regions": _("Hold Ctrl (⌘ on a Mac) to choose several countries.")}


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned

    def period(self):
        today = timezone.localdate()
        start, end = today - timedelta(days=89), today
        if self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
        return start, end
