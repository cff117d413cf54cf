"""ORDER_CREATED after our checkout and by another path: an order our admission count
admitted takes no stock again; one from elsewhere takes its stock, or, beyond stock, is
flagged to officers and the vendor, cancelled in Saleor after commit, and its buyer told."""
from __future__ import annotations

import itertools

import pytest

from storefront_adapter import checkout as service
from storefront_adapter.fake_saleor.checkout import (
    order_created_payload,
    shipping_method,
)
from storefront_adapter.models import (
    CheckoutHold,
    GateAuditEntry,
    SaleorInstallation,
    WebhookDelivery,
)
from storefront_adapter.services import webhook_delivery_process
from tests.integration.shop import address, mirror_listings, on_sale, saleor_variant
from vendors.listings.models import Variant

pytestmark = pytest.mark.django_db
_keys = itertools.count(1)


def ready_cart(fake, listing, quantity) -> str:
    mirror_listings(fake)
    checkout_id = service.checkout_line_add(checkout_id=None, variant_id=saleor_variant(fake, listing).id,
                                            quantity=quantity)
    service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address())
    service.checkout_delivery_set(checkout_id=checkout_id, shipping_method_id=shipping_method(fake)["id"])
    return checkout_id


def order_created(fake, order_id: str, capture) -> None:
    delivery = WebhookDelivery.objects.create(installation=SaleorInstallation.objects.get(), event="ORDER_CREATED",
                                              payload=order_created_payload(fake, order_id), key=f"k{next(_keys)}")
    with capture(execute=True):
        assert webhook_delivery_process(delivery_id=delivery.id) is True


def complete_elsewhere(fake, checkout_id: str) -> str:
    """Another storefront or the dashboard completing the checkout straight in Saleor."""
    from storefront_adapter.connection import saleor_client

    return saleor_client().execute("CheckoutComplete", {"id": checkout_id})["checkoutComplete"]["order"]["id"]


def test_an_order_our_checkout_admitted_takes_no_stock_again(fake_saleor, django_capture_on_commit_callbacks):
    # given an order placed through our checkout (2 of 5 taken at admission)
    listing = on_sale(stock=5)
    order = service.checkout_complete(checkout_id=ready_cart(fake_saleor, listing, 2))
    # when Saleor's ORDER_CREATED for it is processed
    order_created(fake_saleor, order.id, django_capture_on_commit_callbacks)
    # then the stock stays 3, with no audit and no cancellation
    assert Variant.objects.get(listing=listing).stock == 3
    assert (GateAuditEntry.objects.count(), fake_saleor.calls("OrderCancel")) == (0, [])


def test_an_order_whose_hold_was_not_yet_marked_completed_is_recognised(fake_saleor, django_capture_on_commit_callbacks):
    # given a checkout admitted (hold taken) whose completion answer has not been recorded yet
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, 2)
    service.checkout_admit(checkout_id=checkout_id)
    order_id = complete_elsewhere(fake_saleor, checkout_id)
    # when ORDER_CREATED arrives first
    order_created(fake_saleor, order_id, django_capture_on_commit_callbacks)
    # then the hold is completed by it and the stock is taken once
    hold = CheckoutHold.objects.get()
    assert (hold.state, hold.order_id, Variant.objects.get(listing=listing).stock) == ("completed", order_id, 3)


def test_an_order_from_another_path_within_stock_takes_it(fake_saleor, django_capture_on_commit_callbacks):
    listing = on_sale(stock=5)
    order_id = complete_elsewhere(fake_saleor, ready_cart(fake_saleor, listing, 2))
    order_created(fake_saleor, order_id, django_capture_on_commit_callbacks)
    assert Variant.objects.get(listing=listing).stock == 3
    assert fake_saleor.table("orders")[order_id]["status"] == "UNCONFIRMED"


def test_an_order_from_another_path_beyond_stock_is_flagged_cancelled_and_its_buyer_told(
        fake_saleor, django_capture_on_commit_callbacks, mailoutbox):
    # given our count says 1 left, and Saleor sold 3 by another path
    listing = on_sale(stock=5)
    order_id = complete_elsewhere(fake_saleor, ready_cart(fake_saleor, listing, 3))
    Variant.objects.filter(listing=listing).update(stock=1)
    # when ORDER_CREATED is processed
    order_created(fake_saleor, order_id, django_capture_on_commit_callbacks)
    # then our stock is untouched, the officers' audit has it, Saleor cancelled it and gave the allocation back
    assert Variant.objects.get(listing=listing).stock == 1
    [entry] = GateAuditEntry.objects.all()
    assert (entry.action, entry.details["excess"], entry.details["cancelled"]) == ("oversold", 2, True)
    assert fake_saleor.table("orders")[order_id]["status"] == "CANCELED"
    assert saleor_variant(fake_saleor, listing).allocated == 0
    # and the buyer and the vendor got an email in Vietnamese
    buyer, vendor = mailoutbox
    assert (buyer.to, buyer.subject) == (["lan@example.vn"], "Đơn hàng #1 đã bị huỷ vì sản phẩm hết hàng")
    assert "đã hết hàng nên gian hàng không thể giao" in buyer.body
    assert vendor.to == [listing.vendor.memberships.get().user.email]
    assert entry.reason in vendor.body
    # and a repeat of the task changes nothing
    from storefront_adapter.order_tasks import cancel_oversold_order

    assert cancel_oversold_order(order_id, [entry.pk]) is False
    assert len(mailoutbox) == 2
