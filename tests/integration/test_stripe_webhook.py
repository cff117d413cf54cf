"""Stripe's webhook: proven by Stripe's own signature scheme, recorded once per event id,
applied by the payment's state machine, and reported to Saleor (transactionEventReport,
through the app token client, after commit). Out-of-order and duplicate events end right;
a bad signature changes nothing."""
from __future__ import annotations

import json
import time

import pytest

from storefront_adapter.payments import storefront
from storefront_adapter.payments.models import PaymentAttempt, StripeEvent
from storefront_adapter.payments.services import stripe_event_report
from tests.integration.payment_support import (  # noqa: F401 (fixtures)
    CHECKOUT_ID,
    fake_saleor,
    fake_stripe,
    post_stripe_event,
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(installed, fake_saleor, fake_stripe):
    """A card payment of 385.000 ₫ started through Saleor: (CardSession, PaymentIntent id)."""
    card = storefront.card_payment_start(checkout_id=CHECKOUT_ID)
    [pi] = fake_stripe.intents
    return card, pi


def reports(fake_saleor) -> list[tuple[str, str, float]]:
    return [(r.variables["type"], r.variables["pspReference"], r.variables["amount"])
            for r in fake_saleor.calls("TransactionEventReport")]


def deliver(client, body, capture, **kwargs):
    with capture(execute=True):
        return post_stripe_event(client, body, **kwargs)


def test_a_signed_success_is_recorded_and_reported_to_saleor_as_charge_success(
        client, started, fake_saleor, fake_stripe, django_capture_on_commit_callbacks):
    card, pi = started
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi), event_id="evt_1Success")

    response = deliver(client, body, django_capture_on_commit_callbacks)

    assert (response.status_code, response.json()) == (200, {"received": "evt_1Success", "duplicate": False})
    event = StripeEvent.objects.get()
    assert (event.type, event.outcome, event.attempt.state) == ("payment_intent.succeeded", "applied", "succeeded")
    assert event.reported_at is not None
    [call] = fake_saleor.calls("TransactionEventReport")
    assert call.variables == {
        "transactionId": card.transaction_id,
        "pspReference": pi,
        "type": "CHARGE_SUCCESS",
        "amount": 385000,
        "time": event.created.isoformat(),
        "message": "Đã thanh toán bằng thẻ (card payment succeeded).",
        "externalUrl": f"https://dashboard.stripe.com/test/payments/{pi}",
        "availableActions": ["REFUND"],
    }
    assert call.authorization == "Bearer saleor-app-token-7Qv2nL0xPz"
    [transaction] = fake_saleor.table("transactions").values()
    assert transaction["charged"] == 385000.0


def test_a_duplicate_event_is_accepted_and_is_a_no_op(client, started, fake_saleor, fake_stripe,
                                                      django_capture_on_commit_callbacks):
    _, pi = started
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi), event_id="evt_1Dup")
    deliver(client, body, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_stripe_event(client, body)

    assert response.json() == {"received": "evt_1Dup", "duplicate": True}
    assert callbacks == []
    assert StripeEvent.objects.count() == 1
    assert len(fake_saleor.calls("TransactionEventReport")) == 1


def test_a_late_failure_after_the_success_leaves_the_payment_paid_and_tells_saleor_nothing(
        client, started, fake_saleor, fake_stripe, django_capture_on_commit_callbacks):
    _, pi = started
    declined = fake_stripe.decline(pi)
    failed_body = fake_stripe.event("payment_intent.payment_failed", declined, created=1_764_000_000)
    success_body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi), created=1_764_000_060)

    # when the success arrives before the (older) failure
    deliver(client, success_body, django_capture_on_commit_callbacks)
    deliver(client, failed_body, django_capture_on_commit_callbacks)

    # then the payment stays paid and Saleor heard only the success
    assert PaymentAttempt.objects.get().state == "succeeded"
    assert StripeEvent.objects.get(type="payment_intent.payment_failed").outcome == "stale"
    assert reports(fake_saleor) == [("CHARGE_SUCCESS", pi, 385000)]


