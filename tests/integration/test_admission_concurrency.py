"""The admission count with real concurrent database sessions (no Saleor): N buyers taking
the last S units at the same moment, each in its own thread and its own PostgreSQL
connection, are admitted exactly S times; the rest are told it is sold out and take nothing.
Then the same through the completion service with a Saleor that, like 3.23 under
concurrency, would let every checkout through: exactly S orders."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from storefront_adapter import admission
from storefront_adapter import checkout as service
from storefront_adapter.fake_saleor.checkout import shipping_method
from storefront_adapter.models import CheckoutHold
from tests.integration.shop import (
    address,
    install_fake,
    mirror_listings,
    on_sale,
    saleor_variant,
)
from vendors.listings.models import Variant

pytestmark = pytest.mark.django_db(transaction=True)


def race(n: int, work) -> list:
    """Run work(i) for i in 0..n-1 in n threads released together; each closes its connection."""
    barrier = threading.Barrier(n)

    def one(i):
        try:
            barrier.wait(timeout=30)
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


@pytest.mark.parametrize("round_", range(5))
@pytest.mark.parametrize(("stock", "buyers"), [(1, 8), (10, 40)])
def test_n_buyers_at_once_on_s_units_are_admitted_exactly_s_times(stock, buyers, round_):
    # given a variant with S units left
    variant = on_sale(stock=stock).variants.get()

    def take(i):
        try:
            admission.hold_take(checkout_id=f"checkout-{round_}-{i}", quantities={variant.pk: 1})
            return "admitted"
        except admission.SoldOut as exc:
            return exc.message_vi

    # when N buyers take one each at the same moment
    outcomes = race(buyers, take)
    # then exactly S were admitted, the others were told it is sold out, and nothing is left
    assert outcomes.count("admitted") == stock
    assert set(outcomes) - {"admitted"} == {
        f"“{variant.listing.title} – Hộp 250 g” đã hết hàng. Chưa có gì được đặt."}
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert CheckoutHold.objects.filter(state="held").count() == stock


def test_a_cart_of_two_variants_is_taken_all_or_nothing_under_contention():
    # given two variants with 3 units each, and 10 buyers wanting one of each (and 1 more of the first)
    first = on_sale(stock=3).variants.get()
    second = on_sale("HTX Mật ong Tây Nguyên", stock=3).variants.get()

    def take(i):
        quantities = {first.pk: 1, second.pk: 1} if i % 2 else {second.pk: 1, first.pk: 1}
        try:
            admission.hold_take(checkout_id=f"pair-{i}", quantities=quantities)
            return True
        except admission.SoldOut:
            return False

    outcomes = race(10, take)
    # then 3 were admitted, both variants are at 0, and no one holds half a cart
    assert outcomes.count(True) == 3
    assert list(Variant.objects.filter(pk__in=[first.pk, second.pk]).values_list("stock", flat=True)) == [0, 0]
    assert all(len(hold.lines) == 2 for hold in CheckoutHold.objects.all())


@pytest.mark.parametrize(("stock", "buyers"), [(1, 8), (10, 40)])
def test_n_buyers_completing_at_once_through_the_service_give_exactly_s_orders(settings, monkeypatch, stock, buyers):
    # given a variant with S units in our count, and a Saleor that would sell far more (as 3.23
    # oversells under concurrency), and N ready carts of one unit each
    listing = on_sale(stock=stock)
    fake = install_fake(settings, monkeypatch)
    mirror_listings(fake)
    saleor_variant(fake, listing).quantity = 1000
    method = shipping_method(fake)["id"]
    carts = []
    for _ in range(buyers):
        checkout_id = service.checkout_line_add(checkout_id=None, variant_id=saleor_variant(fake, listing).id,
                                                quantity=1)
        service.checkout_contact_set(checkout_id=checkout_id, email="lan@example.vn", address=address())
        service.checkout_delivery_set(checkout_id=checkout_id, shipping_method_id=method)
        carts.append(checkout_id)

    def complete(i):
        try:
            return service.checkout_complete(checkout_id=carts[i]).number
        except service.CheckoutError as exc:
            return exc.code

    # when all complete at the same moment
    outcomes = race(buyers, complete)
    # then Saleor made exactly S orders, the rest were refused as sold out before Saleor was asked
    assert len(fake.table("orders")) == stock
    assert outcomes.count("INSUFFICIENT_STOCK") == buyers - stock
    assert len(fake.calls("CheckoutComplete")) == stock
    assert Variant.objects.get(listing=listing).stock == 0
    assert CheckoutHold.objects.filter(state="completed").count() == stock
