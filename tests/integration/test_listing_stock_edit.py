"""A vendor's edit changes the stock by what the vendor changed, not back to the number the
form showed: buyers may have taken units while the form was open (Variant.stock is the
admission count, issue 5 "Stock semantics")."""
from __future__ import annotations

import pytest

from storefront_adapter.admission import hold_take
from tests.integration.shop import on_sale
from vendors.listings.models import Variant
from vendors.listings.services import VariantInput, listing_update

pytestmark = pytest.mark.django_db


def edit(listing, *, stock: int, stock_shown: int | None, price_vnd: int = 120_000) -> Variant:
    variant = listing.variants.get()
    listing_update(listing=listing, title=listing.title, description="", variants=[
        VariantInput(id=variant.id, name=variant.name, sku=variant.sku, price_vnd=price_vnd, stock=stock,
                     stock_shown=stock_shown, weight_grams=variant.weight_grams)])
    return Variant.objects.get(pk=variant.pk)


def test_a_price_edit_from_a_form_shown_at_10_keeps_the_3_buyers_took():
    # given the form showed 10, and a checkout took 3 since
    listing = on_sale(stock=10)
    hold_take(checkout_id="CHK-1", quantities={listing.variants.get().id: 3})
    # when the vendor saves a new price with the stock as shown
    variant = edit(listing, stock=10, stock_shown=10, price_vnd=130_000)
    # then the stock is what is left, untouched
    assert (variant.price_vnd, variant.stock) == (130_000, 7)


def test_the_vendors_change_is_added_to_what_is_left_now():
    listing = on_sale(stock=10)
    Variant.objects.filter(listing=listing).update(stock=7)
    assert edit(listing, stock=15, stock_shown=10).stock == 12


def test_a_decrease_beyond_what_is_left_stops_at_zero():
    listing = on_sale(stock=10)
    Variant.objects.filter(listing=listing).update(stock=2)
    assert edit(listing, stock=4, stock_shown=10).stock == 0


def test_without_the_stock_shown_the_stock_is_set_as_given():
    listing = on_sale(stock=10)
    Variant.objects.filter(listing=listing).update(stock=7)
    assert edit(listing, stock=10, stock_shown=None).stock == 10


def test_a_new_variant_takes_its_stock_as_given():
    # given a listing, to which the vendor adds a variant (a stock shown means nothing for it)
    listing = on_sale(stock=10)
    kept = listing.variants.get()
    listing_update(listing=listing, title=listing.title, description="", variants=[
        VariantInput(id=kept.id, name=kept.name, sku=kept.sku, price_vnd=kept.price_vnd, stock=10, stock_shown=10,
                     weight_grams=250),
        VariantInput(name="Hộp 500 g", sku="NEW-500", price_vnd=200_000, stock=6, stock_shown=0, weight_grams=500)])
    # then it has the stock typed
    assert Variant.objects.get(sku="NEW-500").stock == 6
