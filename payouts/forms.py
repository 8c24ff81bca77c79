from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payouts.invoice import normalise_registration_number
from payouts.models import PayeeProfile, Payout
from payouts.services import PROFILE_FIELDS
from payouts.zengin import to_zengin_kana


class PayeeProfileForm(forms.ModelForm):
    """What a partner admin writes; katakana and registration numbers are accepted as people
    type them (full-width, with hyphens) and stored in the form the bank and the tax office use."""

    not_registered = forms.BooleanField(
        label=_("We are not a registered invoice issuer"),
        required=False,
        help_text=_("Tick this instead of entering a registration number."),
    )

    class Meta:
        model = PayeeProfile
        # The service's fields, with the "not registered" box after the registration number.
        fields = [*PROFILE_FIELDS[:2], "not_registered", *PROFILE_FIELDS[2:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for what people type ("T1180-3010-1877-1", spaces): the model's validators check
        # the normalised number.
        self.fields["registration_number"].max_length = 30
        self.fields["registration_number"].validators = []
        self.fields["registration_number"].widget.attrs["maxlength"] = 30
        if self.instance.pk and not self.instance.registration_number:
            self.initial["not_registered"] = True
        self.fields["account_holder_kana"].help_text = _(
            "As the bank has it, e.g. カ）サンプル. Full-width katakana is converted for you."
        )

    def clean_registration_number(self):
        return normalise_registration_number(self.cleaned_data["registration_number"])

    def _kana(self, name):
        return to_zengin_kana(self.cleaned_data[name])

    def clean_bank_name_kana(self):
        return self._kana("bank_name_kana")

    def clean_branch_name_kana(self):
        return self._kana("branch_name_kana")

    def clean_account_holder_kana(self):
        return self._kana("account_holder_kana")

    def clean_account_number(self):
        return self.cleaned_data["account_number"].strip().zfill(7)

    def _post_clean(self):
        # The model validators run on the converted values (katakana made half-width).
        for name in ("bank_name_kana", "branch_name_kana", "account_holder_kana"):
            value = self.cleaned_data.get(name)
            if value and len(value) > PayeeProfile._meta.get_field(name).max_length:
                self.add_error(name, _("Too long for the bank's format once converted to half-width."))
        super()._post_clean()

    def clean(self):
        data = super().clean()
        number, not_registered = data.get("registration_number"), data.get("not_registered")
        if not_registered and number:
            self.add_error(
                "registration_number", _("Either enter a registration number or tick 'not registered'.")
            )
        elif not not_registered and not number and "registration_number" not in self.errors:
            self.add_error(
                "registration_number", _("Enter your registration number, or tick 'not registered' below.")
            )
        return data

    def profile_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in PROFILE_FIELDS}


class BuildForm(forms.Form):
    period = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("Collects every approved earning of this month and before that no statement holds yet."),
    )


class TransferForm(forms.Form):
    transfer_date = forms.DateField(
        label=_("Transfer date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def clean_transfer_date(self) -> date:
        value = self.cleaned_data["transfer_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The transfer date cannot be in the past."))
        return value


class PaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Transferred on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    payouts = forms.ModelMultipleChoiceField(
        label=_("Statements the bank transferred"),
        queryset=Payout.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a transfer the bank did not make, then take it out of the file."),
    )

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        unpaid = batch.payouts.filter(status=Payout.Status.APPROVED).select_related("partner").order_by("pk")
        self.fields["payouts"].queryset = unpaid
        self.fields["payouts"].label_from_instance = lambda p: f"{p.number} {p.partner.name}"
        self.initial.setdefault("payouts", list(unpaid))

    def clean_paid_on(self) -> date:
        value = self.cleaned_data["paid_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The transfer date cannot be in the future."))
        return value
