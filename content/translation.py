"""Bilingual records of the library (django-modeltranslation): collection and tag names.
Assets themselves are written in one language each and linked as translations of one another
(Asset.translation_of)."""

from modeltranslation.translator import TranslationOptions, register

from content.models import Collection, Tag


@register(Collection)
class CollectionTranslation(TranslationOptions):
    fields = ("name",)


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None  # the name is unique: an empty translation is NULL, not ""
