"""The admission count: our own atomic count of what is left per variant decides which
checkouts may become orders (issue 5, "Never sell what is not there").

Saleor 3.23 oversells when checkouts complete at the same moment (its allocation ignores
allocations made concurrently). ``Variant.stock`` is what is left to sell, kept equal to
Saleor's ``quantity - quantityAllocated`` (the sync), so it is the admission count itself:
before Saleor completes a checkout, ``hold_take`` takes every line's quantity with one
conditional UPDATE per line (``stock >= q``), in variant-id order, in one transaction, all
or nothing, and records it in a ``CheckoutHold`` keyed by the checkout id. The completion
then commits the hold (``hold_complete``) or gives it back (``hold_release``). A hold not
completed in time (a card payment abandoned, a worker that died) is given back by the beat
task. Two buyers racing for the last unit meet in PostgreSQL's row lock on the variant:
exactly one UPDATE matches.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from vendors.listings.models import Variant

from .models import CheckoutHold

logger = logging.getLogger(__name__)

DEFAULT_HOLD_MINUTES = 15
# A buyer's units that count against a per-customer limit: held now, or ordered.
_COUNTED_FOR_BUYER = (CheckoutHold.State.HELD, CheckoutHold.State.COMPLETED)


class SoldOut(Exception):
    """A line's quantity is not left; nothing was taken. ``message_vi`` names the item."""

    def __init__(self, *, variant_id: int, wanted: int, left: int, message_vi: str) -> None:
        super().__init__(message_vi)
        self.variant_id = variant_id
        self.wanted = wanted
        self.left = left
        self.message_vi = message_vi


