"""Read-only back-office views of vendors; decisions are taken on the officers' pages."""
from django.contrib import admin

from .models import Decision, Document, Membership, Vendor


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = fields


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("created_at", "action", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("kind", "original_name", "content_type", "size", "created_at")
    readonly_fields = fields


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_number", "state", "submitted_at", "approved_at")
    list_filter = ("state", "kind")
    search_fields = ("name", "name_folded", "tax_number")
    inlines = [MembershipInline, DocumentInline, DecisionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Vendor._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
