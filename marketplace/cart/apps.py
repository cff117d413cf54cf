from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "marketplace.cart"
    label = "cart"
    verbose_name = "Giỏ hàng và đơn hàng"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (connects the payment app's checkout_paid)