class OverLimit(Exception):
    """A buyer (by email) would pass a variant's per-customer limit with earlier orders
    counted; nothing was taken. ``message_vi`` says how many are left to them."""

    def __init__(self, message_vi: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi


class AlreadyOrdered(Exception):
    """The checkout became an order already; it cannot be admitted again."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"checkout already completed as order {order_id}")
        self.order_id = order_id


@dataclass(frozen=True)
class Hold:
    checkout_id: str
    lines: tuple[tuple[int, int], ...]
    taken_now: bool  # False when an earlier hold for the same lines was still held


def _hold_minutes() -> int:
    return int(getattr(settings, "CHECKOUT_HOLD_MINUTES", DEFAULT_HOLD_MINUTES))


def _normalised(quantities: Mapping[int, int]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((int(v), int(q)) for v, q in quantities.items() if int(q) > 0))


def _sold_out(variant_id: int, wanted: int) -> SoldOut:
    variant = Variant.objects.select_related("listing").filter(pk=variant_id).first()
    if variant is None:
        return SoldOut(variant_id=variant_id, wanted=wanted, left=0,
                       message_vi="Một sản phẩm trong giỏ không còn bán trên sàn.")
    name = f"“{variant.listing.title} – {variant.name}”"
    message = (f"{name} đã hết hàng." if variant.stock == 0
               else f"{name} chỉ còn {variant.stock}, không đủ {wanted} như trong giỏ.")
    return SoldOut(variant_id=variant_id, wanted=wanted, left=variant.stock, message_vi=message + " Chưa có gì được đặt.")


def _buyer_limits_check(*, checkout_id: str, lines: tuple[tuple[int, int], ...], buyer_email: str) -> None:
    """Saleor counts ``quantityLimitPerCustomer`` per checkout for a guest, so a guest could
    order again and again; here the limit counts every unit the same email holds or has
    ordered (orders cancelled or holds given back do not count). Serialised per email with
    an advisory lock, so two tabs of one buyer cannot both pass."""
    limits = dict(Variant.objects.filter(pk__in=[variant_id for variant_id, _ in lines],
                                         limit_per_customer__isnull=False).values_list("pk", "limit_per_customer"))
    if not limits:
        return
    with connection.cursor() as cursor:  # held until the transaction ends
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"buyer:{buyer_email}"])
    bought: dict[int, int] = {}
    for held_lines in (CheckoutHold.objects.filter(buyer_email=buyer_email, state__in=_COUNTED_FOR_BUYER)
                       .exclude(checkout_id=checkout_id).values_list("lines", flat=True)):
        for variant_id, quantity in held_lines:
            if variant_id in limits:
                bought[variant_id] = bought.get(variant_id, 0) + quantity
    for variant_id, quantity in lines:
        limit, before = limits.get(variant_id), bought.get(variant_id, 0)
        if limit is not None and before + quantity > limit:
            variant = Variant.objects.select_related("listing").get(pk=variant_id)
            left = max(limit - before, 0)
            raise OverLimit(
                f"Mỗi khách chỉ được mua tối đa {limit} “{variant.listing.title} – {variant.name}”; "
                f"email này đã đặt {before}, nên lần này chỉ còn được {left}. Chưa có gì được đặt.")


def hold_take(*, checkout_id: str, quantities: Mapping[int, int], minutes: int | None = None,
              buyer_email: str = "") -> Hold:
    """Take ``quantities`` ({our variant id: quantity}) off ``Variant.stock`` for the checkout,
    all or nothing (the contract's admission counter); raise ``SoldOut`` naming the first
    line that is not there, with nothing taken. A hold still held for the same lines is
    reused (a card payment took it before the payment); one for other lines is given back
    and taken anew. Raises ``AlreadyOrdered`` for a checkout that became an order, and
    ``OverLimit`` when ``buyer_email`` would pass a variant's per-customer limit."""
    lines = _normalised(quantities)
    buyer_email = (buyer_email or "").strip().lower()
    expires_at = timezone.now() + timedelta(minutes=minutes if minutes is not None else _hold_minutes())
    with transaction.atomic():
        CheckoutHold.objects.get_or_create(checkout_id=checkout_id, defaults={
            "state": CheckoutHold.State.RELEASED, "expires_at": expires_at})
        hold = CheckoutHold.objects.select_for_update().get(checkout_id=checkout_id)
        if hold.state == CheckoutHold.State.COMPLETED:
            raise AlreadyOrdered(hold.order_id)
        if hold.state == CheckoutHold.State.HELD:
            if tuple(map(tuple, hold.lines)) == lines:
                CheckoutHold.objects.filter(pk=hold.pk).update(expires_at=expires_at)
                return Hold(checkout_id, lines, taken_now=False)
            _give_back(hold.lines)
        if buyer_email:
            try:
                _buyer_limits_check(checkout_id=checkout_id, lines=lines, buyer_email=buyer_email)
            except OverLimit:
                transaction.set_rollback(True)  # a hold given back above stays held
                raise
        for variant_id, quantity in lines:  # variant-id order: no two takers wait on each other
            if not Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(stock=F("stock") - quantity):
                error = _sold_out(variant_id, quantity)
                transaction.set_rollback(True)  # give back the lines taken before this one
                break
        else:
            hold.state, hold.lines, hold.expires_at, hold.order_id, hold.buyer_email = (
                CheckoutHold.State.HELD, [list(line) for line in lines], expires_at, "", buyer_email)
            hold.save()
            return Hold(checkout_id, lines, taken_now=True)
    raise error


def _give_back(lines) -> None:
    for variant_id, quantity in sorted(map(tuple, lines)):
        Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)


def hold_release(*, checkout_id: str) -> bool:
    """Give a held checkout's quantities back (the completion failed, or the hold expired).
    True when something was given back; a hold completed or released already is left."""
    lines = _release(checkout_id=checkout_id, state=CheckoutHold.State.HELD)
    if lines is None:
        return False
    logger.info("Hold of checkout %s given back: %s", checkout_id, lines)
    return True


def _release(*, state: str, **hold_filter) -> list | None:
    """Give back the lines of the one hold in ``state`` matching ``hold_filter`` and mark it
    released, under its row lock; its lines, or None when there is no such hold."""
    with transaction.atomic():
        hold = CheckoutHold.objects.select_for_update().filter(state=state, **hold_filter).first()
        if hold is None:
            return None
        _give_back(hold.lines)
        hold.state = CheckoutHold.State.RELEASED
        hold.save(update_fields=["state", "updated_at"])
    return hold.lines


def hold_complete(*, checkout_id: str, order_id: str) -> bool:
    """The checkout became order ``order_id``: the hold's stock stays taken, for good.
    False when there was no hold in force (it expired meanwhile and was given back)."""
    return bool(CheckoutHold.objects.filter(checkout_id=checkout_id, state=CheckoutHold.State.HELD)
                .update(state=CheckoutHold.State.COMPLETED, order_id=order_id, updated_at=timezone.now()))


_ORDERED = (CheckoutHold.State.COMPLETED, CheckoutHold.State.CANCELLED)


def hold_in_force(*, checkout_id: str) -> bool:
    """Are the checkout's units held, and not past their time (a card payment being made)?"""
    return CheckoutHold.objects.filter(checkout_id=checkout_id, state=CheckoutHold.State.HELD,
                                       expires_at__gt=timezone.now()).exists()


def checkout_order_id(*, checkout_id: str) -> str | None:
    """The order the checkout became, when our completion (or its ORDER_CREATED) recorded it."""
    return (CheckoutHold.objects.filter(checkout_id=checkout_id, state=CheckoutHold.State.COMPLETED)
            .values_list("order_id", flat=True).first())


def order_admitted(*, checkout_id: str | None, order_id: str) -> bool:
    """ORDER_CREATED, ORDER_CANCELLED: did our admission take this order's stock? A hold
    still held (the completion's answer not yet recorded) is completed here; a released one
    was given back, so the order took its stock like an order that came by another path."""
    if not checkout_id:
        return CheckoutHold.objects.filter(order_id=order_id, state__in=_ORDERED).exists()
    if hold_complete(checkout_id=checkout_id, order_id=order_id):
        return True
    return CheckoutHold.objects.filter(checkout_id=checkout_id, state__in=_ORDERED).exists()


def hold_cancel(*, order_id: str) -> bool:
    """ORDER_CANCELLED for an order we admitted: its hold's stock is to be given back, and
    only once. True for the one call that marks the completed hold cancelled."""
    return bool(CheckoutHold.objects.filter(order_id=order_id, state=CheckoutHold.State.COMPLETED)
                .update(state=CheckoutHold.State.CANCELLED, updated_at=timezone.now()))


def admitted_quantities(*, order_id: str) -> dict[int, int]:
    """{variant id: quantity} our admission took for order ``order_id``: its checkout's lines
    as they were when admitted (the order may have more, or fewer: the cart changed in
    another tab before Saleor completed it). Empty for an order we did not admit."""
    hold = CheckoutHold.objects.filter(order_id=order_id, state=CheckoutHold.State.COMPLETED).first()
    return {int(variant_id): int(quantity) for variant_id, quantity in hold.lines} if hold else {}


def hold_give_back(*, order_id: str) -> bool:
    """The order an admitted checkout became is cancelled as oversold (ORDER_CREATED found
    lines added after admission beyond stock): it keeps none of our stock, so its hold's
    quantities come back, once. True for the call that gave them back."""
    lines = _release(order_id=order_id, state=CheckoutHold.State.COMPLETED)
    if lines is None:
        return False
    logger.info("Hold of order %s given back (order cancelled as oversold): %s", order_id, lines)
    return True


def held_quantities(variant_ids: Iterable[int]) -> dict[int, int]:
    """{variant id: units held for checkouts not yet completed}, for those of ``variant_ids``
    with any. Held units are off ``Variant.stock`` but still in Saleor's quantity and not in
    its allocations (Saleor allocates when the order is made), so the sync adds them back
    when it compares with Saleor and when it pushes. One query: only checkouts being paid
    for or completed right now are held, a few rows."""
    wanted = set(variant_ids)
    held: dict[int, int] = {}
    for lines in CheckoutHold.objects.filter(state=CheckoutHold.State.HELD).values_list("lines", flat=True):
        for variant_id, quantity in lines:
            if variant_id in wanted:
                held[variant_id] = held.get(variant_id, 0) + quantity
    return held


def holds_release_expired(*, now=None) -> int:
    """The beat task's work: give back every hold past its time. Returns how many."""
    now = now or timezone.now()
    expired = list(CheckoutHold.objects.filter(state=CheckoutHold.State.HELD, expires_at__lt=now)
                   .values_list("checkout_id", flat=True))
    return sum(hold_release(checkout_id=checkout_id) for checkout_id in expired)
