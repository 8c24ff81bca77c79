"""Bilingual records of recruitment (django-modeltranslation): ideal partner profiles."""

from modeltranslation.translator import TranslationOptions, register

from partners.models import IdealProfile


@register(IdealProfile)
class IdealProfileTranslation(TranslationOptions):
    fields = ("name", "goal")
