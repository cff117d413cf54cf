from django.contrib import admin

from .models import Listing, OutboxEvent, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("name", "sku", "price_vnd", "stock", "weight_grams", "limit_per_customer")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    """Read-only: listings change through the vendor portal and the certification gate."""

    list_display = ("title", "vendor", "certificate", "status", "hidden_reason", "updated_at")
    list_filter = ("status", "hidden_by")
    search_fields = ("title", "vendor__name", "certificate__number")
    list_select_related = ("vendor", "certificate")
    inlines = [VariantInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Listing._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("id", "listing", "kind", "created_at", "processed_at")
    list_filter = ("kind", "processed_at")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in OutboxEvent._meta.fields]

    def has_add_permission(self, request):
        return False
