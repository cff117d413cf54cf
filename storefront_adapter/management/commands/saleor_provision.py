"""python manage.py saleor_provision: set up the shop in the installed Saleor (idempotent)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from storefront_adapter.connection import SaleorNotInstalled, saleor_client
from storefront_adapter.errors import (
    SaleorAuthError,
    SaleorMutationError,
    SaleorUnavailable,
)
from storefront_adapter.provisioning import (
    STANDARD_SHIPPING_PRICE_VND,
    Action,
    provision,
)


class Command(BaseCommand):
    help = ("Tạo trong Saleor kênh bán hàng ocop-vn, vùng và phương thức giao hàng, thuộc tính OCOP, "
            "loại sản phẩm, danh mục và kho của các gian hàng đã duyệt; chạy lại không tạo trùng.")

    def handle(self, *args, **options):
        try:
            client = saleor_client()
        except SaleorNotInstalled as exc:
            raise CommandError(f"{exc} Chưa khởi tạo được gì trong Saleor.") from exc
        try:
            report = provision(client)
        except SaleorUnavailable as exc:
            raise CommandError(
                f"Không kết nối được Saleor ({client.api_url}): {exc.reason}. Những gì đã tạo vẫn được giữ; "
                "chạy lại lệnh khi Saleor hoạt động trở lại.") from exc
        except SaleorAuthError as exc:
            raise CommandError(
                f"Saleor từ chối quyền của ứng dụng ({exc}). Cài lại ứng dụng hoặc cấp đủ quyền rồi chạy lại.") from exc
        except SaleorMutationError as exc:
            raise CommandError(f"Saleor không nhận dữ liệu khởi tạo: {exc}") from exc

        for made in report.objects:
            style = self.style.SUCCESS if made.action is Action.CREATED else (lambda text: text)
            self.stdout.write(style(f"{made.action.label_vi} {made.kind.label_vi} “{made.name}” ({made.key}): "
                                    f"{made.saleor_id}"))
        created = report.created
        if report.changed_nothing:
            self.stdout.write("Không tạo gì mới: mọi thứ đã có sẵn trong Saleor.")
        else:
            self.stdout.write(f"Đã tạo {len(created)}, bổ sung {len(report.of(Action.UPDATED))}, "
                              f"đã có sẵn {len(report.of(Action.FOUND))}.")
        price = f"{STANDARD_SHIPPING_PRICE_VND:,}".replace(",", ".")
        self.stdout.write(f"Lưu ý: phí giao hàng {price} ₫ là mức tạm, đồng giá toàn quốc.")
