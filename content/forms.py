from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content import files
from content.models import Asset, Stage
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
