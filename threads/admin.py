from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from prm.access.admin_mixins import PartnerScopedAdminMixin, run_service_action
from threads import services
from threads.models import Attachment, Message, Thread


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ["kind", "author", "by_staff", "body", "created_at"]
    readonly_fields = ["author", "by_staff", "created_at"]


@admin.register(Thread)
class ThreadAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "partner", "category", "status", "assignee", "created_at", "first_response_at"]
    list_filter = ["status", "category"]
    search_fields = ["subject", "partner__name"]
    raw_id_fields = ["partner", "author", "assignee", "last_public_by"]
    # Open/closed changes go through the actions (services, audited).
    readonly_fields = [
        "status",
        "created_at",
        "updated_at",
        "first_response_at",
        "closed_at",
        "last_public_at",
    ]
    inlines = [MessageInline]
    actions = ["close_selected", "reopen_selected"]

    @admin.action(description=_("Close selected questions"), permissions=["change"])
    def close_selected(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda thread: services.thread_close(thread=thread, actor=request.user),
            errors=(services.ThreadError,),
            done_message=_("%(n)d questions closed."),
        )

    @admin.action(description=_("Reopen selected questions"), permissions=["change"])
    def reopen_selected(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset,
            lambda thread: services.thread_reopen(thread=thread, actor=request.user),
            errors=(services.ThreadError,),
            done_message=_("%(n)d questions reopened."),
        )


@admin.register(Attachment)
class AttachmentAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    partner_path = "message__thread__partner"
    # Private files have no public URL: staff open them from the thread page.
    fields = ["name", "content_type", "size", "message"]
    readonly_fields = ["name", "content_type", "size"]

    list_display = ["name", "content_type", "size", "message"]
    raw_id_fields = ["message"]
