"""Bilingual records of prm (django-modeltranslation): closure day names."""

from modeltranslation.translator import TranslationOptions, register

from prm.models import ClosureDay


@register(ClosureDay)
class ClosureDayTranslation(TranslationOptions):
    fields = ("name",)
