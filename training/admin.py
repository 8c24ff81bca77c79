"""Training in the admin: courses with their lessons, quiz questions with their choices,
certifications, earned certificates (scoped to the manager's partners) and, for superusers
only, external LMSs and their events."""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from prm.access.admin_mixins import (
    AuditedAdminMixin,
    PartnerScopedAdminMixin,
    SuperuserOnlyAdminMixin,
)
from training import services
from training.models import (
    Certification,
    Choice,
    Course,
    ExternalLMS,
    Lesson,
    LmsEvent,
    Question,
    UserCertification,
)


class LessonInline(admin.StackedInline):
    model = Lesson
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    fields = ["position", "title", "kind", "body", "video_url", "rubric", "reviewer"]


@admin.register(Course)
class CourseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "language", "is_published", "pass_mark", "external_lms", "position"]
    list_filter = ["is_published", "language", "external_lms"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 3
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "course", "position"]
    list_filter = ["course"]
    search_fields = ["text"]
    inlines = [ChoiceInline]


@admin.register(Certification)
class CertificationAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "validity_months"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["courses"]


@admin.register(UserCertification)
class UserCertificationAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["certification", "user", "partner", "issued_on", "valid_until", "revoked"]
    list_filter = ["certification", "revoked"]
    search_fields = ["user__email", "partner__name", "code"]
    autocomplete_fields = ["user", "partner"]
    readonly_fields = ["code"]
    list_select_related = ["certification", "user", "partner"]


@admin.register(ExternalLMS)
class ExternalLMSAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    """Superusers only: an LMS can certify people. Its shared secret is shown once, when it
    is made (on adding, or with the "new secret" action), and never stored."""

    list_display = [
        "name",
        "slug",
        "is_active",
        "serves_all_partners",
        "secret_fingerprint",
        "secret_rotated_at",
    ]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "is_active",
        "serves_all_partners",
        "partners",
        "webhook_url",
        "secret_fingerprint",
        "secret_rotated_at",
    ]
    readonly_fields = ["webhook_url", "secret_fingerprint", "secret_rotated_at"]
    autocomplete_fields = ["partners"]
    actions = ["rotate_secret"]

    @admin.display(description=_("webhook address"))
    def webhook_url(self, obj):
        if obj is None or not obj.slug:
            return "—"
        return settings.SITE_URL + reverse("training:lms_webhook", args=[obj.slug])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            request.new_lms_secrets = [(obj, services.lms_secret_rotate(lms=obj, actor=request.user))]

    def response_add(self, request, obj, post_url_continue=None):
        secrets_made = getattr(request, "new_lms_secrets", None)
        if secrets_made:
            return self._show_secrets(request, secrets_made)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Make a new shared secret (the current one stops working)"))
    def rotate_secret(self, request, queryset):
        if request.POST.get("apply") != "1":
            return TemplateResponse(
                request,
                "training/admin/lms_rotate_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "objects": queryset,
                    "opts": self.model._meta,
                    "title": _("Make a new shared secret"),
                },
            )
        made = [(lms, services.lms_secret_rotate(lms=lms, actor=request.user)) for lms in queryset]
        return self._show_secrets(request, made)

    def _show_secrets(self, request, made):
        response = TemplateResponse(
            request,
            "training/admin/lms_secret.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Shared secret"),
                "rows": [(lms, self.webhook_url(lms), secret) for lms, secret in made],
            },
        )
        add_never_cache_headers(response)
        return response


class OutcomeFilter(admin.AllValuesFieldListFilter):
    """Every outcome, with the empty one named (a filter link without text has no name)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "":
                choice["display"] = self.empty_value_display
            yield choice


@admin.register(LmsEvent)
class LmsEventAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "lms", "received_at", "outcome"]
    list_filter = ["lms", ("outcome", OutcomeFilter)]
    readonly_fields = ["lms", "event_id", "received_at", "payload", "outcome"]
