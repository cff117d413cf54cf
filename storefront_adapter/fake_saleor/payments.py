"""FakeSaleor's payment side (Transactions API), driving our payment app as Saleor would.

transactionInitialize / transactionProcess make or find a transaction and call our session
webhook handler with the payload Saleor 3.23 would send for our subscription documents
(TransactionInitializeSessionEvent / TransactionProcessSessionEvent), then record what it
answered as Saleor does: the transaction takes the answer's pspReference, an event of the
answer's result, and CHARGE_SUCCESS counts as charged. Real Saleor sends the webhook over
HTTP, JWS-signed; that path is tested on its own (tests/integration/test_payment_sessions.py).
transactionEventReport records reported events, taking one with the same pspReference, type
and amount once (alreadyProcessed), as Saleor does.

The checkout's amount comes from `payment_checkout_put` (the fake's checkout handlers may
call it too when they total a checkout).
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from ..payments import actions, sessions
from . import FakeSaleor, from_global_id, global_id, handles
from .checkout import checkout_totals

RESULT_TYPES = {
    "CHARGE_ACTION_REQUIRED", "CHARGE_REQUEST", "CHARGE_SUCCESS", "CHARGE_FAILURE",
    "AUTHORIZATION_ACTION_REQUIRED", "AUTHORIZATION_REQUEST", "AUTHORIZATION_SUCCESS", "AUTHORIZATION_FAILURE",
}
FINAL_TYPES = {"CHARGE_SUCCESS", "CHARGE_FAILURE", "AUTHORIZATION_SUCCESS", "AUTHORIZATION_FAILURE"}


def payment_checkout_put(fake: FakeSaleor, *, checkout_id: str, amount: int, email: str = "") -> None:
    """Tell the fake what a checkout costs (whole đồng), for transactionInitialize."""
    fake.table("payment_checkouts")[checkout_id] = {"id": checkout_id, "amount": amount, "email": email}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _money(amount: float, currency: str = "VND") -> dict[str, Any]:
    return {"amount": float(amount), "currency": currency}


def _error(field: str | None, code: str, message: str) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message}


def _transaction_data(transaction: dict) -> dict[str, Any]:
    return {"id": transaction["id"], "pspReference": transaction["psp_reference"],
            "chargedAmount": _money(transaction["charged"]), "checkout": {"id": transaction["checkout_id"]}}


def _event_data(event: dict) -> dict[str, Any]:
    return {"id": event["id"], "type": event["type"], "message": event["message"],
            "pspReference": event["psp_reference"], "amount": _money(event["amount"])}


def _record(fake: FakeSaleor, transaction: dict, *, type_: str, amount: float, psp_reference: str,
            message: str) -> dict:
    event = {"id": global_id("TransactionEvent", fake.next_pk()), "type": type_, "amount": float(amount),
             "psp_reference": psp_reference, "message": message or ""}
    transaction["events"].append(event)
    if type_ == "CHARGE_SUCCESS":
        transaction["charged"] += float(amount)
    elif type_ == "REFUND_SUCCESS":
        transaction["charged"] -= float(amount)
        transaction["refunded"] += float(amount)
    return event


def _session_result(fake: FakeSaleor, transaction: dict, answer: Mapping[str, Any], action_amount: float) -> dict:
    """What Saleor makes of a session webhook's answer (an invalid one is a CHARGE_FAILURE)."""
    result = answer.get("result")
    if result not in RESULT_TYPES or (result.endswith("_SUCCESS") and not answer.get("pspReference")):
        return _record(fake, transaction, type_="CHARGE_FAILURE", amount=action_amount, psp_reference="",
                       message="Missing or invalid value for `result` or `pspReference`.")
    if answer.get("pspReference"):
        transaction["psp_reference"] = answer["pspReference"]
    amount = answer["amount"] if answer.get("amount") is not None else action_amount
    return _record(fake, transaction, type_=result, amount=amount, psp_reference=answer.get("pspReference") or "",
                   message=answer.get("message") or "")


def _transaction(fake: FakeSaleor, transaction_id: str) -> dict | None:
    type_name, pk = from_global_id(transaction_id)
    return fake.table("transactions").get(pk) if type_name == "TransactionItem" else None


def _payment_checkout(fake: FakeSaleor, checkout_id: str) -> dict | None:
    """The checkout a test put here, or one made through the fake's checkout handlers (its
    total, as Saleor charges it)."""
    cart = fake.table("checkouts").get(checkout_id)
    if cart is None:
        return fake.table("payment_checkouts").get(checkout_id)
    subtotal, shipping = checkout_totals(fake, cart)
    return {"id": checkout_id, "amount": subtotal + shipping, "email": cart.get("email") or ""}


