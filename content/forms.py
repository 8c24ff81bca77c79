from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content import files
from content.models import Asset, Contribution, Stage
from incentives.models import Tier
from partners.models import PartnerType
from prm.text.weburl import WebURLFormField


class AssetAdminForm(forms.ModelForm):
    """Channel managers' asset form: stages and partner types as checkboxes, a file upload
    that becomes a new version, and the rules for each kind and status."""

    stages = forms.MultipleChoiceField(
        label=_("stages"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple
    )
    partner_types = forms.MultipleChoiceField(
        label=_("partner types"),
        choices=PartnerType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty for every partner type."),
    )
    url = WebURLFormField(label=_("link or video URL"), required=False)
    upload = forms.FileField(
        label=_("upload a file"),
        required=False,
        help_text=_("A new upload becomes the current version; earlier versions are kept."),
    )
    version_note = forms.CharField(label=_("change note"), max_length=200, required=False)

    class Meta:
        model = Asset
        fields = [
            "title",
            "summary",
            "kind",
            "language",
            "source",
            "author",
            "collection",
            "tags",
            "body",
            "url",
            "stages",
            "partner_types",
            "min_tier",
            "shared_only",
            "status",
            "publish_at",
            "published_at",
        ]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.checked_upload = files.check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        kind, status = data.get("kind"), data.get("status")
        upload = data.get("upload")
        has_file = bool(upload) or bool(self.instance.pk and self.instance.current_version_id)
        if kind == Asset.Kind.ARTICLE and not (data.get("body") or "").strip():
            self.add_error("body", _("A knowledge article needs a body."))
        if kind == Asset.Kind.FILE and not has_file:
            self.add_error("upload", _("Upload the file for this asset."))
        if kind == Asset.Kind.LINK and not data.get("url"):
            self.add_error("url", _("A link or tool needs its URL."))
        if kind == Asset.Kind.VIDEO and not (data.get("url") or has_file):
            self.add_error("url", _("Give the video's URL or upload the video file."))
        if upload and getattr(self, "checked_upload", None):
            ftype = self.checked_upload.file_type
            if kind == Asset.Kind.VIDEO and ftype != "video":
                self.add_error("upload", _("Upload a video file (MP4 or WebM) for a video."))
            if kind == Asset.Kind.FILE and ftype == "video":
                self.add_error("upload", _("Videos belong to an asset of kind Video."))
        if status == Asset.Status.PUBLISHED and not data.get("published_at"):
            data["published_at"] = timezone.now()
        if status == Asset.Status.SCHEDULED:
            publish_at = data.get("publish_at")
            if not publish_at:
                self.add_error("publish_at", _("Choose when the asset is to be published."))
            elif publish_at <= timezone.now() and not (
                self.instance.pk and self.instance.publish_at == publish_at
            ):
                self.add_error("publish_at", _("The publication time must be in the future."))
        return data


class ContributionTextForm(forms.Form):
    """What the library shows of a contribution: its contributor writes it, its reviewer edits it."""

    title = forms.CharField(label=_("title"), max_length=200)
    summary = forms.CharField(
        label=_("summary"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("body (Markdown)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    language = forms.ChoiceField(label=_("language"), choices=Asset.Language.choices)


class ContributionForm(ContributionTextForm):
    """A contribution from a partner's user or a staff member: text, a file, or both."""

    kind = forms.ChoiceField(label=_("kind"), choices=Contribution.Kind.choices)
    upload = forms.FileField(label=_("file"), required=False)
    field_order = ["kind", "title", "summary", "body", "language", "upload"]

    def __init__(self, *args, resubmit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("The content itself, or notes on the attached file.")
        self.fields["upload"].help_text = _("PDF, Office files, images or video: %(types)s.") % {
            "types": files.allowed_extensions_text()
        }
        if resubmit:
            del self.fields["kind"]
            self.fields["upload"].label = _("new file (optional)")

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            files.check_upload(upload)
        return upload


class ContributionReviewForm(ContributionTextForm):
    """A channel manager's decision: edit and approve with the audience, or return."""

    APPROVE, RETURN = "approve", "return"

    stages = forms.MultipleChoiceField(
        label=_("stages"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    partner_types = forms.MultipleChoiceField(
        label=_("partner types"),
        choices=PartnerType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty for every partner type."),
    )
    min_tier = forms.ModelChoiceField(label=_("minimum tier"), queryset=Tier.objects.all(), required=False)
    comment = forms.CharField(
        label=_("comment to the contributor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the contribution: say what should change."),
    )

    @classmethod
    def initial_for(cls, asset: Asset) -> dict:
        return {
            "title": asset.title,
            "summary": asset.summary,
            "body": asset.body,
            "language": asset.language,
            "stages": asset.stages,
            "partner_types": asset.partner_types,
            "min_tier": asset.min_tier_id,
        }
