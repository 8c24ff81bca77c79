"""Bilingual records of recruitment (django-modeltranslation): ideal partner profiles and
the programme's story on the public pages."""

from modeltranslation.translator import TranslationOptions, register

from partners.models import FAQ, IdealProfile, LandingSection, PartnerTypeStory, ProgrammeStory


@register(IdealProfile)
class IdealProfileTranslation(TranslationOptions):
    fields = ("name", "goal")


@register(ProgrammeStory)
class ProgrammeStoryTranslation(TranslationOptions):
    fields = ("hero_title", "hero_lead", "apply_intro", "benefits_title", "benefits")


@register(PartnerTypeStory)
class PartnerTypeStoryTranslation(TranslationOptions):
    fields = ("landing_text", "audience", "benefits")


@register(LandingSection)
class LandingSectionTranslation(TranslationOptions):
    fields = ("title", "body")


@register(FAQ)
class FAQTranslation(TranslationOptions):
    fields = ("question", "answer")