@handles("TransactionInitialize")
def transaction_initialize(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    def refused(error: dict) -> dict:
        return {"transactionInitialize": {"transaction": None, "transactionEvent": None, "data": None,
                                          "errors": [error]}}

    # The app Saleor has installed: ours (its manifest id), unless a test says otherwise.
    installed_app = fake.table("payment_app").get("identifier", settings.SALEOR_APP_ID)
    if variables["gatewayId"] != installed_app:
        return refused(_error("paymentGateway", "NOT_FOUND", f"Active app with `{variables['gatewayId']}` "
                                                             "identifier not found"))
    checkout = _payment_checkout(fake, variables["checkoutId"])
    if checkout is None:
        return refused(_error("id", "NOT_FOUND", f"Couldn't resolve to a node: {variables['checkoutId']}"))
    paid = sum(t["charged"] for t in fake.table("transactions").values() if t["checkout_id"] == checkout["id"])
    amount = float(checkout["amount"] - paid)
    pk = str(uuid.uuid4())
    transaction = {"id": global_id("TransactionItem", pk), "checkout_id": checkout["id"], "psp_reference": "",
                   "charged": 0.0, "refunded": 0.0, "events": [], "idempotency_key": str(uuid.uuid4())}
    fake.table("transactions")[pk] = transaction
    payload = {
        "__typename": "TransactionInitializeSession",
        "issuedAt": _now(),
        "idempotencyKey": transaction["idempotency_key"],
        "merchantReference": transaction["id"],
        "data": variables.get("gatewayData"),
        "action": {"amount": amount, "currency": fake.currency, "actionType": "CHARGE"},
        "transaction": {"id": transaction["id"], "pspReference": ""},
        "sourceObject": {"__typename": "Checkout", "id": checkout["id"], "email": checkout["email"] or None,
                         "channel": {"slug": fake.channel_slug}},
    }
    answer = sessions.transaction_initialize_session(payload=json.loads(json.dumps(payload)))
    event = _session_result(fake, transaction, answer, amount)
    return {"transactionInitialize": {"transaction": _transaction_data(transaction),
                                      "transactionEvent": _event_data(event), "data": answer.get("data"),
                                      "errors": []}}


@handles("TransactionProcess")
def transaction_process(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    transaction = _transaction(fake, variables["transactionId"])
    if transaction is None:
        return {"transactionProcess": {"transaction": None, "transactionEvent": None, "data": None, "errors": [
            _error("id", "NOT_FOUND", f"Couldn't resolve to a node: {variables['transactionId']}")]}}
    final = next((e for e in transaction["events"] if e["type"] in FINAL_TYPES - {"CHARGE_FAILURE"}), None)
    if final is not None:
        # Already processed: Saleor answers with the event it has, without calling the app.
        return {"transactionProcess": {"transaction": _transaction_data(transaction),
                                       "transactionEvent": _event_data(final), "data": None, "errors": []}}
    checkout = _payment_checkout(fake, transaction["checkout_id"])
    amount = float(checkout["amount"])
    payload = {
        "__typename": "TransactionProcessSession",
        "issuedAt": _now(),
        "merchantReference": transaction["id"],
        "data": None,
        "action": {"amount": amount, "currency": fake.currency, "actionType": "CHARGE"},
        "transaction": {"id": transaction["id"], "pspReference": transaction["psp_reference"]},
        "sourceObject": {"__typename": "Checkout", "id": transaction["checkout_id"]},
    }
    answer = sessions.transaction_process_session(payload=json.loads(json.dumps(payload)))
    event = _session_result(fake, transaction, answer, amount)
    return {"transactionProcess": {"transaction": _transaction_data(transaction),
                                   "transactionEvent": _event_data(event), "data": answer.get("data"),
                                   "errors": []}}


@handles("TransactionEventReport")
def transaction_event_report(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    transaction = _transaction(fake, variables["transactionId"])
    if transaction is None:
        return {"transactionEventReport": {"alreadyProcessed": None, "transactionEvent": None, "errors": [
            _error("id", "NOT_FOUND", f"Couldn't resolve to a node: {variables['transactionId']}")]}}
    amount = float(variables.get("amount") or 0)
    same = next((e for e in transaction["events"] if (e["psp_reference"], e["type"], e["amount"])
                 == (variables["pspReference"], variables["type"], amount)), None)
    if same is not None:
        return {"transactionEventReport": {"alreadyProcessed": True, "transactionEvent": _event_data(same),
                                           "errors": []}}
    event = _record(fake, transaction, type_=variables["type"], amount=amount,
                    psp_reference=variables["pspReference"], message=variables.get("message") or "")
    return {"transactionEventReport": {"alreadyProcessed": False, "transactionEvent": _event_data(event),
                                       "errors": []}}


@handles("TransactionRequestAction")
def transaction_request_action(fake: FakeSaleor, variables: Mapping[str, Any]) -> dict[str, Any]:
    """CANCEL, as Saleor does it: our TRANSACTION_CANCELATION_REQUESTED webhook is called and
    its answer recorded on the transaction."""
    transaction = _transaction(fake, variables["id"])
    if transaction is None:
        return {"transactionRequestAction": {"transaction": None, "errors": [
            _error("id", "NOT_FOUND", f"Couldn't resolve to a node: {variables['id']}")]}}
    if variables["actionType"] != "CANCEL":
        raise AssertionError(f"FakeSaleor's transactionRequestAction does only CANCEL, not {variables['actionType']}")
    payload = {"__typename": "TransactionCancelationRequested", "issuedAt": _now(),
               "action": {"amount": None, "currency": fake.currency, "actionType": "CANCEL"},
               "transaction": {"id": transaction["id"], "pspReference": transaction["psp_reference"]}}
    answer = actions.transaction_cancelation_requested(payload=payload)
    _record(fake, transaction, type_=answer["result"], amount=answer.get("amount") or 0,
            psp_reference=answer.get("pspReference") or "", message=answer.get("message") or "")
    return {"transactionRequestAction": {"transaction": {"id": transaction["id"]}, "errors": []}}
