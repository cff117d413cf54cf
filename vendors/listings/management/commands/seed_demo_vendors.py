"""python manage.py seed_demo_vendors: demo vendors on top of the demo registry (run seed_demo first).

- an approved vendor (HTX Cà phê Đạo Nghĩa) with its two certified coffees on sale, one
  of them on a certificate expiring in days (the dashboard warns);
- more approved producers with their certified products on sale (honey, macadamia, pepper
  from the former Đắk R'Lấp district; rice from the former Krông Nô district), so the shop
  has several producers and areas to browse and one cart can hold several of them;
- a submitted application waiting in the officers' queue (Công ty TNHH Hồng Đức);
- a vendor staff member.
Every account's password is printed; running it again adds nothing.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from vendors.listings.models import Listing
from vendors.listings.services import VariantInput, listing_create
from vendors.onboarding import services as onboarding
from vendors.onboarding.models import Membership, Vendor
from vendors.registry.models import Certificate, Producer

PASSWORD = "ocop-demo-2026"
OWNER = "htx.daonghia@example.vn"
STAFF = "nhanvien.daonghia@example.vn"
APPLICANT = "hongduc@example.vn"
PDF = b"%PDF-1.4\n% Giay chung nhan dang ky kinh doanh (du lieu mau)\n%%EOF\n"


def _user(email: str, name: str):
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"full_name": name, "email_confirmed_at": timezone.now()}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


# (producer name, owner email, owner name, [(variant name, grams, price in đồng, stock)])
SHOPS = (
    ("Hộ kinh doanh Mật ong Quảng Tín", "matong.quangtin@example.vn", "Y Quảng Tín",
     [("Chai 500 ml", 700, 165_000, 30), ("Chai 1 lít", 1350, 310_000, 12)]),
    ("Công ty CP Mắc ca Đắk Wer", "macca.dakwer@example.vn", "Hoàng Minh Đắk Wer",
     [("Túi 500 g", 500, 210_000, 40), ("Hộp quà 1 kg", 1100, 395_000, 8)]),
    ("Công ty TNHH Tiêu sạch Nghĩa Thắng", "tieusach.nghiathang@example.vn", "Đỗ Nghĩa Thắng",
     [("Hũ 100 g", 150, 45_000, 60)]),
    ("HTX Gạo Buôn Choáh", "gao.buonchoah@example.vn", "H'Hen Niê",
     [("Túi 5 kg", 5000, 150_000, 50)]),
)


def _application(producer: Producer, owner) -> Vendor:
    existing = Vendor.objects.filter(tax_number=producer.tax_number).first()
    if existing:
        return existing
    vendor = onboarding.application_save(user=owner, data=onboarding.ApplicationInput(
        kind=producer.kind, name=producer.name, tax_number=producer.tax_number, province_code="68",
        commune_code=producer.commune_code or "24733", street_address="Thôn 5 (dữ liệu mẫu)",
        representative_name="Nguyễn Văn Mẫu", phone="0905111002", identity_number="067080000001",
        bank_name="Agribank chi nhánh Đắk R'Lấp", bank_account_number="5300205000001",
        bank_account_holder=producer.name,
    ))
    onboarding.document_add(vendor=vendor, user=owner, upload=ContentFile(PDF, name="giay-dkkd-mau.pdf"))
    return onboarding.application_submit(vendor=vendor, user=owner)


class Command(BaseCommand):
    help = "Tạo gian hàng mẫu (cần chạy seed_demo trước)."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        coffee = Producer.objects.filter(name="HTX Cà phê Đạo Nghĩa").first()
        cashew = Producer.objects.filter(name="Công ty TNHH Hồng Đức").first()
        if coffee is None or cashew is None:
            raise CommandError("Chưa có sổ đăng ký mẫu: chạy python manage.py seed_demo trước.")
        officer = get_user_model().objects.filter(email="canbo@example.vn").first()

        owner = _user(OWNER, "Trần Thị Đạo Nghĩa")
        vendor = _application(coffee, owner)
        if vendor.state == "submitted":
            vendor = onboarding.application_approve(vendor=vendor, officer=officer, today=today,
                                                    reason="Hồ sơ đầy đủ (dữ liệu mẫu)")
        staff = _user(STAFF, "Lê Văn Nhân Viên")
        if not Membership.objects.filter(user=staff).exists():
            onboarding.invitation_accept(
                invitation=onboarding.invitation_create(vendor=vendor, user=owner, email=STAFF), user=staff
            )
        if not vendor.listings.exists():
            for index, certificate in enumerate(Certificate.objects.filter(producer=coffee, status="valid")):
                listing_create(
                    vendor=vendor, certificate=certificate, today=today,
                    description="Cà phê Robusta trồng xen sầu riêng, rang mộc, không tẩm ướp (dữ liệu mẫu).",
                    variants=[
                        VariantInput(name="Hộp 250 g", sku=f"DN{index}-250", price_vnd=95_000 + 10_000 * index,
                                     stock=24, weight_grams=250),
                        VariantInput(name="Túi 500 g", sku=f"DN{index}-500", price_vnd=180_000 + 15_000 * index,
                                     stock=3 + index, weight_grams=500),
                    ],
                )
        for name, email, owner_name, variants in SHOPS:
            self._shop(Producer.objects.get(name=name), _user(email, owner_name), variants, officer, today)
        _application(cashew, _user(APPLICANT, "Phạm Hồng Đức"))
        self.stdout.write(self.style.SUCCESS(
            f"Gian hàng mẫu: {Vendor.objects.filter(state='approved').count()} đã duyệt, "
            f"{Vendor.objects.filter(state='submitted').count()} chờ duyệt, {Listing.objects.count()} sản phẩm."
        ))
        self.stdout.write("Chủ các gian hàng khác: " + ", ".join(email for _, email, _, _ in SHOPS)
                          + f" (mật khẩu {PASSWORD})")
        self.stdout.write(f"Chủ gian hàng mẫu: {OWNER} / {PASSWORD} · nhân viên: {STAFF} / {PASSWORD} · "
                          f"người nộp hồ sơ: {APPLICANT} / {PASSWORD}")

    def _shop(self, producer: Producer, owner, variants, officer, today) -> None:
        """An approved vendor with every valid certificate of the producer on sale."""
        vendor = _application(producer, owner)
        if vendor.state == "submitted":
            vendor = onboarding.application_approve(vendor=vendor, officer=officer, today=today,
                                                    reason="Hồ sơ đầy đủ (dữ liệu mẫu)")
        if vendor.listings.exists():
            return
        for index, certificate in enumerate(Certificate.objects.filter(producer=producer, status="valid")):
            listing_create(
                vendor=vendor, certificate=certificate, today=today,
                description=f"{certificate.product_name} của {producer.name} (dữ liệu mẫu).",
                variants=[VariantInput(name=name, sku=f"{producer.tax_number}-{index}-{position}",
                                       price_vnd=price, stock=stock, weight_grams=grams)
                          for position, (name, grams, price, stock) in enumerate(variants)],
            )
