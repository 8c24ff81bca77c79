"""Bilingual text of a marketplace listing (django-modeltranslation): the partner writes its
name and description in Japanese and English; the reader's language is shown, falling back
to the other."""

from modeltranslation.translator import TranslationOptions, register

from marketplace.models import Listing


@register(Listing)
class ListingTranslation(TranslationOptions):
    fields = ("name", "description")
