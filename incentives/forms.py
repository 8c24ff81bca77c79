from datetime import date

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from incentives.models import Deal, DealCredit, Product
from incentives.normalise import company_key, domain_key
from incentives.services import EDITABLE_FIELDS, won_amount_ceiling, won_ceiling_message
from privacy.models import ProvisionRecord
from prm.ui.widgets import DateInput


def contact_consent_field(**kwargs):
    return forms.BooleanField(
        label=_(
            "The contact agreed that their name and contact details are passed on to us for this registration."
        ),
        help_text=_(
            "Passing a named customer contact to us is a provision of personal data to a third party: "
            "we record it, and it needs the person's consent."
        ),
        **kwargs,
    )


# A registration asks for the customer and its contact first (the contact's source and
# consent follow them on the form).
CUSTOMER_FIELDS = [
    "customer_company",
    "customer_company_kana",
    "customer_domain",
    "contact_name",
    "contact_name_kana",
    "contact_email",
    "contact_phone",
]


class DealForm(forms.ModelForm):
    """Register an opportunity, optionally against a campaign the partner joined."""

    class Meta:
        model = Deal
        fields = [
            *CUSTOMER_FIELDS,
            "product",
            "amount",
            "currency",
            "expected_close_date",
            "campaign",
            "notes",
        ]
        widgets = {"expected_close_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    contact_source = forms.ChoiceField(
        label=_("How did you obtain the contact's details?"), choices=ProvisionRecord.Acquisition.choices
    )
    contact_consent = contact_consent_field()
    field_order = [
        *CUSTOMER_FIELDS,
        "contact_source",
        "contact_consent",
    ]

    def __init__(self, *args, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = True
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        # Campaigns live in a higher app; reach its queries through the related model.
        campaigns = Deal._meta.get_field("campaign").related_model
        self.fields["campaign"].queryset = (
            campaigns.objects.open_for_deals(partner) if partner else campaigns.objects.none()
        )
        self.fields["product"].label_from_instance = lambda p: p.label
        self.fields["amount"].min_value = 0
        if not (translation.get_language() or "").startswith("ja"):
            # Readings (フリガナ) are for Japanese names; they are suggested automatically anyway.
            del self.fields["customer_company_kana"], self.fields["contact_name_kana"]

    def clean_customer_company(self):
        value = self.cleaned_data["customer_company"].strip()
        if not company_key(value):
            raise forms.ValidationError(_("Enter the customer's company name."))
        return value

    def clean_customer_domain(self):
        domain = domain_key(self.cleaned_data["customer_domain"])
        if "." not in domain or " " in domain:
            raise forms.ValidationError(_("Enter the customer's web domain, for example example.co.jp."))
        return domain

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("Enter an amount greater than zero."))
        return amount

    def clean_expected_close_date(self):
        value: date = self.cleaned_data["expected_close_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The expected close date cannot be in the past."))
        return value


class DealUpdateForm(forms.ModelForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=[(s.value, s.label) for s in Deal.OPEN_STAGES])
    contact_consent = contact_consent_field(required=False)
    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
    # What `deal_update` changes; the contact's consent is asked right after the contact.
    field_order = [*(name for name in EDITABLE_FIELDS if name != "notes"), "contact_consent", "notes"]

    class Meta:
        model = Deal
        fields = list(EDITABLE_FIELDS)
        widgets = {"expected_close_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("Enter an amount greater than zero."))
        return amount

    def clean(self):
        data = super().clean()
        changed = [f for f in self.CONTACT_FIELDS if f in self.changed_data and data.get(f)]
        if changed and not data.get("contact_consent"):
            self.add_error(
                "contact_consent",
                _("A changed contact needs the person's consent before you pass it on to us."),
            )
        return data


class DealCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("won", _("Won")), ("lost", _("Lost"))], widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Final amount"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Won deals: the contract amount, if it differs from the registered amount."),
    )
    reason = forms.CharField(label=_("Reason lost"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, deal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deal = deal
        if deal is not None and deal.approved_amount is not None:
            self.fields["amount"].help_text = _(
                "Won deals: the contract amount, if it differs from the registered amount. Up to the "
                "approved %(approved)s %(currency)s it counts at once; above it (at most %(ceiling)s) your "
                "channel manager reviews it first."
            ) % {
                "approved": intcomma(int(deal.approved_amount)),
                "currency": deal.approved_currency or deal.currency,
                "ceiling": intcomma(int(won_amount_ceiling(deal))),
            }

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "lost" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Tell us briefly why the deal was lost."))
        amount = data.get("amount")
        if data.get("outcome") == "won" and amount is not None and self.deal is not None:
            ceiling = won_amount_ceiling(self.deal)
            if ceiling is not None and amount > ceiling:
                self.add_error("amount", won_ceiling_message(self.deal, ceiling))
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection; the partner sees it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the rejection."))
        return data


class OptInForm(forms.Form):
    opted_in = forms.BooleanField(label=_("Show our company name on the leaderboard"), required=False)


class ExtensionRequestForm(forms.Form):
    expected_close_date = forms.DateField(
        label=_("New expected close date"),
        widget=DateInput(),
        help_text=_("When you now expect the customer to decide."),
    )
    reason = forms.CharField(
        label=_("Why does the deal need more time?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your channel manager reads this when deciding."),
    )

    def clean_expected_close_date(self):
        value = self.cleaned_data["expected_close_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The new expected close date must not be in the past."))
        return value


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Extend the protection")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    protected_until = forms.DateField(
        label=_("New protection end date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the tier's protection days from the current end date."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining; the partner sees it."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for declining."))
        return data


class DealCreditForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=None,
        help_text=_("A partner listed in the partner directory that helped with this deal."),
    )
    role = forms.ChoiceField(label=pgettext_lazy("deal credit", "Role"), choices=DealCredit.Role.choices)

    def __init__(self, *args, partners, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        if staff:
            self.fields["partner"].help_text = _("A partner you manage that helped with this deal.")
        self.fields["partner"].empty_label = _("Choose a partner")
