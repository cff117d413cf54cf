"""ORDER_CANCELLED gives a cancelled order's stock back to our count, as Saleor's cancel gives
back its allocations: once per order, only what is not fulfilled, and only what the order
took from us (at admission, or by its ORDER_CREATED), never for an order we cancelled as
oversold, which took nothing."""
from __future__ import annotations

import itertools
import logging

import pytest

from storefront_adapter import checkout as service
from storefront_adapter.catalogue import catalogue_rebuild
from storefront_adapter.connection import saleor_client
from storefront_adapter.fake_saleor.checkout import shipping_method
from storefront_adapter.fake_saleor.orders import (
    fulfil,
    order_cancelled_payload,
    order_created_payload,
    refund_fulfilments,
)
from storefront_adapter.models import CatalogueProduct, CheckoutHold, GateAuditEntry, SaleorInstallation, WebhookDelivery
from storefront_adapter.services import webhook_delivery_process
from tests.integration.shop import address, mirror_listings, on_sale, saleor_variant
from vendors.listings.models import Variant

pytestmark = pytest.mark.django_db
_keys = itertools.count(1)


def ready_cart(fake, lines) -> str:
    """A cart of [(listing, quantity)] with contact and delivery set."""
    mirror_listings(fake)
    checkout_id = None
    for listing, quantity in lines:
        checkout_id = service.checkout_line_add(checkout_id=checkout_id, variant_id=saleor_variant(fake, listing).id,
                                                quantity=quantity)
    service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address())
    service.checkout_delivery_set(checkout_id=checkout_id, shipping_method_id=shipping_method(fake)["id"])
    return checkout_id


def deliver(event: str, payload: dict, capture) -> bool:
    delivery = WebhookDelivery.objects.create(installation=SaleorInstallation.objects.get(), event=event,
                                              payload=payload, key=f"k{next(_keys)}")
    with capture(execute=True):
        return webhook_delivery_process(delivery_id=delivery.id)


def cancel_in_saleor(fake, order_id: str, capture) -> None:
    """Staff cancel the order in the dashboard; Saleor sends ORDER_CANCELLED."""
    assert saleor_client().execute("OrderCancel", {"id": order_id})["orderCancel"]["errors"] == []
    assert deliver("ORDER_CANCELLED", order_cancelled_payload(fake, order_id), capture) is True


def complete_elsewhere(checkout_id: str) -> str:
    """Another storefront or the dashboard completing the checkout straight in Saleor."""
    return saleor_client().execute("CheckoutComplete", {"id": checkout_id})["checkoutComplete"]["order"]["id"]


def stock(listing) -> int:
    return Variant.objects.get(listing=listing).stock


def test_an_admitted_order_cancelled_gives_its_stock_back_once_though_delivered_twice(
        fake_saleor, django_capture_on_commit_callbacks):
    # given an order placed through our checkout: 2 of 5 taken at admission, ORDER_CREATED processed
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, [(listing, 2)])
    catalogue_rebuild()
    order = service.checkout_complete(checkout_id=checkout_id)
    assert deliver("ORDER_CREATED", order_created_payload(fake_saleor, order.id), django_capture_on_commit_callbacks)
    assert (stock(listing), CatalogueProduct.objects.get(listing=listing).quantity_available) == (3, 3)
    # when staff cancel it in Saleor and its ORDER_CANCELLED comes, then comes again with another body
    cancel_in_saleor(fake_saleor, order.id, django_capture_on_commit_callbacks)
    again = {**order_cancelled_payload(fake_saleor, order.id), "issuedAt": "2026-11-29T15:00:00+00:00"}
    assert deliver("ORDER_CANCELLED", again, django_capture_on_commit_callbacks) is True
    # then the 2 units are back once, the hold says so, and Saleor's count agrees with ours
    hold = CheckoutHold.objects.get()
    assert (stock(listing), hold.state, hold.order_id) == (5, "cancelled", order.id)
    assert saleor_variant(fake_saleor, listing).quantity_available == 5
    # and the shop's catalogue shows the units again
    assert CatalogueProduct.objects.get(listing=listing).quantity_available == 5


def test_an_order_cancelled_before_our_completion_recorded_it_gives_its_hold_back(
        fake_saleor, django_capture_on_commit_callbacks):
    # given a checkout admitted (hold taken, 2 of 5) whose order exists before the completion answer was recorded
    listing = on_sale(stock=5)
    checkout_id = ready_cart(fake_saleor, [(listing, 2)])
    service.checkout_admit(checkout_id=checkout_id)
    order_id = complete_elsewhere(checkout_id)
    # when it is cancelled and ORDER_CANCELLED comes first, then its late ORDER_CREATED
    cancel_in_saleor(fake_saleor, order_id, django_capture_on_commit_callbacks)
    assert deliver("ORDER_CREATED", order_created_payload(fake_saleor, order_id), django_capture_on_commit_callbacks)
    # then the units are back once, the hold is the cancelled order's
    hold = CheckoutHold.objects.get()
    assert (stock(listing), hold.state, hold.order_id) == (5, "cancelled", order_id)


