from django.apps import AppConfig


class StorefrontAdapterConfig(AppConfig):
    name = "storefront_adapter"
    label = "storefront"
    verbose_name = "Kết nối Saleor"

    def ready(self):
        from . import (
            catalogue_receivers,  # noqa: F401  (a listing taken off sale leaves the catalogue)
            receivers,  # noqa: F401  (a vendor's warehouse when it is approved)
            sync_receivers,  # noqa: F401  (an outbox row enqueues its listing's sync)
        )
