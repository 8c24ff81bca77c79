"""Bilingual text of a business plan (django-modeltranslation): both sides write it, in
Japanese and English; the reader's language is shown, falling back to the other."""

from modeltranslation.translator import TranslationOptions, register

from plans.models import BusinessPlan, PlanReview


@register(BusinessPlan)
class BusinessPlanTranslation(TranslationOptions):
    fields = ("summary", "focus")


@register(PlanReview)
class PlanReviewTranslation(TranslationOptions):
    fields = ("narrative", "agreed_actions")
