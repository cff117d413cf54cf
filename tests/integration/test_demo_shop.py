"""README command 1 on a machine without Saleor: `manage.py demo` fills the in-memory
FakeSaleor through the outbox as the demo listings are made, and the shop sells them."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from storefront_adapter import connection, sync, warehouses
from storefront_adapter.models import CatalogueProduct

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restored(monkeypatch):
    # demo.install() rewires these for the demo's process; put them back after the test.
    for module, name in ((sync, "sync_listing"), (warehouses, "vendor_warehouse_ensure"),
                         (connection, "transport_override")):
        monkeypatch.setattr(module, name, getattr(module, name))


def test_the_demo_without_saleor_lists_and_sells_its_products(client, settings, restored, capsys):
    settings.SALEOR_API_URL = ""
    # when the demo is prepared (its seeds commit, as on a developer's machine)
    call_command("demo", "--no-serve")
    # then every demo listing on sale is in the shop, searchable without diacritics
    assert "Saleor giả lập trong bộ nhớ (8 sản phẩm đang bán" in capsys.readouterr().out
    assert CatalogueProduct.objects.count() == 8
    page = client.get("/search", {"q": "mat ong"}).content.decode()
    assert "Mật ong hoa cà phê Quảng Tín" in page and "165.000 ₫ – 310.000 ₫" in page
    # and a guest can put it in the cart
    product = CatalogueProduct.objects.get(name="Mật ong hoa cà phê Quảng Tín")
    variant = client.get(f"/san-pham/{product.slug}/").context["live"].variants[0]
    client.post("/gio-hang/them/", {"variant": variant.id, "quantity": 1, "next": "/gio-hang/"})
    assert [line.product_name for line in client.get("/gio-hang/").context["cart"].lines] == [
        "Mật ong hoa cà phê Quảng Tín"]
