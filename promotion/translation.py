from modeltranslation.translator import TranslationOptions, register

from promotion.models import Announcement, Campaign, OverviewVideo


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = (
        "name",
        "description",
        "goal",
        "partner_benefits",
        "partner_expectations",
        "email_subject",
        "email_body",
        "social_text",
    )


@register(Announcement)
class AnnouncementTranslation(TranslationOptions):
    fields = ("title", "body")


@register(OverviewVideo)
class OverviewVideoTranslation(TranslationOptions):
    fields = ("title", "chapters", "transcript")
