"""Bilingual records of incentives (django-modeltranslation): tier names and benefits,
product and programme names; the reader's language is shown, falling back to the other."""

from modeltranslation.translator import TranslationOptions, register

from incentives.models import IncentiveProgram, Product, Tier


@register(Tier)
class TierTranslation(TranslationOptions):
    fields = ("name", "perks")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name",)


@register(IncentiveProgram)
class IncentiveProgramTranslation(TranslationOptions):
    fields = ("name", "description")
