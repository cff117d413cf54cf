"""What the payment app keeps: one PaymentAttempt per Stripe PaymentIntent (its state,
moved only by `state.py`'s rules), and every Stripe event received, once."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PaymentAttempt(models.Model):
    """A Saleor transaction paid by card: the PaymentIntent made for it and where it stands."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ thanh toán"
        PROCESSING = "processing", "Đang xử lý"
        FAILED = "failed", "Thanh toán không thành công"
        SUCCEEDED = "succeeded", "Đã thanh toán"
        CANCELED = "canceled", "Đã huỷ"
        REFUNDED = "refunded", "Đã hoàn tiền"

    payment_intent_id = models.CharField("PaymentIntent", max_length=255, unique=True)
    saleor_transaction_id = models.CharField("giao dịch Saleor", max_length=255, db_index=True)
    saleor_checkout_id = models.CharField("giỏ hàng Saleor", max_length=255, blank=True)
    # Whole đồng (VND has no minor unit, and Stripe counts it in đồng too).
    amount = models.PositiveBigIntegerField("số tiền")
    amount_refunded = models.PositiveBigIntegerField("đã hoàn", default=0)
    currency = models.CharField(max_length=3, default="VND")
    state = models.CharField("trạng thái", max_length=16, choices=State.choices, default=State.PENDING)
    # Stripe refunds already counted in amount_refunded (a replayed refund counts once).
    refund_ids = models.JSONField(default=list, blank=True)
    # The Stripe idempotency key the PaymentIntent was created with.
    idempotency_key = models.CharField(max_length=255, blank=True)
    livemode = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lượt thanh toán thẻ"
        verbose_name_plural = "lượt thanh toán thẻ"
        constraints = [
            models.CheckConstraint(condition=Q(amount_refunded__lte=models.F("amount")),
                                   name="payment_refund_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_intent_id} ({self.state})"


class StripeEvent(models.Model):
    """A Stripe event, recorded once by its id (Stripe redelivers until it gets a 2xx), with
    what it means for Saleor (`reports`), sent by a Celery task after commit."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Đã áp dụng"
        STALE = "stale", "Cũ hơn trạng thái hiện tại, bỏ qua"
        IGNORED = "ignored", "Không liên quan"

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    # Stripe's `created` (Unix seconds): when the event happened, not when it reached us.
    created = models.DateTimeField()
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="events")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # [{type, amount, psp_reference, message}] for transactionEventReport, in order.
    reports = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    reported_at = models.DateTimeField(null=True, blank=True)
    report_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "sự kiện Stripe"
        verbose_name_plural = "sự kiện Stripe"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["received_at"], condition=Q(reported_at__isnull=True),
                         name="stripe_event_unreported"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
