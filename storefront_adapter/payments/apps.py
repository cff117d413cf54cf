from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "storefront_adapter.payments"
    label = "storefront_payments"
    verbose_name = "Thanh toán thẻ (Stripe)"
    default_auto_field = "django.db.models.BigAutoField"
