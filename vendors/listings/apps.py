from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "vendors.listings"
    label = "listings"
    verbose_name = "Sản phẩm đăng bán"

    def ready(self):
        from . import receivers  # noqa: F401  (re-check listings when a certificate or vendor changes)
