from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from onboarding import services
from onboarding.models import (
    ChecklistTemplate,
    OnboardingPlan,
    OnboardingTask,
    ReminderLog,
    TaskSubmission,
    TemplateTask,
    validate_task_link,
)
from prm.access.admin_mixins import (
    AuditedAdminMixin,
    PartnerScopedAdminMixin,
    reason_action,
    run_service_action,
)


class TemplateTaskInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        target = self.instance.target_days
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            obj = form.instance
            for field in ("kind", "due_offset_days", "asset", "course", "certification"):
                if field in form.cleaned_data:
                    setattr(obj, field, form.cleaned_data[field])
            try:
                validate_task_link(obj, target_days=target)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field, error)


class TemplateTaskInline(TranslationTabularInline):
    model = TemplateTask
    formset = TemplateTaskInlineFormSet
    extra = 1
    fields = [
        "position",
        "pillar",
        "title",
        "kind",
        "due_offset_days",
        "asset",
        "course",
        "certification",
        "description",
    ]
    autocomplete_fields = ["course", "certification"]
    raw_id_fields = ["asset"]
    ordering = ["position", "id"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedAdminMixin, TranslationAdmin):
    list_display = ["name", "partner_type", "target_days", "is_active", "task_count", "updated_at"]
    list_filter = ["partner_type", "is_active"]
    search_fields = ["name"]
    inlines = [TemplateTaskInline]

    @admin.display(description=_("tasks"))
    def task_count(self, obj):
        return obj.tasks.count()


class PlanStartAdminForm(forms.ModelForm):
    class Meta:
        model = OnboardingPlan
        fields = ["partner", "owner"]
        help_texts = {"owner": _("Leave empty to assign the channel manager with the fewest open plans.")}

    def clean(self):
        data = super().clean()
        partner = data.get("partner")
        if partner and partner.onboarding_plans.filter(status=OnboardingPlan.Status.RUNNING).exists():
            raise ValidationError(_("This partner already has a running onboarding plan."))
        if partner and services.active_template(partner.partner_type) is None:
            raise ValidationError(_("There is no active checklist template for this partner type."))
        return data


class OnboardingTaskInline(PartnerScopedAdminMixin, TranslationTabularInline):
    partner_path = "plan__partner"

    model = OnboardingTask
    extra = 0
    fields = ["position", "pillar", "title", "kind", "due_date", "status", "completed_at", "completed_by"]
    readonly_fields = ["status", "completed_at", "completed_by"]
    show_change_link = True


@admin.register(OnboardingPlan)
class OnboardingPlanAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "owner", "status", "started_on", "target_date", "completed_on"]
    list_filter = ["status", "partner__partner_type", "owner"]
    search_fields = ["partner__name"]
    autocomplete_fields = ["partner", "owner"]
    list_select_related = ["partner", "owner"]
    date_hierarchy = "started_on"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = PlanStartAdminForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "owner"]
        return [
            "partner",
            "template",
            "owner",
            "status",
            "started_on",
            "target_days",
            "target_date",
            "completed_on",
            "last_activity_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "partner",
            "template",
            "status",
            "started_on",
            "target_days",
            "target_date",
            "completed_on",
            "last_activity_at",
        ]

    def get_inlines(self, request, obj):
        return [OnboardingTaskInline] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Starting from the admin copies the template exactly like the staff page does.
        plan = services.plan_start(partner=obj.partner, actor=request.user, owner=obj.owner)
        obj.pk = plan.pk
        obj.__dict__.update({k: v for k, v in plan.__dict__.items() if not k.startswith("_")})
        messages.info(request, _("The plan was started from the partner type's checklist template."))

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(OnboardingTask)
class OnboardingTaskAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    partner_path = "plan__partner"
    list_display = ["title", "plan", "pillar", "kind", "due_date", "status", "completed_at"]
    list_filter = ["status", "kind", "pillar"]
    search_fields = ["title", "plan__partner__name"]
    list_select_related = ["plan__partner"]
    fields = [
        "plan",
        "position",
        "pillar",
        "title",
        "kind",
        "description",
        "due_date",
        "status",
        "completed_at",
        "completed_by",
    ]
    readonly_fields = ["plan", "kind", "status", "completed_at", "completed_by"]
    actions = ["complete_selected"]

    def has_add_permission(self, request):
        return False  # tasks are copied from the checklist template when a plan starts

    @admin.action(description=_("Complete selected sign-off tasks"), permissions=["change"])
    def complete_selected(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("plan"),
            lambda task: services.task_sign_off(task=task, actor=request.user),
            errors=(services.OnboardingError,),
            done_message=_("%(n)d tasks completed."),
        )


@admin.register(TaskSubmission)
class TaskSubmissionAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    partner_path = "task__plan__partner"
    actions = ["accept_selected", "return_selected"]
    exclude = ["file"]  # private storage: no public URL for the admin's file widget

    @admin.display(description=_("document"))
    def document(self, obj):
        # Served by the staff review page's access-checked view, never from a public URL.
        if not obj.file:
            return "-"
        url = reverse("onboarding:staff_submission_file", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.file.name.rsplit("/", 1)[-1])

    def has_add_permission(self, request):
        return False  # partners upload documents from their onboarding page

    @admin.action(description=_("Accept selected documents"), permissions=["change"])
    def accept_selected(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda sub: services.submission_review(submission=sub, actor=request.user, accept=True),
            errors=(services.OnboardingError,),
            done_message=_("%(n)d documents accepted."),
        )

    @admin.action(description=_("Return selected documents"), permissions=["change"])
    def return_selected(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            lambda sub, reason: services.submission_review(
                submission=sub, actor=request.user, accept=False, comment=reason
            ),
            question=_("Return these documents? The partner sees your comment."),
            reason_label=_("What needs to change"),
            errors=(services.OnboardingError,),
            done_message=_("%(n)d documents returned."),
        )

    list_display = ["task", "submitted_by", "submitted_at", "status", "reviewed_by"]
    list_filter = ["status"]
    readonly_fields = [
        "task",
        "document",
        "submitted_by",
        "submitted_at",
        "status",
        "reviewed_by",
        "reviewed_at",
        "comment",
    ]


@admin.register(ReminderLog)
class ReminderLogAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    partner_path = ("plan__partner", "task__plan__partner", "user_certification__partner")
    list_display = ["kind", "key", "created_at", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = [
        "kind",
        "key",
        "task",
        "plan",
        "user_certification",
        "recipient",
        "created_at",
        "sent_at",
    ]
