from django.contrib import admin

from .models import PaymentAttempt, StripeEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """What Stripe and Saleor said is a record, not something to edit by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdmin):
    list_display = ("payment_intent_id", "state", "amount", "amount_refunded", "saleor_transaction_id", "created_at")
    list_filter = ("state", "livemode")
    search_fields = ("payment_intent_id", "saleor_transaction_id", "saleor_checkout_id")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("stripe_id", "type", "outcome", "created", "received_at", "reported_at", "report_attempts")
    list_filter = ("type", "outcome")
    search_fields = ("stripe_id", "attempt__payment_intent_id")
