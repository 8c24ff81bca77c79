"""Training's forms: the quiz (one radio group per question)."""

from django import forms
from django.utils.translation import gettext_lazy as _


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
