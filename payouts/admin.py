"""Payouts in the admin: read-only records under the partner scope. Decisions (approving a
profile or a statement, transfer files, payments) go through the finance pages, which call
the services; the admin shows what was decided."""

from django.contrib import admin

from payouts.models import PayeeProfile, Payout, PayoutLine, TransferBatch
from prm.access.admin_mixins import AuditedAdminMixin, PartnerScopedAdminMixin, ReadOnlyAdminMixin


@admin.register(PayeeProfile)
class PayeeProfileAdmin(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "legal_name", "registration_number", "status", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["partner__name", "legal_name", "registration_number"]


class PayoutLineInline(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.TabularInline):
    partner_path = "payout__partner"
    model = PayoutLine
    extra = 0
    fields = ["transaction_date", "kind", "description", "rate", "amount", "earning"]
    readonly_fields = fields


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "period", "status", "net_standard", "tax_standard", "total", "paid_on"]
    list_filter = ["status", "period"]
    search_fields = ["partner__name", "registration_number"]
    inlines = [PayoutLineInline]


@admin.register(PayoutLine)
class PayoutLineAdmin(ReadOnlyAdminMixin, PartnerScopedAdminMixin, admin.ModelAdmin):
    partner_path = "payout__partner"
    list_display = ["payout", "transaction_date", "kind", "description", "rate", "amount"]
    list_filter = ["kind", "rate"]


@admin.register(TransferBatch)
class TransferBatchAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "transfer_date", "count", "total", "created_by", "created_at"]
    exclude = ["content"]
