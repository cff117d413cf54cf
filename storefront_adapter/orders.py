"""Orders as Saleor holds them: read one for its page, and cancel one that came by another
path beyond our stock (issue 5: flagged to officers and the vendor, cancelled, its buyer
told). Calls Saleor: never inside a database transaction."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import transaction

from vendors.listings.models import Variant

from .client import SaleorClient
from .connection import saleor_client
from .errors import SaleorGraphQLError, raise_for_mutation_errors
from .models import GateAuditEntry

logger = logging.getLogger(__name__)


def order_get(*, order_id: str, client: SaleorClient | None = None) -> dict[str, Any] | None:
    """The order as the Order document reads it, or None for an id Saleor does not know."""
    try:
        return (client or saleor_client()).execute("Order", {"id": order_id})["order"]
    except SaleorGraphQLError:  # a malformed id ("Couldn't resolve id")
        return None


def order_lookup(*, number: int, email: str, client: SaleorClient | None = None) -> str | None:
    """The id of order ``number`` placed with ``email`` (both must match), or None."""
    email = (email or "").strip().lower()
    if not email or number < 1:
        return None
    edges = (client or saleor_client()).execute("OrderLookup", {"number": number, "email": email})["orders"]["edges"]
    return edges[0]["node"]["id"] if edges else None


def _vendor_emails(variant_ids: Iterable[int]) -> dict[str, list[str]]:
    """{vendor name: its users' emails} for the vendors of these variants."""
    emails: dict[str, list[str]] = {}
    for variant in Variant.objects.filter(pk__in=list(variant_ids)).select_related("listing__vendor") \
            .prefetch_related("listing__vendor__memberships__user"):
        vendor = variant.listing.vendor
        emails[vendor.name] = sorted({m.user.email for m in vendor.memberships.all() if m.user.email})
    return emails


def order_cancel_oversold(*, order_id: str, audit_entry_ids: list[int], client: SaleorClient | None = None) -> bool:
    """Cancel in Saleor an order that came by another path beyond our stock (its OVERSOLD
    audit rows say which lines), then email its vendors and its buyer in Vietnamese, once.
    Returns True when this call cancelled it."""
    client = client or saleor_client()
    entries = list(GateAuditEntry.objects.filter(pk__in=audit_entry_ids).order_by("pk"))
    if not entries or all(e.details.get("cancelled") for e in entries):
        return False
    order = order_get(order_id=order_id, client=client)
    if order is not None and order["status"] != "CANCELED":
        raise_for_mutation_errors(client.execute("OrderCancel", {"id": order_id}), "orderCancel")
    number = entries[0].details.get("order_number")
    short = "\n".join(f"- {e.reason}" for e in entries)
    buyer = (order or {}).get("userEmail") or entries[0].details.get("buyer_email")
    if buyer:
        send_mail(
            f"Đơn hàng #{number} đã bị huỷ vì sản phẩm hết hàng",
            f"Xin chào,\n\nRất tiếc, đơn hàng #{number} của bạn trên Sàn OCOP đã bị huỷ: khi đơn được tạo, "
            "sản phẩm đã hết hàng nên gian hàng không thể giao. Bạn không phải trả tiền cho đơn này; "
            "nếu đã thanh toán, khoản tiền sẽ được hoàn lại.\n\nSàn OCOP xin lỗi vì sự bất tiện này.\n",
            None, [buyer])
    for vendor_name, emails in _vendor_emails(e.details.get("variant_id") for e in entries).items():
        if emails:
            send_mail(f"[Sàn OCOP] Đơn #{number} vượt tồn kho đã bị huỷ",
                      f"Gian hàng {vendor_name}:\n\nĐơn hàng #{number} đến từ ngoài trang thanh toán của sàn và "
                      f"vượt số hàng còn lại nên đã bị huỷ trên Saleor:\n{short}\n\n"
                      "Tồn kho của gian hàng không thay đổi. Cán bộ quản lý sàn đã được báo.\n", None, emails)
    with transaction.atomic():
        for entry in entries:
            entry.details = {**entry.details, "cancelled": True}
            entry.save(update_fields=["details"])
    logger.warning("Oversold order %s (#%s) cancelled in Saleor", order_id, number)
    return True
