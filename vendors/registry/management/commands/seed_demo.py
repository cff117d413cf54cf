"""python manage.py seed_demo: a clearly-labelled demo registry for the former Đắk Nông province.

Every certificate number starts with "DEMO-" and every decision says "dữ liệu mẫu":
nothing here is an official record. Dates are relative to today so that some
certificates are expiring soon, some expired, one revoked, and the district plan's two
re-evaluated products (plan 117/KH-UBND, 2024) carry a renewal chain.
Running it again adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

import ocop_rules
from ocop_rules import IssuingLevel
from vendors.registry.models import Certificate
from vendors.registry.permissions import ensure_officers_group
from vendors.registry.services import (
    Decision,
    certificate_record_decision,
    certificate_renew,
    certificate_revoke,
    producer_get_or_create,
)

SOURCE = "Dữ liệu mẫu (seed_demo)"
DEMO_OFFICER = ("canbo@example.vn", "canbo-ocop-demo")


@dataclass(frozen=True)
class DemoProducer:
    tax_number: str
    name: str
    district: str
    commune: str
    phone: str
    email: str


@dataclass(frozen=True)
class DemoProduct:
    producer: int  # index into PRODUCERS
    product_name: str
    group: str
    subgroup: str
    stars: int
    score: int
    # Days from today to the last valid day; negative means expired already.
    expires_in_days: int


PRODUCERS = [
    DemoProducer("6400112233", "Công ty TNHH Hồng Đức", "Huyện Đắk R'Lấp", "Xã Nhân Cơ", "0261 3684 111", "hongduc.demo@example.vn"),
    DemoProducer("6400223344", "DNTN Toàn Hằng", "Huyện Đắk R'Lấp", "Xã Kiến Thành", "0261 3684 222", "toanhang.demo@example.vn"),
    DemoProducer("6400334455", "HTX Nông nghiệp Dịch vụ Nhân Đạo", "Huyện Đắk R'Lấp", "Xã Nhân Đạo", "0905 111 001", "htxnhandao.demo@example.vn"),
    DemoProducer("6400445566", "HTX Cà phê Đạo Nghĩa", "Huyện Đắk R'Lấp", "Xã Đạo Nghĩa", "0905 111 002", "htxdaonghia.demo@example.vn"),
    DemoProducer("6400556677", "Hộ kinh doanh Mật ong Quảng Tín", "Huyện Đắk R'Lấp", "Xã Quảng Tín", "0905 111 003", ""),
    DemoProducer("6400667788", "Công ty CP Mắc ca Đắk Wer", "Huyện Đắk R'Lấp", "Xã Đắk Wer", "0905 111 004", "macca.demo@example.vn"),
    DemoProducer("6400778899", "HTX Sầu riêng Đắk Ru", "Huyện Đắk R'Lấp", "Xã Đắk Ru", "0905 111 005", "saurieng.demo@example.vn"),
    DemoProducer("6400889900", "Tổ hợp tác Dệt thổ cẩm Đắk Sin", "Huyện Đắk R'Lấp", "Xã Đắk Sin", "0905 111 006", ""),
    DemoProducer("6400990011", "HTX Nông nghiệp Hưng Bình", "Huyện Đắk R'Lấp", "Xã Hưng Bình", "0905 111 007", "hungbinh.demo@example.vn"),
    DemoProducer("6401001122", "Công ty TNHH Tiêu sạch Nghĩa Thắng", "Huyện Đắk R'Lấp", "Xã Nghĩa Thắng", "0905 111 008", "tieusach.demo@example.vn"),
    DemoProducer("6401112233", "HTX Gạo Buôn Choáh", "Huyện Krông Nô", "Xã Buôn Choáh", "0905 222 001", "gaobuonchoah.demo@example.vn"),
    DemoProducer("6401223344", "HTX Dịch vụ Nông nghiệp Đức Minh", "Huyện Đắk Mil", "Xã Đức Minh", "0905 222 002", "ducminh.demo@example.vn"),
    DemoProducer("6401334455", "Công ty TNHH Dược liệu Quảng Khê", "Huyện Đắk Glong", "Xã Quảng Khê", "0905 222 003", "duoclieu.demo@example.vn"),
    DemoProducer("6401445566", "Hộ kinh doanh Rượu cần Nâm Nung", "Huyện Krông Nô", "Xã Nâm Nung", "0905 222 004", ""),
    DemoProducer("6401556677", "Công ty CP Du lịch Tà Đùng", "Huyện Đắk Glong", "Xã Đắk Som", "0905 222 005", "tadung.demo@example.vn"),
    DemoProducer("6401667788", "HTX Lan rừng Trường Xuân", "Huyện Đắk Song", "Xã Trường Xuân", "0905 222 006", ""),
    DemoProducer("6401778899", "HTX Nông nghiệp Ea T'ling", "Huyện Cư Jút", "Thị trấn Ea T'ling", "0905 222 007", "eatling.demo@example.vn"),
    DemoProducer("6401889900", "Công ty TNHH Bơ Tuy Đức", "Huyện Tuy Đức", "Xã Quảng Trực", "0905 222 008", "botuyduc.demo@example.vn"),
]

PRODUCTS = [
    DemoProduct(2, "Cà phê rang xay Nhân Đạo", "food", "Chè và sản phẩm từ chè, cà phê, ca cao", 4, 76, 540),
    DemoProduct(2, "Cà phê hạt rang mộc Nhân Đạo", "food", "Chè và sản phẩm từ chè, cà phê, ca cao", 3, 62, 25),
    DemoProduct(3, "Cà phê Robusta Đạo Nghĩa", "food", "Chè và sản phẩm từ chè, cà phê, ca cao", 4, 81, 700),
    DemoProduct(3, "Cà phê phin giấy Đạo Nghĩa", "food", "Chè và sản phẩm từ chè, cà phê, ca cao", 3, 58, 6),
    DemoProduct(4, "Mật ong hoa cà phê Quảng Tín", "food", "Thực phẩm chế biến", 3, 55, 85),
    DemoProduct(5, "Hạt mắc ca sấy nứt vỏ", "food", "Thực phẩm chế biến", 4, 78, 300),
    DemoProduct(6, "Sầu riêng Đắk Ru", "food", "Nông sản tươi sống", 3, 64, 410),
    DemoProduct(7, "Khăn thổ cẩm M'Nông", "handicrafts", "", 3, 57, 220),
    DemoProduct(8, "Tiêu đen Hưng Bình", "food", "Gia vị", 3, 60, -20),
    DemoProduct(9, "Tiêu sọ trắng Nghĩa Thắng", "food", "Gia vị", 4, 73, 150),
    DemoProduct(10, "Gạo Buôn Choáh", "food", "Nông sản sơ chế", 4, 84, 620),
    DemoProduct(11, "Cà phê Đức Minh", "food", "Chè và sản phẩm từ chè, cà phê, ca cao", 3, 66, 28),
    DemoProduct(12, "Sâm dây Quảng Khê", "herbal", "", 3, 61, 480),
    DemoProduct(13, "Rượu cần Nâm Nung", "beverages", "", 3, 52, 95),
    DemoProduct(14, "Khu du lịch sinh thái Tà Đùng", "tourism", "", 4, 71, 800),
    DemoProduct(15, "Lan rừng Trường Xuân", "ornamental", "", 3, 53, 365),
    DemoProduct(16, "Bánh tráng Ea T'ling", "food", "Thực phẩm chế biến", 3, 56, 45),
    DemoProduct(17, "Bơ sáp 034 Tuy Đức", "food", "Nông sản tươi sống", 3, 63, -90),
    DemoProduct(9, "Tiêu xanh ngâm Nghĩa Thắng", "food", "Gia vị", 3, 54, 200),
    DemoProduct(5, "Bột mắc ca nguyên chất", "food", "Thực phẩm chế biến", 3, 59, 3),
]
# (product index, revocation reason): revoked after a quality inspection.
REVOKED = (16, "Kiểm tra chất lượng (dữ liệu mẫu): sản phẩm không đạt chỉ tiêu vi sinh theo tiêu chuẩn công bố.")


def _decision_date_for(expires_in_days: int, today: date) -> date:
    """The decision date whose 36-month period ends `expires_in_days` from today."""
    target = today + timedelta(days=expires_in_days)
    candidate = date(target.year - 3, target.month, min(target.day, 28))
    while ocop_rules.expiry_date(candidate) < target:
        candidate += timedelta(days=1)
    return candidate


def _level(stars: int, on: date, district: str) -> tuple[IssuingLevel, str]:
    levels = ocop_rules.expected_issuing_levels(stars, on)
    if IssuingLevel.MINISTRY in levels and ocop_rules.regime_for(on) == ocop_rules.Regime.D1489:
        return IssuingLevel.MINISTRY, "Bộ Nông nghiệp và Môi trường"
    level = IssuingLevel.DISTRICT if IssuingLevel.DISTRICT in levels else IssuingLevel.PROVINCE
    if level == IssuingLevel.DISTRICT:
        return level, f"UBND {district} (dữ liệu mẫu)"
    province = "UBND tỉnh Lâm Đồng" if on >= ocop_rules.REGIME_1489_FROM else "UBND tỉnh Đắk Nông"
    return level, f"{province} (dữ liệu mẫu)"


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (ghi rõ DEMO) cho sổ đăng ký OCOP của tỉnh Đắk Nông cũ (nay thuộc Lâm Đồng)."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        producers = [self._producer(p) for p in PRODUCERS]
        created = 0
        for index, product in enumerate(PRODUCTS, start=1):
            number = f"DEMO-DNO-{index:03d}"
            if Certificate.objects.filter(number=number).exists():
                continue
            decision_date = _decision_date_for(product.expires_in_days, today)
            demo = PRODUCERS[product.producer]
            certificate = certificate_record_decision(
                decision=self._decision(number, product.product_name, product.group, product.subgroup,
                                        product.stars, product.score, decision_date, demo),
                producer=producers[product.producer], actor=None, source=SOURCE, today=today,
            )
            created += 1
            if index - 1 == REVOKED[0]:
                certificate_revoke(certificate=certificate, revoked_on=today - timedelta(days=12),
                                   reason=REVOKED[1], actor=None, source=SOURCE, today=today)
        created += self._plan_117(producers, today)
        officer = self._officer()
        self.stdout.write(self.style.SUCCESS(
            f"Dữ liệu mẫu: {created} giấy chứng nhận mới, tổng {Certificate.objects.count()} trong sổ đăng ký."
        ))
        self.stdout.write(f"Tài khoản cán bộ mẫu: {officer[0]} / {officer[1]}")

    def _producer(self, demo: DemoProducer):
        producer, _ = producer_get_or_create(
            tax_number=demo.tax_number, name=demo.name, province="Tỉnh Đắk Nông", district=demo.district,
            commune=demo.commune, phone=demo.phone, email=demo.email,
        )
        return producer

    def _decision(self, number, product_name, group, subgroup, stars, score, decision_date, demo: DemoProducer):
        level, authority = _level(stars, decision_date, demo.district)
        return Decision(
            number=number, product_name=product_name, product_group=group, product_subgroup=subgroup,
            star_level=stars, score=score,
            decision_number=f"{int(''.join(filter(str.isdigit, number))[-3:])}/QĐ-UBND (dữ liệu mẫu)",
            decision_date=decision_date,
            issuing_level=level, issuing_authority=authority,
            issued_province="Tỉnh Đắk Nông", issued_district=demo.district, issued_commune=demo.commune,
        )

    def _plan_117(self, producers, today: date) -> int:
        """The two products plan 117/KH-UBND (2024) re-evaluates: first recognised in 2021,
        re-recognised in 2024 (the first certificate is superseded)."""
        created = 0
        chains = [
            (0, "Hạt điều rang muối", 3, 63, date(2021, 6, 18), 4, 72, date(2024, 6, 20)),
            (1, "Cà phê Natural Toàn Hằng", 3, 60, date(2021, 6, 18), 3, 67, date(2024, 6, 20)),
        ]
        for index, (who, name, stars, score, first_date, new_stars, new_score, renewal_date) in enumerate(chains):
            demo = PRODUCERS[who]
            first_number, renewal_number = f"DEMO-DRL-2021-{index + 1:02d}", f"DEMO-DRL-2024-{index + 1:02d}"
            first = Certificate.objects.filter(number=first_number).first()
            if first is None:
                first = certificate_record_decision(
                    decision=self._decision(first_number, name, "food", "Thực phẩm chế biến" if index == 0 else
                                            "Chè và sản phẩm từ chè, cà phê, ca cao", stars, score, first_date, demo),
                    producer=producers[who], actor=None, source=SOURCE, today=today,
                )
                created += 1
            if not Certificate.objects.filter(number=renewal_number).exists():
                certificate_renew(
                    certificate=first,
                    decision=self._decision(renewal_number, name, first.product_group, first.product_subgroup,
                                            new_stars, new_score, renewal_date, demo),
                    actor=None, source=SOURCE, today=today,
                    reason="Đánh giá lại theo Kế hoạch 117/KH-UBND năm 2024 (dữ liệu mẫu)",
                )
                created += 1
        return created

    def _officer(self) -> tuple[str, str]:
        email, password = DEMO_OFFICER
        user, created = get_user_model().objects.get_or_create(
            email=email, defaults={"is_staff": True, "full_name": "Cán bộ OCOP (mẫu)"}
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(ensure_officers_group())
        return email, password
