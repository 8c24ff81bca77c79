from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.files.forms import MultipleFilesField
from threads import about as about_mod
from threads.models import Category, Message, Thread
from threads.queries import assignable_staff, staff_can_see_partner, staff_for_partner
from threads.validators import MAX_FILES, allowed_extensions_display, max_bytes, validate_attachment


class AttachmentsField(MultipleFilesField):
    """Several files in one input; each is validated by type (content) and size.
    Cleans to a list of (file, content_type)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, check=validate_attachment, max_files=MAX_FILES, **kwargs)


def attachments_help():
    return _("Optional. Up to %(n)d files of %(max)s each: %(types)s.") % {
        "n": MAX_FILES,
        "max": filesizeformat(max_bytes()),
        "types": allowed_extensions_display(),
    }


MAX_BODY = 20000
MARKDOWN_HELP = _("Markdown is supported: **bold**, lists, `code` and links.")


class ThreadForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    body = forms.CharField(
        label=_("Your question"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    attachments = AttachmentsField(label=_("Attachments"))
    about = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.fields["attachments"].help_text = attachments_help()

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise ValidationError(_("Enter a subject."))
        return subject

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write your question."))
        return body

    def clean_about(self):
        # Unknown, unavailable or another partner's objects are silently dropped.
        return about_mod.resolve(self.cleaned_data.get("about", ""), partner=self.partner)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    attachments = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write a message."))
        return body


class StaffThreadForm(ReplyForm):
    """A new thread a staff member writes to a partner (partner 360's "Message")."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.OTHER)
    field_order = ["subject", "category", "body", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["rows"] = 8

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise ValidationError(_("Enter a subject."))
        return subject


class StaffReplyForm(ReplyForm):
    kind = forms.ChoiceField(
        label=_("Send as"),
        choices=[
            (Message.Kind.PUBLIC, _("Public reply (the partner sees it and is notified)")),
            (Message.Kind.INTERNAL, _("Internal note (staff only, never shown to the partner)")),
        ],
        initial=Message.Kind.PUBLIC,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    awaiting_partner = forms.BooleanField(
        label=_("Waiting for the partner (I asked them something)"), required=False
    )
    field_order = ["kind", "body", "attachments", "awaiting_partner"]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=assignable_staff(),
        required=False,
        empty_label=_("Unassigned"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, thread: Thread, **kwargs):
        super().__init__(*args, **kwargs)
        self.thread = thread
        self.fields["assignee"].queryset = staff_for_partner(thread.partner)

    def clean_assignee(self):
        assignee = self.cleaned_data["assignee"]
        if assignee is not None and not staff_can_see_partner(assignee, self.thread.partner_id):
            raise ValidationError(_("This person cannot see this partner's questions."))
        return assignee


class MetricsForm(forms.Form):
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
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("The start date must be before the end date."))
        return data

    def period(self):
        """(start, end) as aware datetimes; default: the last 12 weeks."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(weeks=12)
        tz = timezone.get_current_timezone()

        return (
            datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
            start,
            end,
        )
