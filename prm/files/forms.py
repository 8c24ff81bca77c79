"""One form field for several uploads in one input (thread attachments, MDF claim files,
exercise submissions): each file is checked by the caller's `check` (the app's use of
`prm.files.uploads.validate_upload`), and every file's errors are shown together."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFilesField(forms.FileField):
    """Cleans to a list of (upload, what `check(upload)` returned); `check` raises
    ValidationError for a file it refuses. At most `max_files` files."""

    def __init__(self, *args, check, max_files: int, **kwargs):
        self.check, self.max_files = check, max_files
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_files:
            raise ValidationError(_("Attach at most %(n)d files.") % {"n": self.max_files})
        cleaned, errors = [], []
        for upload in files:
            try:
                upload = super().clean(upload, initial)
                cleaned.append((upload, self.check(upload)))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned
