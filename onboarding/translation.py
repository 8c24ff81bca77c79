"""Bilingual records of onboarding (django-modeltranslation): what channel managers define has
a Japanese and an English value; the reader's language is shown, falling back to the other."""

from modeltranslation.translator import TranslationOptions, register

from onboarding.models import ChecklistTemplate, OnboardingTask, TemplateTask

# Certifications are training's (training/translation.py).


@register(ChecklistTemplate)
class ChecklistTemplateTranslation(TranslationOptions):
    fields = ("name", "description")


@register(TemplateTask)
class TemplateTaskTranslation(TranslationOptions):
    fields = ("title", "description")


@register(OnboardingTask)
class OnboardingTaskTranslation(TranslationOptions):
    # A plan task is a copy of its template task, both languages included.
    fields = ("title", "description")