def test_a_failure_then_a_success_in_order_ends_paid(client, started, fake_saleor, fake_stripe,
                                                     django_capture_on_commit_callbacks):
    _, pi = started
    deliver(client, fake_stripe.event("payment_intent.payment_failed", fake_stripe.decline(pi)),
            django_capture_on_commit_callbacks)
    deliver(client, fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi)),
            django_capture_on_commit_callbacks)

    assert PaymentAttempt.objects.get().state == "succeeded"
    assert reports(fake_saleor) == [("CHARGE_FAILURE", pi, 385000), ("CHARGE_SUCCESS", pi, 385000)]
    [transaction] = fake_saleor.table("transactions").values()
    assert transaction["charged"] == 385000.0


def test_a_failure_report_still_queued_when_the_success_lands_is_not_sent(
        client, started, fake_saleor, fake_stripe, django_capture_on_commit_callbacks):
    # given a failure recorded whose report task has not run yet (Saleor was down, say)
    _, pi = started
    with django_capture_on_commit_callbacks(execute=False):
        post_stripe_event(client, fake_stripe.event("payment_intent.payment_failed", fake_stripe.decline(pi)))
    failure = StripeEvent.objects.get()
    # and then the success, reported at once
    deliver(client, fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi)),
            django_capture_on_commit_callbacks)

    # when the failure's report finally runs
    assert stripe_event_report(event_id=failure.pk) is True

    # then Saleor's last word stays the success: the failure was superseded
    assert reports(fake_saleor) == [("CHARGE_SUCCESS", pi, 385000)]


def test_a_refund_reports_refund_success_and_an_older_refund_event_changes_nothing(
        client, started, fake_saleor, fake_stripe, django_capture_on_commit_callbacks):
    _, pi = started
    paid = fake_stripe.succeed(pi)
    charge_id = paid["latest_charge"]
    deliver(client, fake_stripe.event("payment_intent.succeeded", paid), django_capture_on_commit_callbacks)
    older = fake_stripe.event("charge.refunded", fake_stripe.refund(charge_id, 100_000))
    newer = fake_stripe.event("charge.refunded", fake_stripe.refund(charge_id, 50_000))

    deliver(client, newer, django_capture_on_commit_callbacks)
    deliver(client, older, django_capture_on_commit_callbacks)

    attempt = PaymentAttempt.objects.get()
    assert (attempt.state, attempt.amount_refunded) == ("refunded", 150_000)
    assert reports(fake_saleor) == [("CHARGE_SUCCESS", pi, 385000),
                                    ("REFUND_SUCCESS", f"{charge_id}:refunded:150000", 150_000)]
    [transaction] = fake_saleor.table("transactions").values()
    assert (transaction["charged"], transaction["refunded"]) == (235_000.0, 150_000.0)


def test_a_cancel_is_reported_and_a_success_of_a_canceled_intent_is_stale(
        client, started, fake_saleor, fake_stripe, django_capture_on_commit_callbacks):
    _, pi = started
    canceled = {**fake_stripe.intents[pi], "status": "canceled", "cancellation_reason": "abandoned"}
    deliver(client, fake_stripe.event("payment_intent.canceled", canceled), django_capture_on_commit_callbacks)

    assert PaymentAttempt.objects.get().state == "canceled"
    assert reports(fake_saleor) == [("CANCEL_SUCCESS", pi, 385000)]


def bad_signatures(body: bytes) -> dict[str, str | None]:
    now = int(time.time())
    return {
        "missing": None,
        "wrong secret": stripe_signature(body, secret="whsec_attacker"),
        "expired": stripe_signature(body, timestamp=now - 301),
        "other body": stripe_signature(body.replace(b"succeeded", b"canceled")),
        "no v1": f"t={now},v0=abc",
        "garbage": "not-a-signature",
    }


@pytest.mark.parametrize("case", ["missing", "wrong secret", "expired", "other body", "no v1", "garbage"])
def test_a_bad_stripe_signature_is_refused_with_nothing_changed(
        client, started, fake_saleor, fake_stripe, django_capture_on_commit_callbacks, case):
    _, pi = started
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_stripe_event(client, body, signature=bad_signatures(body)[case])

    assert response.status_code == 400
    assert response.json() == {"error": {"message": "Chữ ký Stripe không hợp lệ (invalid Stripe signature)."}}
    assert StripeEvent.objects.count() == 0
    assert PaymentAttempt.objects.get().state == "pending"
    assert callbacks == []
    assert reports(fake_saleor) == []


