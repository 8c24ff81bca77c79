from django.contrib import admin

from prm.admin_mixins import PartnerScopedAdminMixin
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
    readonly_fields = ["created_at", "updated_at", "first_response_at", "closed_at", "last_public_at"]
    inlines = [MessageInline]


@admin.register(Attachment)
class AttachmentAdmin(PartnerScopedAdminMixin, admin.ModelAdmin):
    partner_path = "message__thread__partner"
    # Private files have no public URL: staff open them from the thread page.
    fields = ["name", "content_type", "size", "message"]
    readonly_fields = ["name", "content_type", "size"]

    list_display = ["name", "content_type", "size", "message"]
    raw_id_fields = ["message"]
