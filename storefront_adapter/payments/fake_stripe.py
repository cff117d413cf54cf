"""FakeStripe: Stripe's PaymentIntents API in memory, behind the real `stripe` library.

It is a `stripe.HTTPClient`, so it plugs in where the library would open a connection
(`gateway.http_client_override`); the library still builds the requests, sends the
Idempotency-Key header and parses the answers. Answers are shaped like the objects in
Stripe's API reference (the PaymentIntent object, the Event object, the Charge object).

    fake = FakeStripe()
    monkeypatch.setattr(gateway, "http_client_override", fake)
    ...                               # the app creates a PaymentIntent
    fake.succeed(payment_intent_id)   # the buyer's card went through
    body = fake.event("payment_intent.succeeded", fake.intents[payment_intent_id])
"""
from __future__ import annotations

import copy
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import stripe


@dataclass(frozen=True)
class StripeRequest:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, str]  # form fields as sent: "metadata[saleor_transaction_id]" -> value

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


def payment_intent_object(*, pi_id: str, amount: int, currency: str, metadata: dict, created: int,
                          capture_method: str = "automatic", description: str | None = None) -> dict:
    """A new PaymentIntent exactly as Stripe returns it (API reference, "The PaymentIntent object")."""
    return {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": {"allow_redirects": "always", "enabled": True},
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": capture_method,
        "client_secret": f"{pi_id}_secret_{secrets.token_urlsafe(18)}",
        "confirmation_method": "automatic",
        "created": created,
        "currency": currency,
        "customer": None,
        "description": description,
        "invoice": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"installments": None, "mandate_options": None, "network": None,
                                            "request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "processing": None,
        "receipt_email": None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "requires_payment_method",
        "transfer_data": None,
        "transfer_group": None,
    }


def _nested(params: dict[str, str]) -> dict[str, Any]:
    """Stripe's form encoding (metadata[key]=v, automatic_payment_methods[enabled]=true) back to a dict."""
    result: dict[str, Any] = {}
    for key, value in params.items():
        parts = key.replace("]", "").split("[")
        target = result
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return result


