"""Training's forms: the quiz (one radio group per question), an exercise submission and the
reviewer's grading against the rubric."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.files import uploads
from prm.files.forms import MultipleFilesField
from prm.text.weburl import WebURLFormField


def quiz_form(course, data=None):
    """A form with one radio group per quiz question."""
    fields = {}
    for question in course.questions.all():
        fields[f"q{question.pk}"] = forms.TypedChoiceField(
            label=question.text,
            choices=[(c.pk, c.text) for c in question.choices.all()],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            error_messages={"required": _("Choose an answer.")},
        )
    form_class = type("QuizForm", (forms.Form,), fields)
    return form_class(data)


# --- Hands-on exercises ---------------------------------------------------------------

EXERCISE_FILE_TYPES = {
    ext: uploads.TYPES[ext]
    for ext in (".pdf", ".png", ".jpg", ".jpeg", ".txt", ".csv", ".docx", ".xlsx", ".pptx", ".zip")
}
EXERCISE_MAX_FILES = 5


def exercise_max_bytes() -> int:
    return settings.PRM_EXERCISE_FILE_MAX_BYTES


def check_exercise_file(upload) -> str:
    """The content type of an allowed exercise file (by content, size and pixels)."""
    return uploads.validate_upload(
        upload, extensions=EXERCISE_FILE_TYPES, max_bytes=exercise_max_bytes()
    ).content_type


class ExerciseSubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    link = WebURLFormField(
        label=_("Link"),
        required=False,
        help_text=_("A web address of your work (a repository, a demo, a document)."),
    )
    files = MultipleFilesField(
        label=_("Files"), required=False, check=check_exercise_file, max_files=EXERCISE_MAX_FILES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("Optional. Up to %(n)d files of %(max)s each: %(types)s.") % {
            "n": EXERCISE_MAX_FILES,
            "max": filesizeformat(exercise_max_bytes()),
            "types": ", ".join(sorted(ext.lstrip(".") for ext in EXERCISE_FILE_TYPES)),
        }

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text", "").strip() or data.get("link") or data.get("files")):
            raise ValidationError(_("Write an answer, give a link or attach a file."))
        return data


class ExerciseReviewForm(forms.Form):
    """One checkbox per rubric criterion, the decision and the feedback."""

    PASS, RETURN = "pass", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PASS, pgettext_lazy("exercise decision", "Pass")), (RETURN, _("Return with feedback"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    feedback = forms.CharField(
        label=_("Feedback for the learner"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when you return the work: say what to change."),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        criterion_fields = {
            f"c{i}": forms.BooleanField(label=text, required=False) for i, text in enumerate(self.criteria)
        }
        self.fields = {**criterion_fields, **self.fields}

    def met(self) -> list[bool]:
        return [bool(self.cleaned_data.get(f"c{i}")) for i in range(len(self.criteria))]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["decision"] == self.PASS and not all(self.met()):
            raise ValidationError(_("A submission passes only when every criterion is met."))
        if data["decision"] == self.RETURN and not data.get("feedback", "").strip():
            self.add_error("feedback", _("Say what to change: returned work needs feedback."))
        return data
