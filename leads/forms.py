from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incentives.models import Product
from incentives.normalise import domain_key
from leads.models import Lead
from prm.models import User
from prm.ui.widgets import DateInput


class LeadForm(forms.ModelForm):
    """A manager records a lead (readings are suggested from the names when left empty)."""

    class Meta:
        model = Lead
        fields = [
            "company",
            "company_kana",
            "contact_name",
            "contact_name_kana",
            "contact_email",
            "contact_phone",
            "need",
            "region",
            "product",
            "value_estimate_jpy",
            "source",
        ]
        widgets = {"need": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = True
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        self.fields["value_estimate_jpy"].min_value = 0


class OfferForm(forms.Form):
    """Offer by hand to one partner, or let the routing rules choose."""

    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None, required=False)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The channel manager sees it; the lead goes to another partner."),
    )


class StatusForm(forms.Form):
    STATUSES = [
        (Lead.Status.CONTACTED, _("Contacted")),
        (Lead.Status.QUALIFIED, _("Qualified")),
        (Lead.Status.DISQUALIFIED, _("Disqualified")),
    ]
    status = forms.ChoiceField(label=_("New status"), choices=STATUSES)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Required when you disqualify the lead: say why."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            membership__partner=partner, membership__is_active=True, is_active=True
        ).order_by("email")


class ConvertForm(forms.Form):
    """What a deal registration needs beyond the lead: the customer's domain, the product,
    the amount and the expected close date."""

    customer_domain = forms.CharField(
        label=_("Customer domain"), max_length=200, help_text=_("For example example.co.jp")
    )
    product = forms.ModelChoiceField(
        label=_("Product / solution"), queryset=Product.objects.filter(is_active=True)
    )
    amount = forms.DecimalField(label=_("Amount (JPY)"), min_value=1, max_digits=14, decimal_places=0)
    expected_close_date = forms.DateField(label=_("Expected close date"), widget=DateInput())

    def clean_customer_domain(self):
        value = domain_key(self.cleaned_data["customer_domain"])
        if "." not in value:
            raise forms.ValidationError(_("Enter the customer's domain, for example example.co.jp."))
        return value

    def clean_expected_close_date(self):
        value = self.cleaned_data["expected_close_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The expected close date cannot be in the past."))
        if value > timezone.localdate() + timedelta(days=3 * 365):
            raise forms.ValidationError(_("The expected close date is more than three years away."))
        return value
