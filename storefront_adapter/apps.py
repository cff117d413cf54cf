from django.apps import AppConfig


class StorefrontAdapterConfig(AppConfig):
    name = "storefront_adapter"
    label = "storefront"
    verbose_name = "Kết nối Saleor"