@dataclass
class FakeStripe(stripe.HTTPClient):
    requests: list[StripeRequest] = field(default_factory=list)
    intents: dict[str, dict] = field(default_factory=dict)
    charges: dict[str, dict] = field(default_factory=dict)
    # A scripted failure of the next request: an answer (HTTP status, Stripe's error object),
    # or an exception such as stripe.APIConnectionError; `fail_times` times in a row.
    fail_next: tuple[int, dict] | Exception | None = None
    fail_times: int = 1
    name = "fake-stripe"

    def __post_init__(self) -> None:
        stripe.HTTPClient.__init__(self)
        self._ids = itertools.count(1)
        self._idempotent: dict[str, tuple[str, int]] = {}
        self.clock = int(time.time())

    def _id(self, prefix: str) -> str:
        return f"{prefix}_3Q{next(self._ids):06d}OcopFake"

    # -- stripe.HTTPClient -------------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        path = "/" + path.split("?", 1)[0]
        params = dict(parse_qsl(post_data or "", keep_blank_values=True))
        request = StripeRequest(method.upper(), path, dict(headers or {}), params)
        self.requests.append(request)
        key = request.idempotency_key if request.method == "POST" else None
        if key and key in self._idempotent:
            body, status = self._idempotent[key]
            return body, status, {"Request-Id": "req_replay", "Idempotent-Replayed": "true"}
        if isinstance(self.fail_next, Exception):
            # No answer at all (a dropped connection): nothing is saved under the key.
            error = self.fail_next
            self._count_failure()
            raise error
        scripted = self.fail_next is not None
        status, obj = self._answer(request)
        body = json.dumps(obj)
        if key and not scripted:
            self._idempotent[key] = (body, status)
        return body, status, {"Request-Id": f"req_{next(self._ids)}"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self) -> None:
        pass

    def _answer(self, request: StripeRequest) -> tuple[int, dict]:
        if self.fail_next is not None:
            failure = self.fail_next
            self._count_failure()
            return failure
        parts = request.path.strip("/").split("/")
        if parts == ["v1", "refunds"] and request.method == "POST":
            return self._refund_create(_nested(request.params))
        if parts[:2] != ["v1", "payment_intents"]:
            return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL "
                                   f"({request.method}: {request.path})."}}
        if request.method == "POST" and len(parts) == 2:
            return 200, self._create(_nested(request.params))
        intent = self.intents.get(parts[2]) if len(parts) > 2 else None
        if intent is None:
            return 404, {"error": {"code": "resource_missing", "param": "intent", "type": "invalid_request_error",
                                   "message": f"No such payment_intent: '{parts[2] if len(parts) > 2 else ''}'"}}
        if request.method == "GET" and len(parts) == 3:
            return 200, copy.deepcopy(intent)
        if request.method == "POST" and parts[3:] == ["cancel"]:
            intent.update(status="canceled", canceled_at=self.clock, cancellation_reason="requested_by_customer")
            return 200, copy.deepcopy(intent)
        return 400, {"error": {"type": "invalid_request_error", "message": "Not supported by FakeStripe."}}

    def _refund_create(self, params: dict[str, Any]) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        charge = self.charges.get((intent or {}).get("latest_charge") or "")
        if charge is None:
            return 400, {"error": {"type": "invalid_request_error", "code": "charge_not_refundable",
                                   "message": "This PaymentIntent has no successful charge to refund."}}
        amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
        if amount > charge["amount"] - charge["amount_refunded"]:
            return 400, {"error": {"type": "invalid_request_error", "code": "charge_already_refunded",
                                   "param": "amount", "message": "Refund amount is greater than unrefunded amount."}}
        self.refund(charge["id"], amount)
        return 200, {"id": self._id("re"), "object": "refund", "amount": amount, "balance_transaction": None,
                     "charge": charge["id"], "created": self.clock, "currency": charge["currency"],
                     "destination_details": None, "metadata": params.get("metadata", {}),
                     "payment_intent": intent["id"], "reason": None, "receipt_number": None,
                     "source_transfer_reversal": None, "status": "succeeded", "transfer_reversal": None}

    def _count_failure(self) -> None:
        self.fail_times -= 1
        if self.fail_times <= 0:
            self.fail_next, self.fail_times = None, 1

    def _create(self, params: dict[str, Any]) -> dict:
        intent = payment_intent_object(
            pi_id=self._id("pi"), amount=int(params["amount"]), currency=params["currency"],
            metadata=params.get("metadata", {}), created=self.clock,
            capture_method=params.get("capture_method", "automatic"), description=params.get("description"))
        self.intents[intent["id"]] = intent
        return copy.deepcopy(intent)

    # -- what happens at Stripe outside our calls --------------------------------
    def succeed(self, pi_id: str) -> dict:
        """The buyer's card was charged: the PaymentIntent succeeds with one Charge."""
        intent = self.intents[pi_id]
        charge_id = self._id("ch")
        self.charges[charge_id] = {
            "id": charge_id, "object": "charge", "amount": intent["amount"], "amount_captured": intent["amount"],
            "amount_refunded": 0, "captured": True, "currency": intent["currency"], "paid": True,
            "payment_intent": pi_id, "refunded": False, "status": "succeeded", "metadata": intent["metadata"],
            "livemode": False, "created": self.clock, "failure_code": None, "failure_message": None,
        }
        intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=charge_id,
                      payment_method=self._id("pm"))
        return copy.deepcopy(intent)

    def decline(self, pi_id: str, message: str = "Your card was declined.") -> dict:
        """A try failed; the PaymentIntent waits for another payment method."""
        intent = self.intents[pi_id]
        intent.update(status="requires_payment_method", last_payment_error={
            "type": "card_error", "code": "card_declined", "decline_code": "generic_decline", "message": message})
        return copy.deepcopy(intent)

    def refund(self, charge_id: str, amount: int) -> dict:
        charge = self.charges[charge_id]
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        return copy.deepcopy(charge)

    def event(self, event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> bytes:
        """The body Stripe POSTs to the endpoint (API reference, "The Event object")."""
        return json.dumps({
            "id": event_id or self._id("evt"),
            "object": "event",
            "api_version": "2025-06-30.basil",
            "created": created if created is not None else self.clock,
            "data": {"object": copy.deepcopy(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }).encode()
