from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.models import Claim, ClaimFile, FundRequest
from funds.periods import period_of
from funds.services import REQUEST_FIELDS
from prm.files.forms import MultipleFilesField
from prm.files.uploads import validate_upload
from promotion.models import Campaign

CLAIM_FILE_TYPES = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".webp",
    ".csv",
    ".xlsx",
    ".docx",
    ".pptx",
    ".txt",
    ".zip",
}
CLAIM_FILE_MAX_BYTES = 20 * 1024 * 1024
CLAIM_FILES_MAX = 10


class DateInput(forms.DateInput):
    input_type = "date"


def check_claim_file(upload):
    return validate_upload(upload, extensions=CLAIM_FILE_TYPES, max_bytes=CLAIM_FILE_MAX_BYTES)


class ClaimFilesField(MultipleFilesField):
    """Several files in one input, each checked by `prm.files.uploads.validate_upload` (type
    by content, size, pixels). Cleans to a list of (upload, CheckedUpload)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("Up to %(n)d files of %(max)s each: PDF, images, spreadsheets, documents, CSV or ZIP.")
            % {"n": CLAIM_FILES_MAX, "max": filesizeformat(CLAIM_FILE_MAX_BYTES)},
        )
        super().__init__(*args, check=check_claim_file, max_files=CLAIM_FILES_MAX, **kwargs)


class RequestForm(forms.ModelForm):
    class Meta:
        model = FundRequest
        fields = list(REQUEST_FIELDS)
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "description": _("What you will do, for whom, and how it promotes our products."),
            "requested_amount": _("Whole yen, excluding consumption tax."),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        campaign = self.fields["campaign"]
        campaign.queryset = Campaign.objects.for_partner(partner).order_by("-starts_on")
        campaign.required = False
        campaign.label_from_instance = lambda c: c.name
        for name in ("expected_pipeline", "requested_amount"):
            self.fields[name].widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The activity cannot end before it starts."))
        if starts_on and starts_on < period_of(timezone.localdate()).start:
            self.add_error("starts_on", _("The activity cannot start in a past fund period."))
        return data


class ClaimForm(forms.ModelForm):
    receipts = ClaimFilesField(label=_("Receipts and invoices"), required=True)
    proofs = ClaimFilesField(
        label=_("Proof of performance"),
        required=False,
    )

    class Meta:
        model = Claim
        fields = ["actual_cost", "attendees", "leads", "results"]
        widgets = {"results": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "actual_cost": _("Whole yen, excluding consumption tax, as on the receipts."),
            "results": _("What happened: photos, lead lists and reports go in the proof of performance."),
        }

    def __init__(self, *args, resubmit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proofs"].help_text = _(
            "Photos, lead lists and reports. Up to %(n)d files of %(max)s each: PDF, images, spreadsheets, "
            "documents, CSV or ZIP."
        ) % {"n": CLAIM_FILES_MAX, "max": filesizeformat(CLAIM_FILE_MAX_BYTES)}
        if resubmit:
            self.fields["receipts"].required = False
        self.fields["actual_cost"].widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})

    def files_to_store(self) -> list:
        return [
            (ClaimFile.Kind.RECEIPT, upload, checked) for upload, checked in self.cleaned_data["receipts"]
        ] + [(ClaimFile.Kind.PROOF, upload, checked) for upload, checked in self.cleaned_data["proofs"]]

    def claim_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DecisionForm(forms.Form):
    """A manager's decision on a request or a claim."""

    APPROVE, RETURN, REJECT = "approve", "return", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return for changes")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount to approve (JPY)"),
        required=False,
        min_value=1,
        decimal_places=0,
        max_digits=14,
        help_text=_("Empty: the full amount. Less approves part of it."),
    )
    comment = forms.CharField(
        label=_("Comment to the partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return or reject."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in (self.RETURN, self.REJECT) and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what the partner should change, or why you reject it."))
        return data


class AdjustForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Change (JPY)"),
        decimal_places=0,
        max_digits=14,
        help_text=_("Positive adds to the fund, negative takes unspent money back."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise ValidationError(_("Enter an amount other than zero."))
        return amount


class OpenFundForm(AdjustForm):
    """A manager opens (or adds to) the fund of a partner that has none this period: a
    partner below the MDF tiers funded for a joint activity."""

    partner = forms.CharField(
        label=_("Partner"),
        max_length=200,
        help_text=_("The partner's exact name or its ID in the portal (slug)."),
    )
    field_order = ["partner", "amount", "reason"]

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = partners

    def clean_partner(self):
        value = self.cleaned_data["partner"].strip()
        found = list(self.partners.filter(Q(name=value) | Q(slug=value))[:2])
        if len(found) != 1:
            raise ValidationError(_("No partner you manage has this name or ID."))
        return found[0]
