from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from imports.models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or Shift_JIS) or Excel (.xlsx), headers in Japanese or English, at most %(size)s MB."
        )
        % {"size": settings.PRM_IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class OutcomeFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All rows")),
            ("new", pgettext_lazy("import outcome", "New")),
            ("update", pgettext_lazy("import outcome", "Update")),
            ("skip", pgettext_lazy("import outcome", "Unchanged")),
            ("error", pgettext_lazy("import outcome", "Errors")),
        ],
    )
