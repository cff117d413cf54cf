"""The App manifest Saleor reads when the App is installed (Saleor 3.23's format:
saleor/app/manifest_schema.py and manifest_validations.py), and the registry of webhook
subscriptions it declares.

Every URL in it is absolute and built from settings.SITE_URL, never from the request's
Host header. Each webhook's subscription query is a named document in
storefront_adapter/operations/, read when the manifest is built.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse

logger = logging.getLogger(__name__)

# The version of the App's contract with Saleor (this manifest and its webhooks).
APP_VERSION = "0.1.0"
# Written and tested against Saleor 3.23's schema; Saleor refuses the install otherwise.
REQUIRED_SALEOR_VERSION = "^3.23.0"
OPERATIONS_DIR = Path(__file__).resolve().with_name("operations")

# Only what the App uses. Saleor grants what the installing staff member chooses in
# appInstall (it replaces this list with those), so this is the list to choose from.
PERMISSIONS = [
    # Products, variants, stock, product channel listings (publish/unpublish by the
    # certification gate), each vendor's warehouse (createWarehouse), PRODUCT_* payloads.
    "MANAGE_PRODUCTS",
    # The OCOP attributes (stars, certificate number, expiry, issuing level, producer)
    # and the product types that carry them.
    "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES",
    # Adding a vendor's warehouse to the shop's channel (channelUpdate addWarehouses).
    "MANAGE_CHANNELS",
    # Adding a vendor's warehouse to the shipping zones it delivers to.
    "MANAGE_SHIPPING",
    # ORDER_* webhook payloads (the split per vendor) and each vendor's fulfilments.
    "MANAGE_ORDERS",
    # The card payment app (storefront_adapter.payments) on the Transactions API: Saleor
    # sends the transaction session webhooks only to an app holding it, and
    # transactionEventReport requires it.
    "HANDLE_PAYMENTS",
    # Not yet: MANAGE_DISCOUNTS when campaigns become Saleor promotions.
]


@dataclass(frozen=True)
class Subscription:
    """A webhook the App subscribes to: Saleor's asynchronous event and the name of the
    subscription document (in operations/) whose result Saleor sends as the body."""

    event: str
    operation: str

    @property
    def slug(self) -> str:
        """The event as Saleor names it in the Saleor-Event header, and in our URL."""
        return self.event.lower()

    @property
    def typename(self) -> str:
        """The GraphQL type of the event (PRODUCT_UPDATED -> ProductUpdated)."""
        return "".join(word.capitalize() for word in self.event.split("_"))


SUBSCRIPTIONS = (
    Subscription("PRODUCT_CREATED", "ProductCreatedEvent"),
    Subscription("PRODUCT_UPDATED", "ProductUpdatedEvent"),
    # The catalogue read model drops a product deleted in Saleor (storefront_adapter.catalogue).
    Subscription("PRODUCT_DELETED", "ProductDeletedEvent"),
    Subscription("ORDER_CREATED", "OrderCreatedEvent"),
    # Saleor gives a cancelled order's unfulfilled units back; so do we (order_returns).
    Subscription("ORDER_CANCELLED", "OrderCancelledEvent"),
    Subscription("ORDER_UPDATED", "OrderUpdatedEvent"),
)


# Synchronous webhooks: Saleor waits for our answer (storefront_adapter.payments.sessions).
PAYMENT_SUBSCRIPTIONS = (
    Subscription("PAYMENT_GATEWAY_INITIALIZE_SESSION", "PaymentGatewayInitializeSessionEvent"),
    Subscription("TRANSACTION_INITIALIZE_SESSION", "TransactionInitializeSessionEvent"),
    Subscription("TRANSACTION_PROCESS_SESSION", "TransactionProcessSessionEvent"),
    Subscription("TRANSACTION_REFUND_REQUESTED", "TransactionRefundRequestedEvent"),
    Subscription("TRANSACTION_CANCELATION_REQUESTED", "TransactionCancelationRequestedEvent"),
)


def subscription_for(slug: str) -> Subscription | None:
    return next((s for s in SUBSCRIPTIONS if s.slug == slug), None)


def payment_subscription_for(slug: str) -> Subscription | None:
    return next((s for s in PAYMENT_SUBSCRIPTIONS if s.slug == slug), None)


def subscription_query(operation: str) -> str | None:
    """The document operations/<operation>.graphql (one operation per file, named after
    it, with the fragments it uses), or None while it is not written yet."""
    path = OPERATIONS_DIR / f"{operation}.graphql"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def build_manifest() -> dict:
    webhooks = []
    declared = [(s, "asyncEvents", "storefront:webhook") for s in SUBSCRIPTIONS]
    declared += [(s, "syncEvents", "storefront:payment_webhook") for s in PAYMENT_SUBSCRIPTIONS]
    for subscription, kind, url_name in declared:
        query = subscription_query(subscription.operation)
        if query is None:
            # Installing without it would silently never deliver the event: say so.
            logger.warning("Manifest: no subscription document %s yet; webhook %s left out",
                           subscription.operation, subscription.event)
            continue
        webhooks.append({
            "name": subscription.operation,
            "identifier": subscription.slug,
            kind: [subscription.event],
            "query": query,
            "targetUrl": absolute_url(reverse(url_name, kwargs={"event": subscription.slug})),
            "isActive": True,
        })
    return {
        "id": settings.SALEOR_APP_ID,
        "version": APP_VERSION,
        "requiredSaleorVersion": REQUIRED_SALEOR_VERSION,
        "name": "OCOP Marketplace",
        "about": (
            "Sàn sản phẩm OCOP nhiều nhà bán: đồng bộ sản phẩm có chứng nhận OCOP còn hiệu lực, "
            "kiểm tra điều kiện đăng bán, chia đơn hàng theo nhà bán và nhận thanh toán thẻ (Stripe). "
            "Multi-vendor marketplace for Vietnam's OCOP-certified products."
        ),
        "author": "OCOP Marketplace",
        "permissions": list(PERMISSIONS),
        "appUrl": absolute_url(reverse("storefront:app")),
        "tokenTargetUrl": absolute_url(reverse("storefront:register")),
        "homepageUrl": absolute_url("/"),
        "webhooks": webhooks,
    }
