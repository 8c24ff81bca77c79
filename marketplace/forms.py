from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from incentives.models import Product
from marketplace.models import Listing
from partners.models import Industry
from prm.files.uploads import validate_upload

SCREENSHOT_TYPES = {".png", ".jpg", ".jpeg", ".webp"}
SCREENSHOT_MAX_BYTES = 2 * 1024 * 1024
SCREENSHOT_MAX_PIXELS = 12_000_000


class ListingForm(forms.ModelForm):
    """A listing's text and tags. Both languages are needed to submit; a draft may be saved
    with one (the services check again)."""

    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        queryset=Product.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries"),
        queryset=Industry.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Listing
        fields = [
            "name_ja",
            "name_en",
            "description_ja",
            "description_en",
            "products",
            "industries",
            "pricing_model",
            "pricing_note",
            "contact_name",
            "contact_email",
            "contact_url",
        ]
        labels = {
            "name_ja": _("Name (Japanese)"),
            "name_en": _("Name (English)"),
            "description_ja": _("Description (Japanese)"),
            "description_en": _("Description (English)"),
        }
        widgets = {
            "description_ja": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "description_en": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].label_from_instance = lambda obj: obj.label
        self.fields["industries"].label_from_instance = lambda obj: obj.name
        for name in ("name_ja", "name_en", "description_ja", "description_en"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if not (data.get("name_ja") or data.get("name_en")):
            self.add_error("name_ja", _("Give the listing a name in Japanese or English."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name) or "" for name in self.Meta.fields if name not in ("products", "industries")
        }


class ScreenshotForm(forms.Form):
    image = forms.FileField(
        label=_("Screenshot"),
        help_text=_("PNG, JPEG or WebP, up to %(max)s.") % {"max": filesizeformat(SCREENSHOT_MAX_BYTES)},
    )
    caption = forms.CharField(
        label=_("Caption"),
        max_length=200,
        help_text=_("What the screenshot shows, in a few words (read aloud by screen readers)."),
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.checked = validate_upload(
            upload,
            extensions=SCREENSHOT_TYPES,
            max_bytes=SCREENSHOT_MAX_BYTES,
            max_pixels=SCREENSHOT_MAX_PIXELS,
        )
        return upload


class BadgeForm(forms.Form):
    show_badges = forms.BooleanField(
        label=_("Show our certification and tier badges in the public partner directory"), required=False
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the partner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you return the listing."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what should change: the partner reads your comment."))
        return data
