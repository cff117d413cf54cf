from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "marketplace.shop"
    label = "shop"
    verbose_name = "Cửa hàng (người mua)"
