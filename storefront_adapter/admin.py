from django.contrib import admin

from .models import SaleorInstallation, WebhookDelivery


@admin.register(SaleorInstallation)
class SaleorInstallationAdmin(admin.ModelAdmin):
    """Read-only, and never the token: installing the App in Saleor is the only way in."""

    list_display = ("api_url", "app_id", "installed_at", "updated_at")
    fields = ("api_url", "app_id", "installed_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "event", "installation", "received_at", "processed_at")
    list_filter = ("event", ("processed_at", admin.EmptyFieldListFilter))
    list_select_related = ("installation",)
    date_hierarchy = "received_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