def test_a_signature_within_the_tolerance_is_accepted(client, started, fake_stripe, fake_saleor,
                                                      django_capture_on_commit_callbacks):
    _, pi = started
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi))

    response = deliver(client, body, django_capture_on_commit_callbacks,
                       signature=stripe_signature(body, timestamp=int(time.time()) - 240))

    assert response.status_code == 200


def test_without_a_webhook_secret_events_are_refused_for_stripe_to_retry_later(client, started, fake_stripe,
                                                                               settings):
    _, pi = started
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi))

    response = post_stripe_event(client, body, signature=stripe_signature(body, secret=""))

    assert response.status_code == 503
    assert StripeEvent.objects.count() == 0


def test_an_event_about_a_payment_that_is_not_ours_is_recorded_and_ignored(
        client, installed, fake_saleor, fake_stripe, django_capture_on_commit_callbacks):
    stranger = {"id": "pi_not_ours", "object": "payment_intent", "amount": 5000, "currency": "vnd",
                "metadata": {}, "status": "succeeded", "livemode": False}

    response = deliver(client, fake_stripe.event("payment_intent.succeeded", stranger),
                       django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored"
    assert PaymentAttempt.objects.count() == 0
    assert reports(fake_saleor) == []


def test_saleor_down_keeps_the_event_unreported_for_a_retry(client, started, fake_saleor, fake_stripe,
                                                            django_capture_on_commit_callbacks, monkeypatch):
    from storefront_adapter.errors import SaleorUnavailable
    from storefront_adapter.payments import services

    _, pi = started

    def down(*args, **kwargs):
        raise SaleorUnavailable("TransactionEventReport", attempts=3, reason="HTTP 503")

    class DownClient:
        execute = staticmethod(down)

    monkeypatch.setattr(services, "saleor_client", lambda: DownClient())
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi))
    with django_capture_on_commit_callbacks(execute=False):
        assert post_stripe_event(client, body).status_code == 200
    event = StripeEvent.objects.get()

    with pytest.raises(SaleorUnavailable):
        stripe_event_report(event_id=event.pk)

    event.refresh_from_db()
    assert (event.reported_at, event.report_attempts) == (None, 1)
    assert "HTTP 503" in event.last_error
    # and once Saleor is back the same report goes through
    monkeypatch.undo()
    import storefront_adapter.connection
    monkeypatch.setattr(storefront_adapter.connection, "transport_override", fake_saleor)
    assert stripe_event_report(event_id=event.pk) is True
    assert reports(fake_saleor) == [("CHARGE_SUCCESS", pi, 385000)]
    assert stripe_event_report(event_id=event.pk) is False


def test_the_stripe_webhook_accepts_only_post(client):
    assert client.get("/saleor/stripe/webhook/").status_code == 405


def test_stripe_event_bodies_are_recorded_as_sent_without_the_client_secret(
        client, started, fake_stripe, fake_saleor, django_capture_on_commit_callbacks):
    _, pi = started
    body = fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi))

    deliver(client, body, django_capture_on_commit_callbacks)

    sent = json.loads(body)
    assert sent["data"]["object"]["client_secret"].startswith(f"{pi}_secret_")
    sent["data"]["object"]["client_secret"] = None
    assert StripeEvent.objects.get().payload == sent


def test_the_beat_catch_up_reports_an_event_whose_task_was_lost(client, started, fake_saleor, fake_stripe,
                                                               django_capture_on_commit_callbacks):
    import datetime as dt

    from storefront_adapter.payments.tasks import report_unreported_stripe_events

    _, pi = started
    with django_capture_on_commit_callbacks(execute=False):  # the on-commit task never ran
        post_stripe_event(client, fake_stripe.event("payment_intent.succeeded", fake_stripe.succeed(pi)))
    assert report_unreported_stripe_events() == 0  # too recent: its own task may still run
    StripeEvent.objects.update(received_at=StripeEvent.objects.get().received_at - dt.timedelta(minutes=3))

    assert report_unreported_stripe_events() == 1

    assert reports(fake_saleor) == [("CHARGE_SUCCESS", pi, 385000)]
    assert report_unreported_stripe_events() == 0
