"""ORDER_CREATED after our checkout and by another path: an order our admission count
admitted takes no stock again; one from elsewhere takes its stock, or, beyond stock, is
flagged to officers and the vendor, cancelled in Saleor after commit, and its buyer told."""
from __future__ import annotations

import itertools

import pytest

from storefront_adapter import admission
from storefront_adapter import checkout as service
from storefront_adapter.fake_saleor.checkout import shipping_method
from storefront_adapter.fake_saleor.orders import order_created_payload
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


# ---- a cart changed in another tab between our admission and Saleor's completion ----------

def another_tab_during_completion(monkeypatch, change) -> None:
    """Run ``change`` (the buyer's other tab changing the cart) right after our admission
    took its hold and before Saleor completes the checkout."""
    take = admission.hold_take

    def take_then_change(**kwargs):
        hold = take(**kwargs)
        change()
        return hold

    monkeypatch.setattr(admission, "hold_take", take_then_change)


def test_units_added_after_admission_take_their_stock_when_the_order_comes(
        fake_saleor, monkeypatch, django_capture_on_commit_callbacks):
    # given a cart of 2 coffee admitted (5 → 3), and another tab adding 1 more coffee and 1 honey
    coffee, honey = on_sale(stock=5), on_sale("HTX Mật ong Bắc Kạn", stock=4)
    checkout_id = ready_cart(fake_saleor, coffee, 2)

    def other_tab():
        service.checkout_line_add(checkout_id=checkout_id, variant_id=saleor_variant(fake_saleor, coffee).id,
                                  quantity=1)
        service.checkout_line_add(checkout_id=checkout_id, variant_id=saleor_variant(fake_saleor, honey).id,
                                  quantity=1)

    another_tab_during_completion(monkeypatch, other_tab)
    order = service.checkout_complete(checkout_id=checkout_id)
    # when ORDER_CREATED for the order of 3 coffee and 1 honey is processed
    order_created(fake_saleor, order.id, django_capture_on_commit_callbacks)
    # then what the hold did not cover is taken too: 5 - 3 coffee, 4 - 1 honey; nothing flagged
    assert Variant.objects.get(listing=coffee).stock == 2
    assert Variant.objects.get(listing=honey).stock == 3
    assert (GateAuditEntry.objects.count(), fake_saleor.calls("OrderCancel")) == (0, [])


def test_units_added_after_admission_beyond_stock_cancel_the_order_and_give_the_hold_back(
        fake_saleor, monkeypatch, django_capture_on_commit_callbacks, mailoutbox):
    # given a cart of 2 admitted (5 → 3), then another tab adds 1 while other buyers take the 3 left
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, 2)

    def other_tab():
        service.checkout_line_add(checkout_id=checkout_id, variant_id=saleor_variant(fake_saleor, listing).id,
                                  quantity=1)
        Variant.objects.filter(listing=listing).update(stock=0)

    another_tab_during_completion(monkeypatch, other_tab)
    order = service.checkout_complete(checkout_id=checkout_id)
    # when ORDER_CREATED for the order of 3 is processed
    order_created(fake_saleor, order.id, django_capture_on_commit_callbacks)
    # then the unit beyond the hold is flagged, the order cancelled in Saleor, and the hold's 2 come back
    [entry] = GateAuditEntry.objects.all()
    assert (entry.action, entry.details["quantity"], entry.details["excess"], entry.details["cancelled"]) == (
        "oversold", 1, 1, True)
    assert fake_saleor.table("orders")[order.id]["status"] == "CANCELED"
    assert Variant.objects.get(listing=listing).stock == 2
    assert CheckoutHold.objects.get().state == "released"
    assert [mail.to for mail in mailoutbox][0] == ["lan@example.vn"]


def test_units_removed_after_admission_come_back_when_the_order_comes(
        fake_saleor, monkeypatch, django_capture_on_commit_callbacks):
    # given a cart of 3 admitted (5 → 2), and another tab lowering the line to 1
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, listing, 3)

    def other_tab():
        [line] = service.checkout_get(checkout_id=checkout_id).lines
        service.checkout_line_quantity_set(checkout_id=checkout_id, line_id=line.id, quantity=1)

    another_tab_during_completion(monkeypatch, other_tab)
    order = service.checkout_complete(checkout_id=checkout_id)
    # when ORDER_CREATED for the order of 1 is processed
    order_created(fake_saleor, order.id, django_capture_on_commit_callbacks)
    # then the 2 the hold took beyond the order come back: 5 - 1
    assert Variant.objects.get(listing=listing).stock == 4
    assert GateAuditEntry.objects.count() == 0
