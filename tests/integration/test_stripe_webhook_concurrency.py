"""Stripe delivering at the same moment, with real concurrent database sessions: the same
event several times is recorded and reported once; a success racing a failure of the same
PaymentIntent ends paid, whatever the interleaving."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from storefront_adapter.payments import storefront
from storefront_adapter.payments.models import PaymentAttempt, StripeEvent
from storefront_adapter.payments.services import stripe_event_receive
from tests.integration.payment_support import (  # noqa: F401 (fixtures)
    CHECKOUT_ID,
    fake_saleor,
    fake_stripe,
    stripe_keys,
    stripe_signature,
)
from tests.integration.test_saleor_app import (  # noqa: F401 (fixtures)
    client,
    installed,
    jwks,
    saleor_apps,
    saleor_settings,
)

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(bodies: list[bytes]) -> list[bool]:
    """Deliver each body from its own thread (its own database session), all released together."""
    barrier = threading.Barrier(len(bodies))
    created: list[bool] = []
    errors: list[BaseException] = []

    def deliver(body: bytes) -> None:
        try:
            barrier.wait(timeout=10)
            created.append(stripe_event_receive(payload=body, signature=stripe_signature(body))[1])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return created


def test_the_same_event_delivered_eight_times_at_once_is_recorded_and_reported_once(
        installed, fake_saleor, fake_stripe):
    storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi))

    created = at_once([body] * 8)

    assert sorted(created) == [False] * 7 + [True]
    assert StripeEvent.objects.count() == 1
    assert [r.variables["type"] for r in fake_saleor.calls("TransactionEventReport")] == ["CHARGE_SUCCESS"]


def test_a_success_racing_an_older_failure_ends_paid(installed, fake_saleor, fake_stripe):
    storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents
    failed = fake_stripe.event("payment_intent.payment_failed", fake_stripe.decline(pi), created=1_764_000_000)
    succeeded = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi), created=1_764_000_060)

    at_once([failed, succeeded])

    assert PaymentAttempt.objects.get().state == "succeeded"
    [transaction] = fake_saleor.table("transactions").values()
    assert transaction["charged"] == 385000.0
    # Saleor hears the success; a failure only if it was applied first, and then stamped with
    # Stripe's earlier time, so Saleor orders it before the success whatever the arrival order
    sent = {r.variables["type"]: r.variables["time"] for r in fake_saleor.calls("TransactionEventReport")}
    assert "CHARGE_SUCCESS" in sent
    assert sent.get("CHARGE_FAILURE", "") < sent["CHARGE_SUCCESS"]
