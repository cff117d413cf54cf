"""The order lookup and order pages under abuse and outage: failed lookups are limited per
client address and per email (order numbers are sequential), an out-of-range number is told
on its field, and a Saleor that does not answer gives a "busy" page instead of an error."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from marketplace.cart.selectors import order_token
from storefront_adapter.fakes import FakeResponse
from tests.integration.test_cart_pages import placed_order

pytestmark = pytest.mark.django_db

LOOKUP = "/don-hang/tra-cuu/"
NOT_FOUND = "Không tìm thấy đơn hàng với email và mã đơn này. Kiểm tra lại email xác nhận đơn hàng."
LIMITED = "Bạn đã thử tra cứu quá nhiều lần. Vui lòng thử lại sau 15 phút."
BUSY = "Sàn đang bận nên chưa thực hiện được; chưa có gì thay đổi. Hãy thử lại sau ít phút."


def lookup(client, email: str, number, ip: str = "203.0.113.1"):
    return client.post(LOOKUP, {"email": email, "number": number}, REMOTE_ADDR=ip)


def lookup_calls(fake) -> int:
    return len(fake.calls("OrderLookup"))


def test_ten_failed_lookups_from_one_address_refuse_the_eleventh_without_asking_saleor(client, fake_saleor):
    # given an order, and ten failed guesses from one address, each with another email
    order = placed_order(client, fake_saleor)
    guesser = client.__class__()
    for n in range(10):
        response = lookup(guesser, f"khach{n}@example.vn", order["number"])
        assert (response.status_code, response.context["form"].non_field_errors()) == (200, [NOT_FOUND])
    calls = lookup_calls(fake_saleor)
    # when the same address tries again, even with the right email and number
    response = lookup(guesser, "lan@example.vn", order["number"])
    # then it is refused with 429 and Saleor is not asked
    assert (response.status_code, response.context["form"].non_field_errors()) == (429, [LIMITED])
    assert lookup_calls(fake_saleor) == calls
    # and another address still finds the order
    response = lookup(guesser, "lan@example.vn", order["number"], ip="198.51.100.7")
    assert response["Location"] == reverse("cart:order", args=[order_token(order["id"])])


def test_five_failed_lookups_for_one_email_refuse_the_sixth_from_any_address(client, fake_saleor):
    # given an order, and five wrong numbers tried for its email from five addresses
    order = placed_order(client, fake_saleor)
    guesser = client.__class__()
    for n in range(5):
        response = lookup(guesser, "lan@example.vn", 1000 + n, ip=f"192.0.2.{n}")
        assert response.status_code == 200
    calls = lookup_calls(fake_saleor)
    # when a sixth address tries that email (in other letter case) with the right number
    response = lookup(guesser, " LAN@example.vn", order["number"], ip="192.0.2.99")
    # then it is refused with 429 and Saleor is not asked
    assert (response.status_code, response.context["form"].non_field_errors()) == (429, [LIMITED])
    assert lookup_calls(fake_saleor) == calls
    # and another email from that address is still looked up
    response = lookup(guesser, "khac@example.vn", order["number"], ip="192.0.2.99")
    assert (response.status_code, lookup_calls(fake_saleor)) == (200, calls + 1)


def test_successful_lookups_do_not_count_towards_the_limit(client, fake_saleor):
    # given an order
    order = placed_order(client, fake_saleor)
    buyer = client.__class__()
    # when its buyer looks it up twelve times from one address
    responses = [lookup(buyer, "lan@example.vn", order["number"]) for _ in range(12)]
    # then every lookup finds it
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, reverse("cart:order", args=[order_token(order["id"])]))}


def test_the_limit_counts_over_a_window_of_fifteen_minutes(client, fake_saleor):
    # given one failed lookup
    order = placed_order(client, fake_saleor)
    lookup(client.__class__(), "khac@example.vn", order["number"])
    # then its counters live in the cache for fifteen minutes
    keys = cache._cache.get_client(write=False).keys(cache.make_key("order-lookup:*"))
    ttls = [cache._cache.get_client(write=False).ttl(key) for key in keys]
    assert len(ttls) == 2 and all(890 < ttl <= 900 for ttl in ttls)


def test_an_order_number_beyond_a_graphql_int_is_told_on_its_field_and_saleor_is_not_asked(client, fake_saleor):
    calls = lookup_calls(fake_saleor)
    response = lookup(client, "lan@example.vn", 2**31)
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "Mã đơn hàng không đúng; hãy xem lại mã trong email xác nhận đơn hàng."]
    assert lookup_calls(fake_saleor) == calls


def saleor_busy(fake, monkeypatch) -> None:
    """Saleor (or the proxy before it) answers every request with HTTP 429."""
    monkeypatch.setattr(fake, "post", lambda *args, **kwargs: FakeResponse(429, {}))


def test_a_busy_saleor_on_the_lookup_page_says_so_with_503_and_the_attempt_does_not_count(
        client, fake_saleor, monkeypatch):
    # given an order, and Saleor busy
    order = placed_order(client, fake_saleor)
    with monkeypatch.context() as patch:
        saleor_busy(fake_saleor, patch)
        # when the buyer looks it up six times
        responses = [lookup(client, "lan@example.vn", order["number"]) for _ in range(6)]
    # then each says the service is busy, keeping what was typed
    assert {(r.status_code, tuple(r.context["form"].non_field_errors())) for r in responses} == {(503, (BUSY,))}
    assert responses[0].context["form"]["email"].value() == "lan@example.vn"
    # and once Saleor answers, the lookup is not counted as failed
    response = lookup(client, "lan@example.vn", order["number"])
    assert response["Location"] == reverse("cart:order", args=[order_token(order["id"])])


def test_a_busy_saleor_on_the_order_page_says_so_with_503(client, fake_saleor, monkeypatch):
    # given an order, and Saleor busy
    order = placed_order(client, fake_saleor)
    saleor_busy(fake_saleor, monkeypatch)
    # when its page is opened
    response = client.get(reverse("cart:order", args=[order_token(order["id"])]))
    # then it says the order service is busy and to try again
    assert response.status_code == 503
    assert BUSY in response.content.decode()


def test_parallel_failed_lookups_from_one_address_reach_saleor_at_most_ten_times(monkeypatch):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from marketplace.cart import services

    # given a Saleor that takes a moment to answer "not found"
    asked = []
    start = threading.Barrier(20)

    def slow_not_found(*, number, email):
        asked.append(number)
        time.sleep(0.05)
        return None

    monkeypatch.setattr(services, "saleor_order_lookup", slow_not_found)

    def guess(n: int) -> str:
        start.wait()
        try:
            services.order_find(number=n, email=f"khach{n}@example.vn", client_ip="203.0.113.9")
        except services.OrderLookupLimited:
            return "limited"
        return "not found"

    # when twenty guesses from one address arrive together
    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(guess, range(1, 21)))
    # then exactly ten were looked up and the rest refused
    assert (outcomes.count("not found"), outcomes.count("limited"), len(asked)) == (10, 10, 10)


def test_behind_our_proxy_the_limit_counts_the_address_the_proxy_saw(client, fake_saleor, settings):
    # given the production setting behind the TLS proxy: every request comes from the proxy
    settings.CLIENT_ADDRESS_FROM_PROXY = True
    order = placed_order(client, fake_saleor)
    guesser = client.__class__()

    def through_proxy(client_ip: str, email: str, forged: str = ""):
        # a client may send its own X-Forwarded-For; the proxy appends the address it saw
        chain = f"{forged}, {client_ip}" if forged else client_ip
        return guesser.post(LOOKUP, {"email": email, "number": order["number"]}, REMOTE_ADDR="10.0.0.2",
                            HTTP_X_FORWARDED_FOR=chain)

    # when one client fails ten times, forging a new address in front each time
    for n in range(10):
        assert through_proxy("203.0.113.9", f"khach{n}@example.vn", forged=f"192.0.2.{n}").status_code == 200
    # then its eleventh try is refused, while another client behind the same proxy is not
    assert through_proxy("203.0.113.9", "lan@example.vn").status_code == 429
    assert through_proxy("198.51.100.7", "lan@example.vn")["Location"] == reverse(
        "cart:order", args=[order_token(order["id"])])
