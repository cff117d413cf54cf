"""The state of one card payment, and what a Stripe event does to it (no framework here).

Stripe delivers events at least once and in no guaranteed order, so the state moves by
rules, not by arrival: a success is final unless refunded (a late "failed" from an earlier
try, or a late "canceled", cannot undo it); refunds only grow (the charge's cumulative
`amount_refunded`, so an older refund event arriving after a newer one changes nothing);
a refund seen before its success implies the success. Each accepted event says what to
report to Saleor (transactionEventReport), with pspReferences that make a repeat harmless.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PENDING, PROCESSING, FAILED, SUCCEEDED, CANCELED, REFUNDED = (
    "pending", "processing", "failed", "succeeded", "canceled", "refunded")
PAID = frozenset({SUCCEEDED, REFUNDED})
FINAL_BEFORE_PAYMENT = frozenset({CANCELED})

# The Stripe events the app listens to (configure exactly these on the Stripe endpoint).
HANDLED_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
                  "charge.refunded")


@dataclass(frozen=True)
class Report:
    """One transactionEventReport to send: Saleor's TransactionEventTypeEnum, whole đồng."""

    type: str
    amount: int
    psp_reference: str
    message: str

    def as_dict(self) -> dict:
        return {"type": self.type, "amount": self.amount, "psp_reference": self.psp_reference,
                "message": self.message}


@dataclass(frozen=True)
class Payment:
    payment_intent_id: str
    amount: int
    state: str
    amount_refunded: int = 0


@dataclass(frozen=True)
class Outcome:
    payment: Payment
    applied: bool
    reports: tuple[Report, ...] = field(default=())


def _charge_success(payment: Payment) -> Report:
    return Report("CHARGE_SUCCESS", payment.amount, payment.payment_intent_id,
                  "Đã thanh toán bằng thẻ (card payment succeeded).")


def _with(payment: Payment, **changes) -> Payment:
    return Payment(**{**payment.__dict__, **changes})


def payment_succeeded(payment: Payment) -> Outcome:
    """payment_intent.succeeded. Reported even when already paid: the report is keyed by the
    PaymentIntent id and amount, which Saleor takes once (alreadyProcessed)."""
    if payment.state == CANCELED:
        return Outcome(payment, False)
    new_state = REFUNDED if payment.state == REFUNDED else SUCCEEDED
    return Outcome(_with(payment, state=new_state), True, (_charge_success(payment),))


def payment_failed(payment: Payment, *, reason: str) -> Outcome:
    """payment_intent.payment_failed: one try failed; the buyer may try again with the same
    PaymentIntent, so it is not final. Stale once the payment succeeded or was canceled."""
    if payment.state in PAID or payment.state == CANCELED:
        return Outcome(payment, False)
    message = "Thanh toán thẻ không thành công (card payment failed)" + (f": {reason}" if reason else ".")
    return Outcome(_with(payment, state=FAILED), True,
                   (Report("CHARGE_FAILURE", payment.amount, payment.payment_intent_id, message[:500]),))


def payment_canceled(payment: Payment) -> Outcome:
    """payment_intent.canceled: final for an unpaid payment; stale after a success."""
    if payment.state in PAID:
        return Outcome(payment, False)
    if payment.state == CANCELED:
        return Outcome(payment, True, ())
    return Outcome(_with(payment, state=CANCELED), True,
                   (Report("CANCEL_SUCCESS", payment.amount, payment.payment_intent_id,
                           "Đã huỷ thanh toán thẻ (payment canceled)."),))


def charge_refunded(payment: Payment, *, charge_id: str, amount_refunded: int) -> Outcome:
    """charge.refunded carries the charge's cumulative amount_refunded: only growth counts,
    reported as the difference, keyed by the cumulative total (so a repeat is one event)."""
    if payment.state == CANCELED or amount_refunded <= payment.amount_refunded:
        return Outcome(payment, False)
    amount_refunded = min(amount_refunded, payment.amount)
    reports = [] if payment.state in PAID else [_charge_success(payment)]
    reports.append(Report("REFUND_SUCCESS", amount_refunded - payment.amount_refunded,
                          f"{charge_id}:refunded:{amount_refunded}",
                          "Đã hoàn tiền về thẻ (refunded to the card)."))
    return Outcome(_with(payment, state=REFUNDED, amount_refunded=amount_refunded), True, tuple(reports))


def intent_status_observed(payment: Payment, status: str) -> Payment:
    """What a PaymentIntent we read ourselves (a Saleor session) says, by the same rules;
    nothing is reported: the session's answer is Saleor's record of it."""
    if status == "succeeded":
        return payment_succeeded(payment).payment
    if status == "canceled":
        return payment_canceled(payment).payment
    if status == "processing" and payment.state in (PENDING, FAILED):
        return _with(payment, state=PROCESSING)
    return payment


def superseded(report_type: str, state: str) -> bool:
    """A failure or cancel decided earlier is not sent once the payment is paid: whatever
    order the report tasks run in, Saleor's last word is the success."""
    return report_type in ("CHARGE_FAILURE", "CANCEL_SUCCESS") and state in PAID


def available_actions(payment: Payment) -> list[str]:
    """What Saleor's Dashboard may offer next (Saleor's TransactionActionEnum)."""
    if payment.state in PAID:
        return ["REFUND"] if payment.amount_refunded < payment.amount else []
    if payment.state in (PENDING, PROCESSING, FAILED):
        return ["CANCEL"]
    return []
