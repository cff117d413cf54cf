"""Stripe's webhook: each event, proven by Stripe's signature, is recorded once, moves the
payment's state (state.py), and is reported to Saleor by a Celery task after commit.

Nothing here calls Saleor inside a database transaction: the event row and the state
change commit together, then `report_stripe_event` sends transactionEventReport.
"""
from __future__ import annotations

import datetime as dt
import json
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..connection import saleor_client
from ..errors import raise_for_mutation_errors
from ..services import Refused
from . import gateway, state
from .models import PaymentAttempt, StripeEvent

logger = logging.getLogger(__name__)


class StripeWebhookRefused(Refused):
    status = 400
    message = "Chữ ký Stripe không hợp lệ (invalid Stripe signature)."


def _verified_event(*, payload: bytes, signature: str | None) -> dict:
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        # Stripe retries non-2xx for three days: once the secret is set, nothing is lost.
        raise StripeWebhookRefused("STRIPE_WEBHOOK_SECRET is not set", status=503,
                                   message="Chưa cấu hình khoá webhook Stripe (webhook secret not set).")
    try:
        text = payload.decode("utf-8")
        # Stripe's own check: HMAC-SHA256 of "t.payload" under the endpoint secret, any v1
        # signature matching, and t within the tolerance (replays are refused).
        stripe.WebhookSignature.verify_header(text, signature, secret, settings.STRIPE_WEBHOOK_TOLERANCE)
        event = json.loads(text)
    except stripe.SignatureVerificationError as error:
        raise StripeWebhookRefused(str(error)) from error
    except ValueError as error:  # not UTF-8 or not JSON, though signed
        raise StripeWebhookRefused(f"unreadable body: {error}") from error
    if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id"):
        raise StripeWebhookRefused("not a Stripe event")
    return event


def _without_secrets(event: dict) -> dict:
    """The event as stored: a PaymentIntent's client_secret completes a payment from a
    browser and must not be kept (Stripe: "should not be stored, logged")."""
    obj = (event.get("data") or {}).get("object")
    if not isinstance(obj, dict) or "client_secret" not in obj:
        return event
    return {**event, "data": {**event["data"], "object": {**obj, "client_secret": None}}}


def _payment_intent_of(event: dict) -> tuple[str, dict]:
    """The PaymentIntent id the event is about, and its object (a PaymentIntent or a Charge)."""
    obj = (event.get("data") or {}).get("object") or {}
    if obj.get("object") == "payment_intent":
        return obj.get("id", ""), obj
    if obj.get("object") == "charge":
        return obj.get("payment_intent") or "", obj
    return "", obj


def _attempt_for(payment_intent_id: str, obj: dict) -> PaymentAttempt | None:
    """Our attempt for the PaymentIntent, locked; one made by our app elsewhere (its metadata
    names a Saleor transaction) is taken in; anything else is not ours."""
    attempt = PaymentAttempt.objects.select_for_update().filter(payment_intent_id=payment_intent_id).first()
    if attempt is not None:
        return attempt
    metadata = obj.get("metadata") or {}
    if obj.get("object") != "payment_intent" or not metadata.get("saleor_transaction_id"):
        return None
    attempt, _ = PaymentAttempt.objects.get_or_create(
        payment_intent_id=payment_intent_id,
        defaults={"saleor_transaction_id": metadata["saleor_transaction_id"],
                  "saleor_checkout_id": metadata.get("saleor_checkout_id", ""), "amount": obj["amount"],
                  "currency": str(obj.get("currency", "vnd")).upper(), "livemode": bool(obj.get("livemode"))},
    )
    return PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)


def _apply(event: dict, attempt: PaymentAttempt, obj: dict) -> state.Outcome | None:
    payment = state.Payment(attempt.payment_intent_id, attempt.amount, attempt.state, attempt.amount_refunded)
    kind = event["type"]
    if kind == "payment_intent.succeeded":
        return state.payment_succeeded(payment)
    if kind == "payment_intent.payment_failed":
        reason = (obj.get("last_payment_error") or {}).get("message") or ""
        return state.payment_failed(payment, reason=reason)
    if kind == "payment_intent.canceled":
        return state.payment_canceled(payment)
    if kind == "charge.refunded":
        return state.charge_refunded(payment, charge_id=obj["id"], amount_refunded=int(obj["amount_refunded"]))
    return None


