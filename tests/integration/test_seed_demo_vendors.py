"""The demo vendors a new developer sees after `manage.py demo`."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from vendors.listings.models import Listing
from vendors.onboarding.models import Membership, Vendor

pytestmark = pytest.mark.django_db


def test_demo_vendors_are_made_once_and_the_owner_sees_the_portal(client, capsys):
    call_command("seed_demo")
    call_command("seed_demo_vendors")
    counts = (Vendor.objects.count(), Listing.objects.count(), Membership.objects.count())
    call_command("seed_demo_vendors")

    assert (Vendor.objects.count(), Listing.objects.count(), Membership.objects.count()) == counts
    assert sorted(Vendor.objects.values_list("name", "state")) == [
        ("Công ty CP Mắc ca Đắk Wer", "approved"), ("Công ty TNHH Hồng Đức", "submitted"),
        ("Công ty TNHH Tiêu sạch Nghĩa Thắng", "approved"), ("HTX Cà phê Đạo Nghĩa", "approved"),
        ("HTX Gạo Buôn Choáh", "approved"), ("Hộ kinh doanh Mật ong Quảng Tín", "approved")]
    # Every valid certificate of an approved producer is on sale; areas differ.
    assert sorted(Listing.objects.filter(vendor__name="Công ty CP Mắc ca Đắk Wer").values_list("title", flat=True)) \
        == ["Bột mắc ca nguyên chất", "Hạt mắc ca sấy nứt vỏ"]
    assert set(Listing.objects.values_list("certificate__issued_district", flat=True)) == {
        "Huyện Đắk R'Lấp", "Huyện Krông Nô"}
    assert set(Listing.objects.values_list("status", flat=True)) == {"active"}
    assert client.login(email="htx.daonghia@example.vn", password="ocop-demo-2026")
    page = client.get("/portal/listings/").content.decode()
    assert "Cà phê Robusta Đạo Nghĩa" in page
    assert "95.000 ₫" in page


def test_demo_vendors_need_the_demo_registry():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_vendors")
