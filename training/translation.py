"""Bilingual records of training (django-modeltranslation): a certification's name and
description have a Japanese and an English value; the reader's language is shown, falling
back to the other.

Courses (and their lessons and quizzes) are written in one language each, like library assets:
they carry a language and are shown with a language badge rather than translated field by field."""

from modeltranslation.translator import TranslationOptions, register

from training.models import Certification


@register(Certification)
class CertificationTranslation(TranslationOptions):
    fields = ("name", "description")