def stripe_event_receive(*, payload: bytes, signature: str | None) -> tuple[StripeEvent, bool]:
    """Record a Stripe event once its Stripe-Signature is proven, apply it to its payment's
    state, and enqueue its report to Saleor after commit. Returns the row and whether it is
    new: Stripe redelivering an event (same id) changes nothing the second time.

    Raises StripeWebhookRefused (400 bad, forged or expired signature; 503 no secret set),
    with nothing recorded.
    """
    event = _verified_event(payload=payload, signature=signature)
    payment_intent_id, obj = _payment_intent_of(event)
    with transaction.atomic():
        row, created = StripeEvent.objects.get_or_create(
            stripe_id=event["id"],
            defaults={"type": str(event.get("type", "")), "payload": _without_secrets(event),
                      "outcome": StripeEvent.Outcome.IGNORED,
                      "created": dt.datetime.fromtimestamp(int(event.get("created", 0)), tz=dt.UTC),
                      "livemode": bool(event.get("livemode"))},
        )
        if not created:
            return row, False
        attempt = _attempt_for(payment_intent_id, obj) if payment_intent_id else None
        outcome = _apply(event, attempt, obj) if attempt is not None else None
        if outcome is None:
            logger.info("Stripe event %s (%s) is not about one of our payments", row.stripe_id, row.type)
            return row, True
        row.attempt = attempt
        row.outcome = StripeEvent.Outcome.APPLIED if outcome.applied else StripeEvent.Outcome.STALE
        row.reports = [report.as_dict() for report in outcome.reports]
        row.save(update_fields=["attempt", "outcome", "reports"])
        if (outcome.payment.state, outcome.payment.amount_refunded) != (attempt.state, attempt.amount_refunded):
            attempt.state = outcome.payment.state
            attempt.amount_refunded = outcome.payment.amount_refunded
            attempt.save(update_fields=["state", "amount_refunded", "updated_at"])
        if row.reports:
            from .tasks import report_stripe_event

            report_stripe_event.delay_on_commit(row.id)
    return row, True


def stripe_events_unreported(*, older_than: dt.timedelta) -> list[int]:
    """Events with reports not yet sent, received more than `older_than` ago (their task was
    lost, or gave up while Saleor was down), oldest first."""
    return list(StripeEvent.objects.filter(reported_at__isnull=True, received_at__lt=timezone.now() - older_than)
                .exclude(reports=[]).order_by("received_at", "id").values_list("id", flat=True)[:500])


def stripe_event_report(*, event_id: int) -> bool:
    """Send an event's reports to Saleor (transactionEventReport), outside any transaction.
    Idempotent: Saleor takes a report with the same pspReference, type and amount once, and
    the row is marked reported after the last one. Returns False when there was nothing to
    send. A failure or cancel is not sent once the payment is paid (state.superseded)."""
    row = StripeEvent.objects.select_related("attempt").filter(pk=event_id, reported_at__isnull=True).first()
    if row is None or not row.reports or row.attempt is None:
        return False
    attempt = row.attempt
    payment = state.Payment(attempt.payment_intent_id, attempt.amount, attempt.state, attempt.amount_refunded)
    client = saleor_client()
    try:
        for report in row.reports:
            if state.superseded(report["type"], attempt.state):
                logger.info("Stripe event %s: %s not reported, the payment is %s", row.stripe_id,
                            report["type"], attempt.state)
                continue
            data = client.execute("TransactionEventReport", {
                "transactionId": attempt.saleor_transaction_id,
                "pspReference": report["psp_reference"],
                "type": report["type"],
                "amount": report["amount"],
                "time": row.created.isoformat(),
                "message": report["message"],
                "externalUrl": gateway.dashboard_url({"id": attempt.payment_intent_id, "livemode": attempt.livemode}),
                "availableActions": state.available_actions(payment),
            })
            raise_for_mutation_errors(data, "transactionEventReport")
    except Exception as error:
        StripeEvent.objects.filter(pk=row.pk).update(report_attempts=row.report_attempts + 1,
                                                     last_error=str(error)[:2000])
        raise
    StripeEvent.objects.filter(pk=row.pk, reported_at__isnull=True).update(
        reported_at=timezone.now(), report_attempts=row.report_attempts + 1, last_error="")
    return True


def paid_checkout_of_event(*, event_id: int) -> str | None:
    """The Saleor checkout a reported Stripe event paid for: its payment succeeded (and is
    not refunded) and the event reported the charge; None otherwise."""
    row = StripeEvent.objects.select_related("attempt").filter(pk=event_id).first()
    attempt = row.attempt if row else None
    if attempt is None or attempt.state != PaymentAttempt.State.SUCCEEDED or not attempt.saleor_checkout_id:
        return None
    if not any(report["type"] == "CHARGE_SUCCESS" for report in row.reports):
        return None
    return attempt.saleor_checkout_id