def test_an_order_from_another_path_cancelled_gives_back_what_its_order_created_took(
        fake_saleor, django_capture_on_commit_callbacks):
    # given an order made straight in Saleor whose ORDER_CREATED took 2 of 5
    listing = on_sale(stock=5)
    order_id = complete_elsewhere(ready_cart(fake_saleor, [(listing, 2)]))
    assert deliver("ORDER_CREATED", order_created_payload(fake_saleor, order_id), django_capture_on_commit_callbacks)
    assert stock(listing) == 3
    # when it is cancelled in Saleor
    cancel_in_saleor(fake_saleor, order_id, django_capture_on_commit_callbacks)
    # then the 2 units are back, with no hold involved
    assert (stock(listing), CheckoutHold.objects.count()) == (5, 0)


def test_an_order_from_another_path_cancelled_before_its_order_created_came_takes_and_gives_nothing(
        fake_saleor, django_capture_on_commit_callbacks):
    # given an order made straight in Saleor, cancelled at once; its ORDER_CREATED is retried late
    listing = on_sale(stock=5)
    order_id = complete_elsewhere(ready_cart(fake_saleor, [(listing, 2)]))
    created = order_created_payload(fake_saleor, order_id)
    # when ORDER_CANCELLED is processed first, then ORDER_CREATED
    cancel_in_saleor(fake_saleor, order_id, django_capture_on_commit_callbacks)
    assert deliver("ORDER_CREATED", created, django_capture_on_commit_callbacks)
    # then our count is as before the order: nothing given back that was never taken, nothing taken
    assert (stock(listing), GateAuditEntry.objects.count()) == (5, 0)


def test_an_order_we_cancelled_as_oversold_gives_nothing_back(
        fake_saleor, django_capture_on_commit_callbacks):
    # given an order made straight in Saleor for 3 while our count says 1: ORDER_CREATED took
    # nothing, audited it OVERSOLD and cancelled it in Saleor
    listing = on_sale(stock=5)
    order_id = complete_elsewhere(ready_cart(fake_saleor, [(listing, 3)]))
    Variant.objects.filter(listing=listing).update(stock=1)
    assert deliver("ORDER_CREATED", order_created_payload(fake_saleor, order_id), django_capture_on_commit_callbacks)
    assert fake_saleor.table("orders")[order_id]["status"] == "CANCELED"
    # when the ORDER_CANCELLED our own cancel caused comes
    assert deliver("ORDER_CANCELLED", order_cancelled_payload(fake_saleor, order_id),
                   django_capture_on_commit_callbacks)
    # then our count stays 1
    assert (stock(listing), GateAuditEntry.objects.get().action) == (1, "oversold")


def test_a_partly_fulfilled_order_cancelled_gives_back_only_what_was_not_fulfilled(
        fake_saleor, django_capture_on_commit_callbacks):
    # given an order through our checkout of 2 coffee and 1 honey (of 5 and 4), the coffee
    # shipped and then refunded without return, so Saleor lets the order be cancelled
    coffee, honey = on_sale(stock=5), on_sale("HTX Mật ong Tây Nguyên", stock=4)
    order = service.checkout_complete(checkout_id=ready_cart(fake_saleor, [(coffee, 2), (honey, 1)]))
    assert deliver("ORDER_CREATED", order_created_payload(fake_saleor, order.id), django_capture_on_commit_callbacks)
    coffee_line = next(line for line in fake_saleor.table("orders")[order.id]["lines"]
                       if line["variant_pk"] == saleor_variant(fake_saleor, coffee).pk)
    fulfil(fake_saleor, order.id, [coffee_line["id"]])
    refund_fulfilments(fake_saleor, order.id)
    # when it is cancelled
    cancel_in_saleor(fake_saleor, order.id, django_capture_on_commit_callbacks)
    # then only the honey comes back; the shipped coffee stays sold, in Saleor as in our count
    assert (stock(coffee), stock(honey)) == (3, 4)
    assert [saleor_variant(fake_saleor, x).quantity_available for x in (coffee, honey)] == [3, 4]


def test_a_line_of_a_variant_we_do_not_have_is_ignored_and_logged(
        fake_saleor, django_capture_on_commit_callbacks, caplog):
    # given an order made elsewhere whose ORDER_CREATED took 2 of 5, and a line of a variant we do not have
    listing = on_sale(stock=5)
    order_id = complete_elsewhere(ready_cart(fake_saleor, [(listing, 2)]))
    assert deliver("ORDER_CREATED", order_created_payload(fake_saleor, order_id), django_capture_on_commit_callbacks)
    payload = order_cancelled_payload(fake_saleor, order_id)
    stranger = {**payload["order"]["lines"][0], "id": "T3JkZXJMaW5lOnN0cmFuZ2Vy", "quantity": 7,
                "variant": {"id": "UHJvZHVjdFZhcmlhbnQ6OTk5OTk=", "externalReference": "variant-99999999",
                            "product": {"externalReference": "listing-99999999"}}}
    payload["order"]["lines"].append(stranger)
    # when it is cancelled
    with caplog.at_level(logging.WARNING, logger="storefront_adapter.gate"):
        assert deliver("ORDER_CANCELLED", payload, django_capture_on_commit_callbacks)
    # then our line is back, the stranger ignored, and the log says so
    assert (stock(listing), Variant.objects.filter(pk=99999999).exists()) == (5, False)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "Order 1 has a line of variant-99999999, which we do not have"]
