"""Who may reach what on the vendor side: every vendor-reachable page, for every kind of visitor.

Denied is a login redirect (anonymous), 403 or 404, and changes nothing: no listing,
variant, outbox event, decision or vendor state moves (STYLE.md rule 3).
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.integration.factories import make_confirmed_user, make_officer, make_staff, make_vendor
from vendors.listings.models import Listing, OutboxEvent, Variant
from vendors.listings.services import VariantInput, listing_create
from vendors.onboarding.models import Decision, Document, Invitation, Vendor
from vendors.registry.models import Certificate

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "buyer", "other_vendor_owner", "own_staff", "own_owner", "officer"]
OK, LOGIN, FORBIDDEN, NOT_FOUND, REDIRECT = 200, "login", 403, 404, 302


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """Two approved vendors; the first has a staff member, a listing on sale and a document."""
    from django.utils import timezone

    own = make_vendor("HTX Cà phê Đạo Nghĩa")
    other = make_vendor("HTX Mật ong Quảng Tín")
    staff = make_staff(own, "nhanvien")
    listing = listing_create(
        vendor=own, certificate=Certificate.objects.get(producer=own.producer), today=timezone.localdate(),
        variants=[VariantInput(name="Hộp 250 g", sku="DN-250", price_vnd=120_000, stock=10, weight_grams=250)],
    )
    document = Document.objects.filter(vendor=own).first()
    return {
        "own": own, "other": other, "listing": listing, "document": document,
        "users": {
            "anonymous": None,
            "buyer": make_confirmed_user("nguoimua"),
            "other_vendor_owner": other.memberships.get(role="owner").user,
            "own_staff": staff,
            "own_owner": own.memberships.get(role="owner").user,
            "officer": make_officer(),
        },
    }


def snapshot(world) -> tuple:
    listing = Listing.objects.get(pk=world["listing"].pk)
    return (
        Listing.objects.count(), Variant.objects.count(), OutboxEvent.objects.count(), Decision.objects.count(),
        Invitation.objects.count(), listing.status, listing.title,
        tuple(Vendor.objects.order_by("pk").values_list("state", flat=True)),
    )


def visit(client, world, who, method, path, data=None):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    return client.post(path, data or {}) if method == "POST" else client.get(path)


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL)):
        return LOGIN
    return response.status_code


# (page, method, data, {visitor: expected}) — the listing and document are the first vendor's.
PORTAL_PAGE = {"anonymous": LOGIN, "buyer": FORBIDDEN, "other_vendor_owner": OK, "own_staff": OK,
               "own_owner": OK, "officer": FORBIDDEN}
OWN_LISTING = {"anonymous": LOGIN, "buyer": FORBIDDEN, "other_vendor_owner": NOT_FOUND, "own_staff": OK,
               "own_owner": OK, "officer": FORBIDDEN}
OWN_LISTING_POST = {**OWN_LISTING, "own_staff": REDIRECT, "own_owner": REDIRECT}
OFFICER_PAGE = {"anonymous": LOGIN, "buyer": FORBIDDEN, "other_vendor_owner": FORBIDDEN, "own_staff": FORBIDDEN,
                "own_owner": FORBIDDEN, "officer": OK}
OFFICER_POST = {**OFFICER_PAGE, "officer": REDIRECT}
DOCUMENT = {"anonymous": LOGIN, "buyer": NOT_FOUND, "other_vendor_owner": NOT_FOUND, "own_staff": OK,
            "own_owner": OK, "officer": OK}
INVITE = {"anonymous": LOGIN, "buyer": FORBIDDEN, "other_vendor_owner": REDIRECT, "own_staff": FORBIDDEN,
          "own_owner": REDIRECT, "officer": FORBIDDEN}

CASES = [
    ("portal dashboard", "GET", lambda w: "/portal/", None, PORTAL_PAGE),
    ("portal listings", "GET", lambda w: "/portal/listings/", None, PORTAL_PAGE),
    ("portal new listing", "GET", lambda w: "/portal/listings/new/", None, PORTAL_PAGE),
    ("portal users", "GET", lambda w: "/portal/users/", None, PORTAL_PAGE),
    ("portal profile", "GET", lambda w: "/portal/profile/", None, PORTAL_PAGE),
    ("edit own listing", "GET", lambda w: f"/portal/listings/{w['listing'].pk}/", None, OWN_LISTING),
    ("hide own listing", "POST", lambda w: f"/portal/listings/{w['listing'].pk}/", {"action": "hide"}, OWN_LISTING_POST),
    ("document download", "GET", lambda w: f"/apply/documents/{w['document'].pk}/", None, DOCUMENT),
    ("officer queue", "GET", lambda w: "/officer/vendors/", None, OFFICER_PAGE),
    ("officer vendor page", "GET", lambda w: f"/officer/vendors/{w['own'].pk}/", None, OFFICER_PAGE),
    ("officer suspends", "POST", lambda w: f"/officer/vendors/{w['own'].pk}/decide/",
     {"action": "suspend", "reason": "Kiểm tra"}, OFFICER_POST),
    ("owner invites staff", "POST", lambda w: "/apply/invite/", {"email": "moi@example.vn"}, INVITE),
]
ALLOWED_TO_CHANGE = {"hide own listing": {"own_staff", "own_owner"}, "officer suspends": {"officer"},
                     "owner invites staff": {"own_owner", "other_vendor_owner"}}


@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize(("name", "method", "path", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_vendor_side_access(client, world, settings, tmp_path, django_capture_on_commit_callbacks,
                            who, name, method, path, data, expected):
    if name == "document download":  # a real file behind the document row
        target = settings.PRIVATE_MEDIA_ROOT / world["document"].file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.4 giay dang ky kinh doanh")
    before = snapshot(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = visit(client, world, who, method, path(world), data)
    assert outcome(response) == expected[who]
    if who not in ALLOWED_TO_CHANGE.get(name, set()):
        assert snapshot(world) == before


def test_another_vendors_listing_page_never_shows_this_vendors_listing(client, world):
    client.force_login(world["users"]["other_vendor_owner"])
    page = client.get("/portal/listings/").content.decode()
    assert world["listing"].title not in page


@pytest.mark.parametrize("bad_id", ["999999", "0"])
def test_guessed_listing_ids_are_not_found(client, world, bad_id):
    client.force_login(world["users"]["own_owner"])
    assert client.get(f"/portal/listings/{bad_id}/").status_code == 404
