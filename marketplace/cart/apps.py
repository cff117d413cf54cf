from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "marketplace.cart"
    label = "cart"
    verbose_name = "Giỏ hàng và đơn hàng"
